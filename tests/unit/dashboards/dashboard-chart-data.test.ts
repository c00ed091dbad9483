import { describe, expect, it } from "vitest";
import type { ForecastResponse } from "../../../lib/dashboards/forecast-view";
import { buildForecastChartData, dayTicks, forecastYDomain } from "../../../components/forecasts/forecast-chart-data";
import { niceAxis } from "../../../components/clusters/nice-axis";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-11-17T00:00:00.000Z");
const iso = (h: number) => new Date(T0 + h * HOUR).toISOString();

function view(overrides: Partial<ForecastResponse> = {}): ForecastResponse {
  return {
    device: { id: 1, name: "rtr-1", role: "edge-router", site: "hq" },
    metric: { metric: "bandwidthInBps", label: "Bandwidth in", unit: "bps" },
    forecast: {
      method: "mstl",
      generatedAt: iso(2),
      level: 0.95,
      points: [0, 1, 2, 3].map((h) => ({ ts: iso(h), yhat: 10 + h, lower: 8 + h, upper: 12 + h })),
      firstForecastIndex: 2,
      capacity: 100,
      capacityEta: null,
    },
    actual: [
      { ts: iso(0), value: 9 },
      { ts: iso(1), value: 11.5 },
    ],
    alerts: [],
    ...overrides,
  };
}

describe("buildForecastChartData", () => {
  it("splits the in-sample fit from the forecast and its band, and joins the actual by hour", () => {
    const data = buildForecastChartData(view());
    expect(data.rows).toEqual([
      { ts: T0, actual: 9, fit: 10, yhat: null, band: null },
      { ts: T0 + HOUR, actual: 11.5, fit: 11, yhat: null, band: null },
      { ts: T0 + 2 * HOUR, actual: null, fit: null, yhat: 12, band: [10, 14] },
      { ts: T0 + 3 * HOUR, actual: null, fit: null, yhat: 13, band: [11, 15] },
    ]);
    expect(data.forecastStart).toBe(T0 + 2 * HOUR);
    expect(data.xDomain).toEqual([T0, T0 + 3 * HOUR]);
    expect(data.maxValue).toBe(15);
    expect(data.minValue).toBe(9);
  });

  it.each([
    { name: "on the actual of its hour", ts: iso(1).replace(":00:00.000", ":25:00.000"), value: 50, y: 11.5 },
    { name: "on the forecast where no actual exists yet", ts: iso(3), value: 50, y: 13 },
    { name: "at its own value outside the span", ts: iso(10), value: 50, y: 50 },
  ])("places an alert $name", ({ ts, value, y }) => {
    const data = buildForecastChartData(
      view({ alerts: [{ id: 7, ts, severity: "high", type: "metric_spike", title: "Metric spike", status: "open", value }] }),
    );
    expect(data.marks).toEqual([expect.objectContaining({ ts: Date.parse(ts), y })]);
  });

  it("leaves out an alert with nowhere to go", () => {
    const data = buildForecastChartData(
      view({ alerts: [{ id: 7, ts: iso(10), severity: "low", type: "x", title: "X", status: "open", value: null }] }),
    );
    expect(data.marks).toEqual([]);
  });

  it("copes with no forecast", () => {
    const data = buildForecastChartData(view({ forecast: null, actual: [] }));
    expect(data).toMatchObject({ rows: [], marks: [], forecastStart: null, maxValue: 1, minValue: 0 });
  });
});

describe("forecastYDomain", () => {
  const data = buildForecastChartData(view());
  it.each([
    { name: "from 0, padded above the data", capacity: null, hardMax: undefined, expected: [0, 15 + 15 * 0.08] },
    { name: "stretched to the capacity", capacity: 100, hardMax: undefined, expected: [0, 108] },
    { name: "capped at a hard maximum (percentages)", capacity: 100, hardMax: 100, expected: [0, 100] },
  ])("$name", ({ capacity, hardMax, expected }) => {
    const [lo, hi] = forecastYDomain(data, capacity, hardMax);
    expect(lo).toBe(expected[0]);
    expect(hi).toBeCloseTo(expected[1]!, 9);
  });
});

describe("dayTicks", () => {
  it("gives each local midnight inside the range", () => {
    const from = new Date(2026, 10, 17, 5).getTime();
    const to = new Date(2026, 10, 20, 1).getTime();
    expect(dayTicks(from, to)).toEqual([18, 19, 20].map((d) => new Date(2026, 10, d).getTime()));
  });
});

describe("niceAxis", () => {
  it.each([
    { name: "spread values", values: [-1.93, 0.4, 3.3], domain: [-4, 4], ticks: [-4, -2, 0, 2, 4] },
    { name: "a single value", values: [0.5], domain: [-0.5, 1.5], ticks: [-0.5, 0, 0.5, 1, 1.5] },
    { name: "no values", values: [], domain: [-2, 2], ticks: [-2, -1, 0, 1, 2] },
  ])("$name", ({ values, domain, ticks }) => {
    expect(niceAxis(values)).toEqual({ domain, ticks });
  });
});
