// A scenario as the evaluation harness consumes it: the parts that are small (inventory, calendar,
// maintenance, labels, span) plus the telemetry as a time-ordered stream, so a generated scenario of
// millions of flows never has to sit in memory at once. A parsed file becomes one with
// `scenarioSourceOf`; `scenarioLines` turns any source back into the JSON Lines file format.
import {
  factsLine,
  scenarioMetricKey,
  type Scenario,
  type ScenarioFlow,
  type ScenarioMetric,
  type ScenarioMetricName,
  type ScenarioSnapshot,
  type ScenarioSyslog,
} from "@/lib/eval/scenario";

export type ScenarioTelemetry =
  | { kind: "metric"; metric: ScenarioMetric }
  | { kind: "flow"; flow: ScenarioFlow }
  | { kind: "syslog"; syslog: ScenarioSyslog }
  | { kind: "snapshot"; snapshot: ScenarioSnapshot };

/** The parts of a scenario that come as telemetry, in time order. */
type TelemetryPart = "metrics" | "flows" | "syslog" | "snapshots";

export interface ScenarioSource extends Omit<Scenario, TelemetryPart> {
  /** Metric, syslog, snapshot and flow lines in time order (within the same timestamp in that order). */
  telemetry(): Iterable<ScenarioTelemetry>;
}

/**
 * A source whose telemetry is read from files as the run consumes it (labelled KPI datasets, CSV
 * series): the evaluation run takes either kind.
 */
export interface StreamedScenarioSource extends Omit<ScenarioSource, "telemetry"> {
  telemetry(): AsyncIterable<ScenarioTelemetry>;
}

export function scenarioSourceOf(scenario: Scenario): ScenarioSource {
  const { metrics, flows, syslog, snapshots, ...rest } = scenario;
  // each list is in time order (the parser checks it): a merge, the earlier list first on a tie
  const lists: { items: readonly { ts: Date }[]; wrap: (item: never) => ScenarioTelemetry }[] = [
    { items: metrics, wrap: (metric: ScenarioMetric) => ({ kind: "metric", metric }) },
    { items: syslog, wrap: (s: ScenarioSyslog) => ({ kind: "syslog", syslog: s }) },
    { items: snapshots, wrap: (snapshot: ScenarioSnapshot) => ({ kind: "snapshot", snapshot }) },
    { items: flows, wrap: (flow: ScenarioFlow) => ({ kind: "flow", flow }) },
  ];
  return {
    ...rest,
    *telemetry() {
      const at = lists.map(() => 0);
      for (;;) {
        let best = -1;
        let bestTs = Infinity;
        lists.forEach((list, k) => {
          const ts = list.items[at[k]!]?.ts.getTime();
          if (ts !== undefined && ts < bestTs) {
            best = k;
            bestTs = ts;
          }
        });
        if (best < 0) return;
        const list = lists[best]!;
        yield list.wrap(list.items[at[best]!++] as never);
      }
    },
  };
}

/** When a telemetry item happened (epoch ms). */
export function telemetryTs(t: ScenarioTelemetry): number {
  switch (t.kind) {
    case "metric":
      return t.metric.ts.getTime();
    case "flow":
      return t.flow.ts.getTime();
    case "syslog":
      return t.syslog.ts.getTime();
    case "snapshot":
      return t.snapshot.ts.getTime();
  }
}

/** The scenario as JSON Lines (no trailing newlines), in the order `parseScenario` expects. */
export function* scenarioLines(source: ScenarioSource): Iterable<string> {
  yield JSON.stringify({
    kind: "config",
    internal_subnets: source.config.internalSubnets,
    devices: source.config.devices,
  });
  for (const c of source.calendar) {
    yield JSON.stringify({ kind: "calendar", start: c.start, end: c.end, name: c.name, expected_increase: c.expectedIncrease });
  }
  for (const m of source.maintenance) yield JSON.stringify({ kind: "maintenance", start: m.start, end: m.end, devices: m.devices });
  for (const l of source.labels) yield JSON.stringify({ kind: "label", start: l.start, end: l.end, device: l.target, type: l.type });
  for (const t of source.telemetry()) {
    if (t.kind === "metric") {
      const metrics: Record<string, number> = {};
      for (const [metric, value] of Object.entries(t.metric.values)) metrics[scenarioMetricKey(metric as ScenarioMetricName)] = value;
      yield JSON.stringify({ kind: "metric", ts: t.metric.ts, device: t.metric.device, metrics });
    } else if (t.kind === "syslog") {
      const s = t.syslog;
      yield JSON.stringify({ kind: "syslog", ts: s.ts, device: s.device, severity: s.severity, message: s.message });
    } else if (t.kind === "snapshot") {
      yield JSON.stringify({ kind: "snapshot", ts: t.snapshot.ts, device: t.snapshot.device, facts: factsLine(t.snapshot.facts) });
    } else {
      const f = t.flow;
      yield JSON.stringify({
        kind: "flow",
        ts: f.ts,
        src: f.src,
        dst: f.dst,
        sport: f.sport,
        dport: f.dport,
        proto: f.proto,
        bytes: f.bytes,
        packets: f.packets,
        duration_s: f.durationS,
      });
    }
  }
}
