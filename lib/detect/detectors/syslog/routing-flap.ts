// Routing instability: BGP, OSPF and IS-IS neighbours going down and up again, from syslog, as a rate
// over the last `windowMinutes`. A neighbour that changed state at least `minNeighborChanges` times
// flaps; so does a device whose neighbours together changed `minDeviceChanges` times (an unstable link
// under several sessions). One planned reset (down, then up: two changes) is ordinary.
// Slow flapping, over weeks: the device's changes in the last `slowWindowDays` days against its usual
// rate over the (up to three) weeks before, raised when at least `slowMinChanges` and `slowRiseFactor`×
// that rate, once the device has `slowMinHistoryDays` days of history; reported when the week crosses
// the bar and then on the first change of each day while it stays above.
// Checked only in a minute with a change, so a session that settled stops being reported. Pure.
import { z } from "zod";
import { defineDetector, type Detection, type DetectorInput } from "@/lib/detect/detector";
import { severityFor } from "@/lib/detect/severity";

export const ROUTING_FLAP_DETECTOR_ID = "syslog-routing-flap";
export const ROUTING_FLAP_TYPE = "routing_flap";

export const routingFlapConfigSchema = z.object({
  enabled: z.boolean(),
  /** The score is the largest ratio of a count to its minimum below; raised at or above this. */
  threshold: z.number().finite().positive(),
  windowMinutes: z.number().int().min(5).max(60),
  minNeighborChanges: z.number().int().min(3),
  minDeviceChanges: z.number().int().min(3),
  slowWindowDays: z.number().int().min(1).max(14),
  slowMinChanges: z.number().int().min(3),
  slowRiseFactor: z.number().finite().min(1),
  slowMinHistoryDays: z.number().int().min(2).max(28),
});
export type RoutingFlapConfig = z.infer<typeof routingFlapConfigSchema>;

interface NeighborTotal {
  protocol: string;
  neighbor: string;
  ups: number;
  downs: number;
}

export const routingFlap = defineDetector<RoutingFlapConfig, DetectorInput, typeof ROUTING_FLAP_DETECTOR_ID>({
  id: ROUTING_FLAP_DETECTOR_ID,
  description: "Routing instability: BGP/OSPF/IS-IS neighbours going down and up repeatedly within half an hour (from syslog).",
  scoreField: "threshold",
  alertTypes: [ROUTING_FLAP_TYPE],
  configSchema: routingFlapConfigSchema,
  defaultConfig: {
    enabled: true,
    threshold: 1,
    windowMinutes: 30,
    minNeighborChanges: 5,
    minDeviceChanges: 8,
    slowWindowDays: 7,
    slowMinChanges: 10,
    slowRiseFactor: 3,
    slowMinHistoryDays: 14,
  },
  detect(input, config): Detection[] {
    const current = input.syslog;
    if (!config.enabled || !current || (current.neighborChanges.length === 0 && current.neighborChangesOfOthers === 0)) return [];
    const now = input.sample.ts.getTime();
    const from = now - config.windowMinutes * 60_000;
    const minutes = [...(input.recentSyslog ?? []).filter((m) => m.ts.getTime() > from && m.ts.getTime() < now).map((m) => m.events), current];
    const totals = new Map<string, NeighborTotal>();
    let changes = 0;
    for (const m of minutes) {
      changes += m.neighborChangesOfOthers;
      for (const n of m.neighborChanges) {
        const key = `${n.protocol}|${n.neighbor}`;
        let t = totals.get(key);
        if (!t) totals.set(key, (t = { protocol: n.protocol, neighbor: n.neighbor, ups: 0, downs: 0 }));
        t.ups += n.ups;
        t.downs += n.downs;
        changes += n.ups + n.downs;
      }
    }
    const ranked = [...totals.values()].sort((a, b) => b.ups + b.downs - (a.ups + a.downs));
    const worst = ranked[0];
    const worstChanges = worst ? worst.ups + worst.downs : 0;
    const score = Math.max(worstChanges / config.minNeighborChanges, changes / config.minDeviceChanges);
    if (score < config.threshold) return slowFlapping(input, config, current.neighborChangesOfOthers + current.neighborChanges.reduce((n, c) => n + c.ups + c.downs, 0), ranked);
    const target = input.device?.name ?? `device ${input.sample.deviceId}`;
    const protocols = [...new Set(ranked.map((t) => t.protocol.toUpperCase()))].join("/");
    return [
      {
        detector: ROUTING_FLAP_DETECTOR_ID,
        anomalyType: ROUTING_FLAP_TYPE,
        metric: "syslogMessages",
        severity: severityFor(score, config.threshold),
        score,
        observed: { value: changes, ts: input.sample.ts.toISOString() },
        expected: { low: 0, high: Math.min(config.minNeighborChanges, config.minDeviceChanges) - 1 },
        explanation:
          `${protocols} neighbours of ${target} changed state ${changes} times in the last ${config.windowMinutes} min` +
          (worst ? `; ${worst.protocol.toUpperCase()} neighbour ${worst.neighbor} went down ${worst.downs} and up ${worst.ups} times` : "") +
          ": the routing is flapping.",
        evidence: {
          windowMinutes: config.windowMinutes,
          changes,
          neighbors: ranked.slice(0, 10).map((t) => ({ protocol: t.protocol, neighbor: t.neighbor, downs: t.downs, ups: t.ups, changes: t.ups + t.downs })),
        },
      },
    ];
  },
});

