import { describe, expect, it } from "vitest";
import { ALL_DETECTORS, DETECTOR_IDS, DETECTORS, detectorById, isDetectorId, rollupWatchPorts, THREAT_ALERT_TYPES } from "@/lib/detect/registry";
import { MINING_PORTS } from "@/lib/detect/detectors/flow/crypto-mining-detector";
import { createLogger } from "@/lib/log";
import { createDetectionPipeline } from "@/workers/detection-pipeline";
import type { PipelineStore } from "@/workers/pipeline-store";

describe("the detector registry", () => {
  it("files every detector under its own id", () => {
    for (const id of DETECTOR_IDS) expect(detectorById(id)?.id).toBe(id);
    expect(ALL_DETECTORS.map((d) => d.id)).toEqual(DETECTOR_IDS);
  });

  it("runs the minute detectors in the worker's order", () => {
    expect(DETECTORS.map((d) => d.id)).toEqual([
      "adaptive-baseline",
      "hour-of-week-zscore",
      "robust-zscore",
      "iqr-fences",
      "ewma-band",
      "isolation-forest",
      "one-class-svm",
      "flow-ddos",
      "flow-app-ddos",
      "flow-port-scan",
      "flow-exfiltration",
      "flow-slow-exfiltration",
      "flow-unusual-peers",
      "flow-upload-ratio",
      "flow-protocol-shift",
      "flow-lateral-movement",
      "flow-geo-anomaly",
      "syslog-credential-attack",
      "syslog-routing-flap",
      "syslog-unauthorized-change",
      "latency-jitter",
      "flow-crypto-mining",
    ]);
  });

  it("knows the reference, fleet-wide and scheduled detectors, which the worker does not run per minute", () => {
    for (const id of ["static-threshold", "peer-group", "forecast", "memory-leak", "flow-ddos-fast"]) {
      expect(isDetectorId(id)).toBe(true);
      expect(DETECTORS.some((d) => d.id === id)).toBe(false);
    }
    expect(isDetectorId("no-such-detector")).toBe(false);
  });

  it("lists every flow-threat and syslog attack detector once, in order, as threats", () => {
    expect(DETECTORS.filter((d) => d.threatType !== undefined).map((d) => d.id)).toEqual([
      "flow-ddos",
      "flow-app-ddos",
      "flow-port-scan",
      "flow-exfiltration",
      "flow-slow-exfiltration",
      "flow-unusual-peers",
      "flow-upload-ratio",
      "flow-protocol-shift",
      "flow-lateral-movement",
      "flow-geo-anomaly",
      "syslog-credential-attack",
      "syslog-unauthorized-change",
      "flow-crypto-mining",
    ]);
  });

  it("treats exactly the flow threats and the syslog attacks as threats for campaign correlation", () => {
    expect([...THREAT_ALERT_TYPES].sort()).toEqual(
      ["app_ddos", "ddos", "exfiltration", "port_scan", "slow_exfiltration", "unusual_peers", "upload_ratio", "protocol_shift", "lateral_movement", "geo_anomaly", "credential_attack", "unauthorized_change", "crypto_mining"].sort(),
    );
  });

  it("declares every detector's alert types, and a threat type among them", () => {
    for (const d of ALL_DETECTORS) {
      expect(d.alertTypes.length).toBeGreaterThan(0);
      if (d.threatType) expect(d.alertTypes).toContain(d.threatType);
    }
  });
});

describe("ports the flow rollup watches for the detectors", () => {
  it("are the mining ports by default, plus any a tuned setting adds; an invalid setting adds none", () => {
    expect(rollupWatchPorts(DETECTORS)).toEqual([...MINING_PORTS].sort((a, b) => a - b));
    const tuned = rollupWatchPorts(DETECTORS, [
      { detector: "flow-crypto-mining", config: { miningPorts: [3334, 8008] } },
      { detector: "flow-crypto-mining", config: { miningPorts: "everything" } },
      { detector: "adaptive-baseline", config: { minRarityDays: 3 } },
    ]);
    expect(tuned).toEqual([...new Set([...MINING_PORTS, 3334, 8008])].sort((a, b) => a - b));
  });

  it("reach the running pipeline's rollup through its settings", () => {
    const pipeline = createDetectionPipeline({
      store: {} as PipelineStore,
      lookupDevice: () => undefined,
      log: createLogger("test", { level: "error" }),
      clock: { now: () => 0, sleep: async () => undefined },
      detectorConfigs: { "flow-crypto-mining": { miningPorts: [2020] } },
    });
    expect(pipeline.watchedDstPorts()).toContain(2020);
    expect(pipeline.watchedDstPorts()).toEqual(expect.arrayContaining([...MINING_PORTS]));
  });
});
