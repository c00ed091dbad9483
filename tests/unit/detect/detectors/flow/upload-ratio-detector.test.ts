import { describe, expect, it } from "vitest";
import { UPLOAD_RATIO_ANOMALY_TYPE, UPLOAD_RATIO_DETECTOR_ID, uploadRatioDetector } from "@/lib/detect/detectors/flow/upload-ratio-detector";
import type { MetricValues } from "@/lib/telemetry/metrics";
import { DAY, deviceIndex, HOUR, incident, LIVE_START, MINUTE, runOver } from "./flow-threat-fixtures";

const AT = LIVE_START + 2 * DAY + 11 * HOUR; // Wednesday 11:00
const FILE = deviceIndex("file-hq-1");

/** Outbound (and inbound) × the given factors from AT for `minutes`. */
function shift(out: number, inbound = 1, minutes = 40) {
  return (values: MetricValues, ms: number): MetricValues =>
    ms >= AT && ms < AT + minutes * MINUTE
      ? { ...values, bandwidthOutBps: values.bandwidthOutBps! * out, bandwidthInBps: values.bandwidthInBps! * inbound }
      : values;
}

describe("uploadRatioDetector", () => {
  it("flags an upload/download balance ×2.5 its usual once it has lasted 15 minutes", () => {
    const found = runOver({ detectors: [uploadRatioDetector], device: FILE, from: AT - 5 * MINUTE, minutes: 50, transform: shift(2.5) });
    expect(found[0]).toMatchObject({
      detector: UPLOAD_RATIO_DETECTOR_ID,
      anomalyType: UPLOAD_RATIO_ANOMALY_TYPE,
      metric: "bandwidthOutBps",
      observed: { ts: new Date(AT + 14 * MINUTE).toISOString() },
      evidence: { sustainedMinutes: 15, offHours: false },
    });
    expect(found).toHaveLength(26);
    expect(found[0]!.explanation).toMatch(/the upload\/download balance is ×2\.\d its usual and has been for 15 minutes\.$/);
  });

  it.each([
    { name: "a shift lasting 10 minutes", transform: shift(2.5, 1, 10) },
    { name: "outbound ×6 (the exfiltration detector's)", transform: shift(6) },
    { name: "both directions ×2.5 (a busy day)", transform: shift(2.5, 2.5) },
    { name: "outbound ×1.6 (under the bar)", transform: shift(1.6) },
  ])("stays quiet on $name", ({ transform }) => {
    expect(runOver({ detectors: [uploadRatioDetector], device: FILE, from: AT - 5 * MINUTE, minutes: 50, transform })).toEqual([]);
  });

  it("needs the recent window to judge how long a shift lasted", () => {
    expect(runOver({ detectors: [uploadRatioDetector], device: FILE, from: AT + 20 * MINUTE, minutes: 5, transform: shift(2.5), recentMinutes: 0 })).toEqual([]);
  });

  it("leaves a simulated exfiltration to the exfiltration detector", () => {
    const attack = incident("exfiltration", FILE, new Date(AT).toISOString(), 30, 0);
    expect(runOver({ detectors: [uploadRatioDetector], device: FILE, from: AT, minutes: 30, incidents: [attack] })).toEqual([]);
  });

  it("lists the top destinations when flows are present", () => {
    const [first] = runOver({ detectors: [uploadRatioDetector], device: FILE, from: AT - 5 * MINUTE, minutes: 20, transform: shift(2.5), withFlows: true });
    expect((first!.evidence!.topDestinations as unknown[]).length).toBeGreaterThan(0);
    expect(first!.explanation).toMatch(/Top destination this minute: /);
  });
});
