import { describe, expect, it } from "vitest";
import { alertApiSearch, alertMatchesFilter, feedbackAgreement, readTableFilter, tableFilterSearch } from "../../../lib/alerts/alert-table-filter";

const now = Date.parse("2026-11-20T12:00:00Z");
const alert = {
  id: 9,
  status: "open",
  severity: "high",
  type: "ddos",
  detector: "ddos",
  device: { id: 4, name: "fw-1", site: "hq", role: "firewall" },
  assignee: null,
  createdAt: "2026-11-20T11:30:00.000Z",
} as never;

describe("Anomalies filters", () => {
  it("reads known, non-empty parameters only and writes them back in a fixed order", () => {
    const f = readTableFilter(new URLSearchParams("site=hq&bogus=1&status=open,acknowledged&type="));
    expect(f).toEqual({ status: "open,acknowledged", site: "hq" });
    expect(tableFilterSearch({ site: "hq", status: "open" })).toBe("status=open&site=hq");
  });

  it("turns a relative range into `from` at the given time, and lets explicit times win", () => {
    const q = new URLSearchParams(alertApiSearch({ range: "24h", severity: "high" }, now, { limit: "50" }));
    expect(q.get("from")).toBe("2026-11-19T12:00:00.000Z");
    expect(q.get("severity")).toBe("high");
    expect(q.get("limit")).toBe("50");
    expect(q.has("range")).toBe(false);
    const explicit = new URLSearchParams(alertApiSearch({ range: "24h", from: "2026-11-01T00:00:00Z" }, now));
    expect(explicit.get("from")).toBe("2026-11-01T00:00:00.000Z");
  });

  it("decides whether a live alert belongs in the view", () => {
    expect(alertMatchesFilter(alert, {}, 1, now)).toBe(true);
    expect(alertMatchesFilter(alert, { status: "open,acknowledged", site: "hq", deviceId: "4" }, 1, now)).toBe(true);
    expect(alertMatchesFilter(alert, { severity: "critical" }, 1, now)).toBe(false);
    expect(alertMatchesFilter(alert, { range: "1h" }, 1, now)).toBe(true);
    expect(alertMatchesFilter(alert, { range: "1h" }, 1, now + 3_600_000)).toBe(false);
    expect(alertMatchesFilter(alert, { assignee: "me" }, 1, now)).toBe(false);
    expect(alertMatchesFilter(alert, { to: "2026-11-20T11:00:00Z" }, 1, now)).toBe(false);
  });

  it("measures agreement as the majority's share of the votes", () => {
    expect(feedbackAgreement({ truePositive: 0, falsePositive: 0, mine: null })).toEqual({ votes: 0, majority: null, agreement: null });
    expect(feedbackAgreement({ truePositive: 1, falsePositive: 2, mine: null })).toEqual({ votes: 3, majority: "false_positive", agreement: 2 / 3 });
    expect(feedbackAgreement({ truePositive: 2, falsePositive: 2, mine: null }).majority).toBe("split");
  });
});
