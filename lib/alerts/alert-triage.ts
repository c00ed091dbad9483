// Triage: analysts acknowledge, resolve, reopen and take alerts, one at a time or in bulk, and write
// notes. What a request may say and what a change writes live here; the transactions that apply,
// audit and announce them are lib/db/alert-triage-queries.ts.
import type { AlertStatus } from "@prisma/client";
import { z } from "zod";
import { AppError } from "../http/app-error";

/** What an analyst may set. Suppressed is the worker's verdict (maintenance, rules) and is never set by hand. */
export const TRIAGE_STATUSES = ["open", "acknowledged", "resolved"] as const satisfies readonly AlertStatus[];
export type TriageStatus = (typeof TRIAGE_STATUSES)[number];

export const alertPatchSchema = z
  .strictObject({
    status: z.enum(TRIAGE_STATUSES).optional(),
    /** "me" takes the alert, null gives it back. */
    assignee: z.union([z.literal("me"), z.null()]).optional(),
  })
  .refine((v) => v.status !== undefined || v.assignee !== undefined, { message: "give status or assignee" });

export type AlertPatch = z.infer<typeof alertPatchSchema>;

export const BULK_LIMIT = 500;

export const bulkTriageSchema = z.strictObject({
  ids: z.array(z.number().int().positive()).min(1).max(BULK_LIMIT),
  status: z.enum(TRIAGE_STATUSES),
});

export const alertNoteSchema = z.strictObject({
  body: z.string().trim().min(1, "write something").max(4000),
});

export interface AlertNoteView {
  id: number;
  alertId: number;
  author: { id: number; name: string } | null;
  body: string;
  createdAt: string;
}

const conflict = (message: string) => new AppError(409, "conflict", message);

export interface AlertState {
  id: number;
  status: AlertStatus;
  assigneeId: number | null;
}

/** The columns a patch writes, or null when it changes nothing. Throws 409 on a suppressed alert. */
export function triageUpdate(
  current: AlertState,
  patch: AlertPatch,
  actorId: number,
  now: Date,
): { status?: AlertStatus; acknowledgedAt?: Date | null; resolvedAt?: Date | null; assigneeId?: number | null } | null {
  if (current.status === "suppressed" && patch.status !== undefined) {
    throw conflict(`alert ${current.id} was suppressed (maintenance window or rule); it cannot be triaged`);
  }
  const data: ReturnType<typeof triageUpdate> & object = {};
  if (patch.status !== undefined && patch.status !== current.status) {
    data.status = patch.status;
    if (patch.status === "acknowledged") data.acknowledgedAt = now;
    if (patch.status === "resolved") data.resolvedAt = now;
    if (patch.status === "open") {
      data.acknowledgedAt = null;
      data.resolvedAt = null;
    }
  }
  if (patch.assignee !== undefined) {
    const assigneeId = patch.assignee === "me" ? actorId : null;
    if (assigneeId !== current.assigneeId) data.assigneeId = assigneeId;
  }
  return Object.keys(data).length === 0 ? null : data;
}
