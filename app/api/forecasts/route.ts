// GET /api/forecasts?deviceId=&metric= — a device-metric's forecast with the actual hourly history and alerts over its span.
import { z } from "zod";
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { getForecastView } from "@/lib/db/forecast-view-queries";
import { pool } from "@/lib/db/pool";
import { jsonResponse, notFound } from "@/lib/http/app-error";
import { METRICS } from "@/lib/telemetry/metrics";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({
  deviceId: z
    .string({ error: "required (the id of a device)" })
    .regex(/^[1-9]\d{0,9}$/, "must be a positive integer device id")
    .transform(Number),
  metric: z.enum(METRICS, { error: (issue) => (issue.input === undefined ? "required (a metric name)" : "not a known metric") }),
});

export const GET = withSession(
  async (req) => {
    const { deviceId, metric } = querySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    const view = await getForecastView(db(), pool(), deviceId, metric);
    if (!view) throw notFound("Device");
    return jsonResponse(view);
  },
  { permission: "alerts:read" },
);
