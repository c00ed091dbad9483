// The plain static-threshold detector most networks run today ("bandwidth > 100 Mbps"), kept as the
// reference every other detector must beat in the evaluation. It knows nothing of the device or the
// time of day, which is exactly why it fires on every backup and misses what stays under its lines.
import { z } from "zod";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { defineDetector, type Detection } from "@/lib/detect/detector";
import { severityFor } from "@/lib/detect/severity";
import { METRIC_INFO, type MetricName } from "@/lib/telemetry/metrics";

export const STATIC_THRESHOLD_ID = "static-threshold";

export const staticThresholdConfigSchema = z.object({
  bandwidthBps: z.number().positive(),
  packetsPerSec: z.number().positive(),
  connectionsPerSec: z.number().positive(),
  /** Bytes sent in `uploadWindowMinutes` (this minute and the ones before it). */
  uploadBytes: z.number().positive(),
  uploadWindowMinutes: z.number().int().min(1).max(60),
});

export type StaticThresholdConfig = z.infer<typeof staticThresholdConfigSchema>;

export const staticThreshold = defineDetector<StaticThresholdConfig>({
  id: STATIC_THRESHOLD_ID,
  description: "Fixed limits: 100 Mbps either way, 10k packets/s, 500 connections/s, 1 GB uploaded in 5 minutes.",
  configSchema: staticThresholdConfigSchema,
  scoreField: null,
  alertTypes: ["bandwidth_threshold", "packet_rate_threshold", "connection_rate_threshold", "large_upload"],
  defaultConfig: { bandwidthBps: 100e6, packetsPerSec: 10_000, connectionsPerSec: 500, uploadBytes: 1e9, uploadWindowMinutes: 5 },
  detect({ sample, recent }, config) {
    const out: Detection[] = [];
    const ts = sample.ts.toISOString();
    const over = (metric: MetricName, limit: number, anomalyType: string, value = sample.values[metric]) => {
      if (value === null || value === undefined || !(value > limit)) return;
      out.push({
        detector: STATIC_THRESHOLD_ID,
        anomalyType,
        metric,
        severity: severityFor(value / limit, 1),
        score: value / limit,
        observed: { value, ts },
        expected: { low: 0, high: limit },
        explanation: `${METRIC_INFO[metric].label} ${formatMetricValue(metric, value)} is over the fixed limit of ${formatMetricValue(metric, limit)}.`,
      });
    };
    over("bandwidthInBps", config.bandwidthBps, "bandwidth_threshold");
    over("bandwidthOutBps", config.bandwidthBps, "bandwidth_threshold");
    over("packetsPerSec", config.packetsPerSec, "packet_rate_threshold");
    over("connectionsPerSec", config.connectionsPerSec, "connection_rate_threshold");

    // bytes uploaded in the window: this minute plus the previous ones that fall inside it
    const windowStart = sample.ts.getTime() - (config.uploadWindowMinutes - 1) * 60_000;
    let uploaded = 0;
    for (const s of [...(recent ?? []), sample]) {
      const t = s.ts.getTime();
      if (t >= windowStart && t <= sample.ts.getTime()) uploaded += ((s.values.bandwidthOutBps ?? 0) * 60) / 8;
    }
    if (uploaded > config.uploadBytes) {
      out.push({
        detector: STATIC_THRESHOLD_ID,
        anomalyType: "large_upload",
        metric: "bandwidthOutBps",
        severity: severityFor(uploaded / config.uploadBytes, 1),
        score: uploaded / config.uploadBytes,
        observed: { value: uploaded, ts },
        expected: { low: 0, high: config.uploadBytes },
        explanation: `${(uploaded / 1e9).toFixed(2)} GB uploaded in ${config.uploadWindowMinutes} minutes, over the fixed limit of ${(config.uploadBytes / 1e9).toFixed(2)} GB.`,
      });
    }
    return out;
  },
});
