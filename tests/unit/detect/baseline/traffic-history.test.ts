import { describe, expect, it } from "vitest";
import { epochHour, TrafficHistory } from "@/lib/detect/baseline/traffic-history";
import { emptyMetricValues, type MetricSample } from "@/lib/telemetry/metrics";

const DAY0 = Date.parse("2025-02-03T00:00:00Z");
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

function sample(ms: number, outBps: number | null): MetricSample {
  return { deviceId: 7, ts: new Date(ms), values: { ...emptyMetricValues(), bandwidthOutBps: outBps } };
}

describe("TrafficHistory", () => {
  it("sums outbound bytes (bps × 60 s / 8) per UTC day and hour", () => {
    const h = new TrafficHistory();
    for (let m = 0; m < 90; m++) h.add(sample(DAY0 + 9 * HOUR + m * MINUTE, 8_000)); // 60 kB a minute
    const [day] = h.days();
    expect(day).toMatchObject({ day: DAY0 / DAY, start: DAY0, minutes: 90, outBytes: 90 * 60_000 });
    expect(day!.hourMinutes[9]).toBe(60);
    expect(day!.hourMinutes[10]).toBe(30);
    expect(day!.hourOutBytes[10]).toBe(30 * 60_000);
    expect(h.hour(epochHour(DAY0 + 10 * HOUR))).toEqual({ hour: epochHour(DAY0 + 10 * HOUR), minutes: 30, outBytes: 1_800_000, externalOutBytes: 0 });
    expect(h.latest).toBe(DAY0 + 9 * HOUR + 89 * MINUTE);
  });

  it("starts a new day at 00:00 UTC", () => {
    const h = new TrafficHistory();
    h.add(sample(DAY0 + DAY - MINUTE, 8));
    h.add(sample(DAY0 + DAY, 16));
    expect(h.days().map((d) => [d.start, d.outBytes])).toEqual([
      [DAY0, 60],
      [DAY0 + DAY, 120],
    ]);
  });

  it("adds external outbound bytes from flows, counting the minutes that had them", () => {
    const h = new TrafficHistory();
    h.add(sample(DAY0, 8_000), { bytesOutExternal: 1_000 });
    h.add(sample(DAY0 + MINUTE, 8_000));
    h.add(sample(DAY0 + 2 * MINUTE, 8_000), {}); // a rollup stored before the field existed
    expect(h.days()[0]).toMatchObject({ minutes: 3, flowMinutes: 1, externalOutBytes: 1_000 });
    expect(h.days()[0]!.hourExternalOutBytes[0]).toBe(1_000);
  });

  it.each([
    { name: "a repeated minute", ts: DAY0 + 5 * MINUTE },
    { name: "an older minute", ts: DAY0 + MINUTE },
    { name: "an invalid time", ts: Number.NaN },
  ])("ignores $name", ({ ts }) => {
    const h = new TrafficHistory();
    h.add(sample(DAY0 + 5 * MINUTE, 8));
    h.add(sample(ts, 8_000_000));
    expect(h.days()[0]!.outBytes).toBe(60);
  });

  it.each([null, Number.NaN, -5])("does not count a minute with outbound %s", (value) => {
    const h = new TrafficHistory();
    h.add(sample(DAY0, value));
    expect(h.days()[0]).toMatchObject({ minutes: 0, outBytes: 0 });
    expect(h.hour(epochHour(DAY0))).toBeUndefined();
  });

  it("keeps only the last retentionDays days, gaps included", () => {
    const h = new TrafficHistory({ retentionDays: 3 });
    for (const d of [0, 1, 2, 3, 6]) h.add(sample(DAY0 + d * DAY, 8));
    expect(h.days().map((x) => (x.start - DAY0) / DAY)).toEqual([6]);
    const g = new TrafficHistory({ retentionDays: 3 });
    for (const d of [0, 1, 2, 3]) g.add(sample(DAY0 + d * DAY, 8));
    expect(g.days().map((x) => (x.start - DAY0) / DAY)).toEqual([1, 2, 3]);
    expect(g.hour(epochHour(DAY0))).toBeUndefined();
    expect(g.hour(epochHour(DAY0 + DAY))).toMatchObject({ minutes: 1 });
  });

  it("holds 35 days of minutes in a fixed number of records", () => {
    const h = new TrafficHistory();
    for (let m = 0; m < 50 * 1440; m += 7) h.add(sample(DAY0 + m * MINUTE, 1_000));
    expect(h.days()).toHaveLength(35);
  });

  it.each([0, 1.5, -1])("rejects retentionDays %s", (retentionDays) => {
    expect(() => new TrafficHistory({ retentionDays })).toThrow(RangeError);
  });
});
