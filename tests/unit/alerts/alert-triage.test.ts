import { describe, expect, it } from "vitest";
import { alertCsvHeader, alertCsvRows, csvCell } from "../../../lib/alerts/alert-csv";
import { triageUpdate } from "../../../lib/alerts/alert-triage";
import { buildAlertContext } from "../../../lib/alerts/alert-context";

const now = new Date("2026-11-20T10:00:00Z");

describe("triageUpdate", () => {
  it("stamps the acknowledge and resolve times and clears them on reopen", () => {
    expect(triageUpdate({ id: 1, status: "open", assigneeId: null }, { status: "acknowledged" }, 7, now)).toEqual({ status: "acknowledged", acknowledgedAt: now });
    expect(triageUpdate({ id: 1, status: "acknowledged", assigneeId: null }, { status: "resolved" }, 7, now)).toEqual({ status: "resolved", resolvedAt: now });
    expect(triageUpdate({ id: 1, status: "resolved", assigneeId: 7 }, { status: "open" }, 7, now)).toEqual({ status: "open", acknowledgedAt: null, resolvedAt: null });
  });

  it("assigns to the actor, unassigns, and reports no change as null", () => {
    expect(triageUpdate({ id: 1, status: "open", assigneeId: null }, { assignee: "me" }, 7, now)).toEqual({ assigneeId: 7 });
    expect(triageUpdate({ id: 1, status: "open", assigneeId: 7 }, { assignee: null }, 7, now)).toEqual({ assigneeId: null });
    expect(triageUpdate({ id: 1, status: "open", assigneeId: 7 }, { assignee: "me", status: "open" }, 7, now)).toBeNull();
  });

  it("refuses to change the status of a suppressed alert but lets it be taken", () => {
    expect(() => triageUpdate({ id: 3, status: "suppressed", assigneeId: null }, { status: "acknowledged" }, 7, now)).toThrow(/suppressed/);
    expect(triageUpdate({ id: 3, status: "suppressed", assigneeId: null }, { assignee: "me" }, 7, now)).toEqual({ assigneeId: 7 });
  });
});

describe("alert CSV", () => {
  it("quotes commas, quotes and line breaks, and defuses spreadsheet formulas", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('a,"b"\nc')).toBe('"a,""b""\nc"');
    expect(csvCell("=SUM(A1)")).toBe("'=SUM(A1)");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell(-3.5)).toBe("-3.5");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(null)).toBe("");
  });

  it("writes one CRLF line per alert under the header", () => {
    const alert = {
      id: 5,
      createdAt: "2026-11-20T10:00:00.000Z",
      observedAt: "2026-11-20T09:59:00.000Z",
      severity: "high",
      status: "open",
      type: "ddos",
      title: "DDoS",
      detector: "ddos",
      device: { id: 1, name: "fw-1", site: "hq", role: "firewall" },
      metric: null,
      observed: { value: 12, ts: "2026-11-20T09:59:00.000Z" },
      expected: { low: 1, high: 2 },
      score: 9,
      occurrences: 2,
      assignee: { id: 2, name: "Ana" },
      feedback: { truePositive: 1, falsePositive: 0, mine: null },
      campaignId: null,
      explanation: "Flood, 12 Gbps",
    } as never;
    const header = alertCsvHeader();
    expect(header.endsWith("\r\n")).toBe(true);
    const row = alertCsvRows([alert]);
    expect(row).toBe('5,2026-11-20T10:00:00.000Z,2026-11-20T09:59:00.000Z,high,open,ddos,DDoS,ddos,fw-1,hq,firewall,,12,1,2,9,2,Ana,1,0,,"Flood, 12 Gbps"\r\n');
    expect(header.split(",")).toHaveLength(row.split(",").length - 1);
  });
});

describe("buildAlertContext", () => {
  const alertAt = new Date("2026-11-16T10:30:00Z"); // Monday 10:00 hour → hour of week 10
  const baseline = (hourOfWeek: number, p05: number | null, p95: number) =>
    ({ hourOfWeek, p05, p95, mean: 50, std: 10 }) as never;

  it("gives each minute its hour's band (p5–p95, or mean ± 2 std) and the forecast interval of its hour", () => {
    const samples = [
      { ts: new Date("2026-11-16T07:29:00Z"), value: 1 }, // before the window
      { ts: new Date("2026-11-16T09:59:00Z"), value: 40 },
      { ts: new Date("2026-11-16T10:30:00Z"), value: 99 },
      { ts: new Date("2026-11-16T11:31:00Z"), value: 5 }, // after the window
    ];
    const view = buildAlertContext({
      metric: "cpuPct",
      alertAt,
      samples,
      baselines: [baseline(9, null, 70), baseline(10, 35, 65)],
      forecast: [{ ts: new Date("2026-11-16T10:00:00Z"), lower: 30, upper: 60 }],
    });
    expect(view.points).toEqual([
      { t: Date.parse("2026-11-16T09:59:00Z"), observed: 40, bandLow: 30, bandHigh: 70, forecastLow: null, forecastHigh: null },
      { t: alertAt.getTime(), observed: 99, bandLow: 35, bandHigh: 65, forecastLow: 30, forecastHigh: 60 },
    ]);
    expect(view).toMatchObject({ hasBand: true, hasForecast: true, alertAt: alertAt.getTime() });
  });
});
