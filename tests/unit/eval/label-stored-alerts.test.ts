import { describe, expect, it } from "vitest";
import { labelStoredAlerts } from "../../../lib/eval/label-stored-alerts";

const alert = (id: number, device: string, at: string, extra: Partial<{ status: string; score: number }> = {}) => ({
  id,
  observedAt: new Date(at),
  deviceName: device,
  deviceRole: "server",
  detector: "hour-of-week-zscore",
  type: "metric_spike",
  severity: "high",
  score: extra.score ?? 7,
  status: extra.status ?? "open",
});

describe("labelStoredAlerts", () => {
  it("labels raised alerts in the scored period by the ground truth and leaves the rest out", () => {
    const rows = labelStoredAlerts({
      alerts: [
        alert(1, "web-1", "2026-11-20T09:00:00Z"), // before the scored period
        alert(2, "web-1", "2026-11-20T10:05:00Z", { score: 9 }), // inside the incident
        alert(3, "db-1", "2026-11-20T10:06:00Z"), // no incident on db-1
        alert(4, "web-1", "2026-11-20T10:07:00Z", { status: "suppressed" }), // never raised
      ],
      labels: [{ start: new Date("2026-11-20T10:00:00Z"), end: new Date("2026-11-20T10:10:00Z"), device: "web-1", type: "ddos" }],
      scoredFrom: new Date("2026-11-20T10:00:00Z"),
      scoredTo: new Date("2026-11-20T11:00:00Z"),
      deviceNames: ["web-1", "db-1"],
    });
    expect(rows.map((r) => [r.alertId, r.positive, r.score])).toEqual([
      [2, true, 9],
      [3, false, 7],
    ]);
  });
});
