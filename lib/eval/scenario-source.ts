// A scenario as the evaluation harness consumes it: the parts that are small (inventory, calendar,
// maintenance, labels, span) plus the telemetry as a time-ordered stream, so a generated scenario of
// millions of flows never has to sit in memory at once. A parsed file becomes one with
// `scenarioSourceOf`; `scenarioLines` turns any source back into the JSON Lines file format.
import { scenarioMetricKey, type Scenario, type ScenarioFlow, type ScenarioMetric, type ScenarioMetricName } from "@/lib/eval/scenario";

export type ScenarioTelemetry = { kind: "metric"; metric: ScenarioMetric } | { kind: "flow"; flow: ScenarioFlow };

export interface ScenarioSource extends Omit<Scenario, "metrics" | "flows"> {
  /** Metric and flow lines in time order (metrics first within the same timestamp). */
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
  const { metrics, flows, ...rest } = scenario;
  return {
    ...rest,
    *telemetry() {
      let i = 0;
      let j = 0;
      while (i < metrics.length || j < flows.length) {
        const m = metrics[i];
        const f = flows[j];
        if (m && (!f || m.ts.getTime() <= f.ts.getTime())) {
          yield { kind: "metric", metric: m };
          i++;
        } else {
          yield { kind: "flow", flow: f! };
          j++;
        }
      }
    },
  };
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
