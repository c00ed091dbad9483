// An analyst's verdict on an alert, as a request gives it; recorded by lib/db/feedback-queries.ts.
import { z } from "zod";
import { VERDICTS } from "./alert-view";

export const feedbackInputSchema = z.strictObject({
  verdict: z.enum(VERDICTS),
  note: z.string().trim().max(2000).optional(),
});

export type FeedbackInput = z.infer<typeof feedbackInputSchema>;
