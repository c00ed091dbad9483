import { describe, expect, it } from "vitest";
import { SEVERITY_RANK, severityFor } from "@/lib/detect/severity";

describe("severityFor", () => {
  it.each([
    { absZ: 4.01, threshold: 4, severity: "medium" },
    { absZ: 6.01, threshold: 4, severity: "high" },
    { absZ: 8.01, threshold: 4, severity: "critical" },
    { absZ: 3.1, threshold: 3, severity: "medium" },
    { absZ: 6.1, threshold: 3, severity: "critical" },
  ] as const)("severityFor($absZ, $threshold) = $severity", ({ absZ, threshold, severity }) => {
    expect(severityFor(absZ, threshold)).toBe(severity);
  });

  it("ranks severities low < medium < high < critical", () => {
    expect(Object.entries(SEVERITY_RANK).sort((a, b) => a[1] - b[1]).map(([s]) => s)).toEqual(["low", "medium", "high", "critical"]);
  });
});
