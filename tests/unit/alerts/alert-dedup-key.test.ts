// Which finding an alert speaks for: the strongest, by one rule for the findings of one minute
// (strongestPerAlert) and for repeats within the cooldown (recordDetection).
import { describe, expect, it } from "vitest";
import { alertDedupKey, isStrongerFinding } from "@/lib/alerts/alert-dedup-key";
import type { Detection } from "@/lib/detect/detector";
import { strongestPerAlert } from "@/workers/detection-pipeline";

describe("isStrongerFinding", () => {
  it.each([
    { name: "higher severity, lower score", a: { severity: "high", score: 3 }, b: { severity: "medium", score: 9 }, stronger: true },
    { name: "lower severity, higher score", a: { severity: "medium", score: 9 }, b: { severity: "high", score: 3 }, stronger: false },
    { name: "same severity, higher score", a: { severity: "high", score: 6 }, b: { severity: "high", score: 5 }, stronger: true },
    { name: "same severity, lower score", a: { severity: "high", score: 5 }, b: { severity: "high", score: 6 }, stronger: false },
    { name: "equal: the earlier one stays", a: { severity: "low", score: 4 }, b: { severity: "low", score: 4 }, stronger: false },
  ] as const)("$name → $stronger", ({ a, b, stronger }) => {
    expect(isStrongerFinding(a, b)).toBe(stronger);
  });
});

describe("strongestPerAlert", () => {
  const finding = (detector: string, metric: Detection["metric"], severity: Detection["severity"], score: number): Detection => ({
    detector,
    anomalyType: "metric_spike",
    metric,
    severity,
    score,
    observed: { value: metric === "latencyMs" ? 48 : 6.5, ts: "2026-11-17T14:05:00.000Z" },
    expected: { low: 0, high: 1, median: 0.5 },
    explanation: `${detector} on ${metric}`,
  });

  it("keeps, per alert, the finding with the highest severity, then the highest score, then the first", () => {
    const latency = finding("hour-of-week-zscore", "latencyMs", "medium", 4);
    const lossRobust = finding("robust-zscore", "packetLossPct", "medium", 7);
    const lossIqr = finding("iqr-fences", "packetLossPct", "medium", 7);
    const cpu = finding("hour-of-week-zscore", "cpuPct", "low", 3);
    expect(alertDedupKey(1, latency)).toBe(alertDedupKey(1, lossRobust));
    expect(strongestPerAlert(1, [latency, lossRobust, lossIqr, cpu])).toEqual([lossRobust, cpu]);
    expect(strongestPerAlert(1, [finding("iqr-fences", "latencyMs", "high", 2), lossRobust])[0]?.detector).toBe("iqr-fences");
  });
});
