// Which alerts score as which labels: the one table the evaluation reads (lib/alerts/alert-type.ts).
import { describe, expect, it } from "vitest";
import { alertMatchesLabelType, labelTypeOfAlertType, MAPPED_ALERT_TYPES } from "@/lib/alerts/alert-type";
import { ALL_DETECTORS } from "@/lib/detect/registry";
import { LABEL_TYPES } from "@/lib/eval/scenario";
import { scoreAlerts } from "@/lib/eval/score-alerts";

describe("label type of an alert type", () => {
  it.each(LABEL_TYPES.map((type) => ({ type })))("the label type $type is scored by alerts of its own type", ({ type }) => {
    expect(labelTypeOfAlertType(type)).toBe(type);
    expect(alertMatchesLabelType(type, type)).toBe(true);
  });

  it("knows every alert type a registered detector declares, so a new detector cannot go unscored", () => {
    const declared = [...new Set(ALL_DETECTORS.flatMap((d) => d.alertTypes))];
    expect(declared.filter((t) => !MAPPED_ALERT_TYPES.includes(t))).toEqual([]);
  });

  it.each([
    { alert: "routing_flap", label: "routing_flap", matches: true },
    { alert: "credential_attack", label: "unauthorized_change", matches: false },
    { alert: "config_drift", label: "config_drift", matches: true },
    { alert: "peer_outlier", label: "config_drift", matches: false },
    { alert: "link_degradation", label: "degradation", matches: true },
    { alert: "unusual_peers", label: "lateral_movement", matches: false },
    { alert: "metric_spike", label: "metric_spike", matches: false },
    { alert: "some_new_type", label: "some_new_type", matches: false },
  ])("$alert scores as $label: $matches", ({ alert, label, matches }) => {
    expect(alertMatchesLabelType(alert, label)).toBe(matches);
  });

  it("types no label names map to null, unknown ones to undefined", () => {
    expect(labelTypeOfAlertType("peer_outlier")).toBeNull();
    expect(labelTypeOfAlertType("large_upload")).toBeNull();
    expect(labelTypeOfAlertType("made_up")).toBeUndefined();
  });

  it("scoring uses it: a slow routing flap over days is detected by a routing_flap alert, not by a peer outlier", () => {
    const label = { start: new Date("2026-02-02T12:00:00Z"), end: new Date("2026-02-06T17:00:00Z"), device: "core-01", type: "routing_flap" };
    const base = {
      labels: [label],
      maintenance: [],
      trainingEnd: new Date("2026-02-01T00:00:00Z"),
      evalEnd: new Date("2026-02-08T00:00:00Z"),
      devices: [{ name: "core-01", ip: "10.0.0.1" }],
    };
    const alert = (type: string) => ({ ts: "2026-02-04T13:00:00Z", device: "core-01", detector: "x", type, severity: "high", score: 2, status: "open" });
    expect(scoreAlerts({ ...base, alerts: [alert("peer_outlier")] }).overall).toMatchObject({ detected: 0, fp: 1 });
    expect(scoreAlerts({ ...base, alerts: [alert("routing_flap")] }).overall).toMatchObject({ detected: 1, tp: 1 });
  });
});
