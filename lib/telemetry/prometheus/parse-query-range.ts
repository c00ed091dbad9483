// Parses a Prometheus HTTP API matrix answer into per-device points: a `query_range` answer, or an
// instant `query` of a range vector (`metric[10m]`: the series' raw samples). Pure.
import { z } from "zod";

const responseSchema = z.object({
  status: z.literal("success"),
  data: z.object({
    resultType: z.literal("matrix"),
    result: z.array(
      z.object({
        metric: z.record(z.string(), z.string()),
        values: z.array(z.tuple([z.number(), z.string()])),
      }),
    ),
  }),
});

export interface DevicePoint {
  device: string;
  /** The series' full label set (a stable key: labels sorted), telling series of one device apart. */
  series: string;
  tsMs: number;
  value: number;
}

/** `instance="10.0.0.5:9100"` names the device 10.0.0.5; other labels are used as they are. */
export function deviceFromLabel(value: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1]!;
  const parts = value.split(":");
  return parts.length === 2 && /^\d+$/.test(parts[1]!) ? parts[0]! : value;
}

/** A series' labels as a stable key (sorted by name). */
function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

export function parseQueryRange(body: unknown, deviceLabel: string, scale = 1): { points: DevicePoint[]; skipped: number } {
  const parsed = responseSchema.safeParse(body);
  if (!parsed.success) throw new Error(`not a matrix answer (query_range, or a query of a range vector): ${parsed.error.issues[0]?.message ?? "invalid"}`);
  const points: DevicePoint[] = [];
  let skipped = 0;
  for (const series of parsed.data.data.result) {
    const label = series.metric[deviceLabel];
    if (!label) {
      skipped += series.values.length;
      continue;
    }
    const device = deviceFromLabel(label);
    const key = seriesKey(series.metric);
    for (const [ts, raw] of series.values) {
      const value = Number(raw) * scale;
      if (!Number.isFinite(value)) {
        skipped += 1;
        continue;
      }
      points.push({ device, series: key, tsMs: Math.round(ts * 1000), value });
    }
  }
  return { points, skipped };
}
