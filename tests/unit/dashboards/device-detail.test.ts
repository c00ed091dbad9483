import { describe, expect, it } from "vitest";
import {
  buildBaselineHeatmap,
  describeHourOfWeek,
  heatmapColor,
  heatmapPosition,
  HOURS_PER_WEEK,
} from "../../../lib/dashboards/baseline-heatmap";
import { deviceSeriesRows } from "../../../components/devices/device-series-rows";
import { DEVICE_SERIES_RANGES, MAX_SERIES_POINTS, SERIES_RANGE_MINUTES, seriesBinMinutes, type BaselineCellView } from "../../../lib/dashboards/device-detail";

const cell = (hourOfWeek: number, mean: number): BaselineCellView => ({ hourOfWeek, mean, median: mean, p05: mean - 1, p95: mean + 1, sampleCount: 60 });

describe("seriesBinMinutes", () => {
  it.each([
    { name: "6 hours in 2-minute bins", minutes: 360, bin: 2 },
    { name: "24 hours in 5-minute bins", minutes: 1440, bin: 5 },
    { name: "7 days in hourly bins (30 minutes would be 336 points)", minutes: 10080, bin: 60 },
    { name: "a short range keeps every minute", minutes: 300, bin: 1 },
    { name: "a year falls back to whole days", minutes: 525_600, bin: 2 * 1440 },
  ])("$name", ({ minutes, bin }) => {
    expect(seriesBinMinutes(minutes)).toBe(bin);
  });

  it("keeps every offered range within the point budget", () => {
    for (const range of DEVICE_SERIES_RANGES) {
      const minutes = SERIES_RANGE_MINUTES[range];
      expect(Math.ceil(minutes / seriesBinMinutes(minutes))).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    }
  });

  it("refuses a range or budget that is not positive", () => {
    expect(() => seriesBinMinutes(0)).toThrow(RangeError);
    expect(() => seriesBinMinutes(60, 0)).toThrow(RangeError);
    expect(() => seriesBinMinutes(Number.NaN)).toThrow(RangeError);
  });
});

describe("buildBaselineHeatmap", () => {
  it("lays the week out Monday first, 24 hours a row, with the colour domain of what is there", () => {
    const map = buildBaselineHeatmap([cell(0, 5), cell(38, 20), cell(167, 2)]);
    expect(map.rows.map((r) => r.day)).toEqual(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]);
    expect(map.rows.every((r) => r.cells.length === 24)).toBe(true);
    expect(map.rows.flatMap((r) => r.cells)).toHaveLength(HOURS_PER_WEEK);
    expect(map.rows[0]!.cells[0]).toMatchObject({ hourOfWeek: 0, mean: 5 });
    expect(map.rows[1]!.cells[14]).toMatchObject({ hourOfWeek: 38, mean: 20 });
    expect(map.rows[6]!.cells[23]).toMatchObject({ hourOfWeek: 167, mean: 2 });
    expect(map.rows.flatMap((r) => r.cells).filter(Boolean)).toHaveLength(3);
    expect(map.domain).toEqual({ min: 2, max: 20 });
  });

  it.each([
    { name: "nothing trained", cells: [] },
    { name: "hours outside the week", cells: [cell(-1, 3), cell(168, 3), cell(2.5, 3)] },
    { name: "a non-finite mean", cells: [cell(4, Number.NaN), cell(5, Number.POSITIVE_INFINITY)] },
  ])("leaves every cell empty for $name", ({ cells }) => {
    const map = buildBaselineHeatmap(cells);
    expect(map.rows.flatMap((r) => r.cells).every((c) => c === null)).toBe(true);
    expect(map.domain).toBeNull();
  });
});

describe("heatmap colour scale", () => {
  it.each([
    { name: "the minimum", value: 2, position: 0 },
    { name: "the maximum", value: 12, position: 1 },
    { name: "the middle", value: 7, position: 0.5 },
    { name: "below the domain (clamped)", value: -40, position: 0 },
    { name: "above the domain (clamped)", value: 99, position: 1 },
  ])("places $name", ({ value, position }) => {
    expect(heatmapPosition(value, { min: 2, max: 12 })).toBeCloseTo(position, 12);
  });

  it("puts a constant baseline in the middle of the scale", () => {
    expect(heatmapPosition(4, { min: 4, max: 4 })).toBe(0.5);
  });

  it("gets lighter as the value rises, from dark blue to pale yellow", () => {
    const luminance = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const steps = Array.from({ length: 11 }, (_, i) => luminance(heatmapColor(i / 10)));
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThan(steps[i - 1]!);
    expect(heatmapColor(0)).toBe("rgb(33, 45, 92)");
    expect(heatmapColor(1)).toBe("rgb(245, 230, 110)");
    expect(heatmapColor(-1)).toBe(heatmapColor(0));
    expect(heatmapColor(Number.NaN)).toBe(heatmapColor(0));
    expect(heatmapColor(7)).toBe(heatmapColor(1));
  });
});

describe("describeHourOfWeek", () => {
  it.each([
    { how: 0, text: "Monday 00:00–01:00 UTC" },
    { how: 38, text: "Tuesday 14:00–15:00 UTC" },
    { how: 167, text: "Sunday 23:00–00:00 UTC" },
  ])("names bucket $how", ({ how, text }) => {
    expect(describeHourOfWeek(how)).toBe(text);
  });
});

describe("deviceSeriesRows", () => {
  const T0 = Date.parse("2026-11-17T12:00:00.000Z");
  const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

  it("pairs each bin with its value", () => {
    const rows = deviceSeriesRows({ binMinutes: 5, timestamps: [at(0), at(5), at(10)] }, [1, null, 3]);
    expect(rows).toEqual([
      { ts: T0, value: 1 },
      { ts: T0 + 5 * 60_000, value: null },
      { ts: T0 + 10 * 60_000, value: 3 },
    ]);
  });

  it("breaks the line where bins are missing", () => {
    const rows = deviceSeriesRows({ binMinutes: 5, timestamps: [at(0), at(30)] }, [1, 2]);
    expect(rows).toEqual([
      { ts: T0, value: 1 },
      { ts: T0 + 5 * 60_000, value: null },
      { ts: T0 + 30 * 60_000, value: 2 },
    ]);
  });

  it("is empty without bins", () => {
    expect(deviceSeriesRows({ binMinutes: 5, timestamps: [] }, [])).toEqual([]);
  });
});
