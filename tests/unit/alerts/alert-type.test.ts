import { describe, expect, it } from "vitest";
import { ALERT_TYPE_TITLES, alertTypeOf, alertTypeTitle } from "@/lib/alerts/alert-type";
import type { Detection } from "@/lib/detect/detector";
import { LABEL_TYPES } from "@/lib/eval/scenario";

type Input = Parameters<typeof alertTypeOf>[0];

const observed = (value: number) => ({ value, ts: "2026-11-17T14:05:00Z" });
const expected = (median: number) => ({ low: median * 0.5, high: median * 1.5, median });

function detection(anomalyType: string, metric: Detection["metric"], extra: Partial<Input> = {}): Input {
  return { anomalyType, metric, ...extra };
}

describe("alertTypeOf", () => {
  it.each(LABEL_TYPES.map((type) => ({ type })))("passes the flow detector's label type $type through", ({ type }) => {
    expect(alertTypeOf(detection(type, "bandwidthInBps"))).toBe(type);
  });

  it.each([
    { name: "CPU spike", d: detection("metric_spike", "cpuPct", { observed: observed(97), expected: expected(30) }), type: "cpu_exhaustion" },
    { name: "latency spike", d: detection("metric_spike", "latencyMs", { observed: observed(80), expected: expected(8) }), type: "degradation" },
    { name: "partial packet loss", d: detection("metric_spike", "packetLossPct", { observed: observed(6), expected: expected(0.1) }), type: "degradation" },
    { name: "total packet loss", d: detection("metric_spike", "packetLossPct", { observed: observed(100), expected: expected(0.1) }), type: "link_down" },
    { name: "bandwidth to zero", d: detection("metric_drop", "bandwidthInBps", { observed: observed(0), expected: expected(4e7) }), type: "link_down" },
    { name: "packets to ~0 (1 %)", d: detection("metric_drop", "packetsPerSec", { observed: observed(30), expected: expected(3000) }), type: "link_down" },
    { name: "flows drop, value unknown", d: detection("metric_drop", "flowsPerSec"), type: "link_down" },
    { name: "bandwidth halves: not a link down", d: detection("metric_drop", "bandwidthOutBps", { observed: observed(2e7), expected: expected(4e7) }), type: "metric_drop" },
    { name: "distinct destination ports spike", d: detection("metric_spike", "distinctDstPorts", { observed: observed(900), expected: expected(12) }), type: "port_scan" },
    { name: "bandwidth spike keeps its type", d: detection("metric_spike", "bandwidthInBps", { observed: observed(9e8), expected: expected(4e7) }), type: "metric_spike" },
    { name: "CPU drop keeps its type", d: detection("metric_drop", "cpuPct", { observed: observed(1), expected: expected(30) }), type: "metric_drop" },
    { name: "memory spike keeps its type", d: detection("metric_spike", "memoryPct", { observed: observed(95), expected: expected(40) }), type: "metric_spike" },
    { name: "forecast above on CPU", d: detection("forecast_deviation", "cpuPct", { observed: observed(99), expected: expected(35) }), type: "cpu_exhaustion" },
    { name: "forecast below on CPU", d: detection("forecast_deviation", "cpuPct", { observed: observed(2), expected: expected(35) }), type: "forecast_deviation" },
    { name: "forecast without values", d: detection("forecast_deviation", "latencyMs"), type: "forecast_deviation" },
    { name: "static threshold type kept", d: detection("large_upload", "bandwidthOutBps"), type: "large_upload" },
    { name: "old alias", d: detection("link_degradation", "latencyMs"), type: "degradation" },
    { name: "prototype key is not an alias", d: detection("constructor", "latencyMs"), type: "constructor" },
  ])("$name → $type", ({ d, type }) => {
    expect(alertTypeOf(d)).toBe(type);
  });

  // The Isolation Forest's detection names the metric furthest from its usual value; its type follows
  // that metric's movement, whatever the forest's isolation credit says.
  it.each([
    { name: "lead metric is CPU going up", d: detection("multivariate_outlier", "cpuPct", { observed: observed(98), expected: expected(30) }), type: "cpu_exhaustion" },
    { name: "lead metric is bandwidth at zero", d: detection("multivariate_outlier", "bandwidthInBps", { observed: observed(0), expected: expected(5e7) }), type: "link_down" },
    {
      name: "packets up, even when CPU has the larger isolation credit",
      d: detection("multivariate_outlier", "packetsPerSec", {
        observed: observed(130_000),
        expected: expected(30_000),
        contributions: [{ feature: "cpuPct", value: 95, expected: 58, share: 0.6 }],
      }),
      type: "multivariate_outlier",
    },
    { name: "no observed value", d: detection("multivariate_outlier", "cpuPct"), type: "multivariate_outlier" },
  ])("multivariate outlier: $name → $type", ({ d, type }) => {
    expect(alertTypeOf(d)).toBe(type);
  });

  it("maps a peer outlier on latency to degradation, and keeps a peer outlier without direction", () => {
    const contributions = [{ feature: "latencyMs", value: 90, expected: 9, share: 1 }];
    expect(alertTypeOf(detection("peer_outlier", "latencyMs", { contributions }))).toBe("degradation");
    expect(alertTypeOf(detection("peer_outlier", "latencyMs"))).toBe("peer_outlier");
  });
});

describe("alertTypeTitle", () => {
  it("titles every known type", () => {
    for (const [type, title] of Object.entries(ALERT_TYPE_TITLES)) {
      expect(alertTypeTitle(type)).toBe(title);
      expect(title).toMatch(/^[A-Z]/);
    }
  });

  it.each([
    { type: "ddos", title: "Volumetric DDoS" },
    { type: "link_down", title: "Link down" },
    { type: "large_upload", title: "Large upload" },
    { type: "bandwidth-threshold", title: "Bandwidth threshold" },
    { type: "", title: "Anomaly" },
    { type: "toString", title: "ToString" },
  ])("$type → $title", ({ type, title }) => {
    expect(alertTypeTitle(type)).toBe(title);
  });
});
