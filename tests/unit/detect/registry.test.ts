import { describe, expect, it } from "vitest";
import { ALL_DETECTORS, DETECTOR_IDS, DETECTORS, detectorById, isDetectorId, THREAT_ALERT_TYPES } from "@/lib/detect/registry";

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
