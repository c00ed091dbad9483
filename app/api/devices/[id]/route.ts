// GET /api/devices/:id?range=6h|24h|7d&baselineMetric= — one device for its page: whether a maintenance
// window covers it now, its metrics over the range (downsampled), its baseline heatmap for one metric,
// and the maintenance windows that apply to it. Its alerts come from GET /api/alerts?deviceId=.
import { z } from "zod";
import { withSession } from "@/app/_server/session";
import { DEFAULT_SERIES_RANGE, DEVICE_SERIES_RANGES } from "@/lib/dashboards/device-detail";
import { db } from "@/lib/db/client";
import { getDeviceDetail } from "@/lib/db/device-detail-queries";
import { pool } from "@/lib/db/pool";
import { jsonResponse, notFound } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";
import { METRICS } from "@/lib/telemetry/metrics";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({
  range: z.enum(DEVICE_SERIES_RANGES, { error: `must be one of ${DEVICE_SERIES_RANGES.join(", ")}` }).default(DEFAULT_SERIES_RANGE),
  baselineMetric: z.enum(METRICS, { error: "not a known metric" }).optional(),
});

export const GET = withSession<{ id: string }>(
  async (req, { params }) => {
    const id = parseRowId(params.id);
    const { range, baselineMetric } = querySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    const detail = await getDeviceDetail(db(), pool(), id, { range, baselineMetric, now: new Date() });
    if (!detail) throw notFound("Device");
    return jsonResponse(detail);
  },
  { permission: "alerts:read" },
);