/** The slow timeframe: this week's changes (with this minute's) against the weeks before. */
function slowFlapping(input: DetectorInput, config: RoutingFlapConfig, nowChanges: number, neighbors: NeighborTotal[]): Detection[] {
  const h = input.neighborChangeHistory;
  if (!h || h.days < config.slowMinHistoryDays) return [];
  const w = config.slowWindowDays;
  const recent = h.perDay.slice(0, w).reduce((a, b) => a + b, 0) + nowChanges;
  const earlierDays = Math.min(h.days, h.perDay.length) - w;
  if (earlierDays < w) return [];
  const usual = (h.perDay.slice(w, w + earlierDays).reduce((a, b) => a + b, 0) / earlierDays) * w;
  const bar = Math.max(config.slowMinChanges, config.slowRiseFactor * usual);
  const score = recent / bar;
  if (score < config.threshold) return [];
  // one finding when the week crosses the bar, then at most one a day (a day's first change) while it stays above
  const crossing = (recent - nowChanges) / bar < config.threshold;
  if (!crossing && h.perDay[0]! > 0) return [];
  const target = input.device?.name ?? `device ${input.sample.deviceId}`;
  const perDay = h.perDay.slice(0, w).map((n, i) => (i === 0 ? n + nowChanges : n));
  return [
    {
      detector: ROUTING_FLAP_DETECTOR_ID,
      anomalyType: ROUTING_FLAP_TYPE,
      metric: "syslogMessages",
      severity: severityFor(score, config.threshold),
      score,
      observed: { value: recent, ts: input.sample.ts.toISOString() },
      expected: { low: 0, high: Math.round(usual * 10) / 10 },
      explanation:
        `Routing neighbours of ${target} changed state ${recent} times in the last ${w} days against a usual ${usual.toFixed(1)} ` +
        `per ${w} days over the ${earlierDays} days before: slow flapping` +
        (neighbors[0] ? ` (this minute: ${neighbors[0].protocol.toUpperCase()} neighbour ${neighbors[0].neighbor})` : "") +
        ".",
      evidence: {
        timeframe: "days",
        windowDays: w,
        changes: recent,
        usualPerWindow: Math.round(usual * 10) / 10,
        comparedDays: earlierDays,
        changesPerDay: perDay,
        neighbors: neighbors.slice(0, 10).map((t) => ({ protocol: t.protocol, neighbor: t.neighbor, downs: t.downs, ups: t.ups, changes: t.ups + t.downs })),
      },
    },
  ];
}
