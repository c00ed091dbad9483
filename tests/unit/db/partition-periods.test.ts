// The pure parts of the storage lifecycle: which day and month partitions a table should have, what
// they are called, which names are partitions at all, the rewritten hours' keys, and the retention
// settings' defaults and bounds.
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../../lib/env";
import { parseRewrittenHours } from "../../../lib/db/hourly-sample-queries";
import {
  AHEAD,
  nextPeriod,
  PARTITIONED_TABLES,
  partitionName,
  partitionStart,
  periodStart,
  wantedPeriods,
  type PartitionedTable,
} from "../../../lib/db/partition-queries";

const DAY = 86_400_000;
const samples = PARTITIONED_TABLES.find((t) => t.table === "metric_samples")!;
const hourly = PARTITIONED_TABLES.find((t) => t.table === "metric_samples_hourly")!;
const iso = (d: Date) => d.toISOString().slice(0, 10);

describe("partition periods", () => {
  it.each([
    ["day", "2026-12-07T23:59:59.999Z", "2026-12-07", "2026-12-08"],
    ["day", "2026-12-31T00:00:00.000Z", "2026-12-31", "2027-01-01"],
    ["day", "2028-02-28T12:00:00.000Z", "2028-02-28", "2028-02-29"],
    ["month", "2026-12-07T10:00:00.000Z", "2026-12-01", "2027-01-01"],
    ["month", "2027-01-31T23:59:59.999Z", "2027-01-01", "2027-02-01"],
  ] as const)("a %s holding %s starts %s, the next %s (UTC)", (period, at, start, next) => {
    const s = periodStart(period, new Date(at));
    expect(iso(s)).toBe(start);
    expect(iso(nextPeriod(period, s))).toBe(next);
  });

  it("names partitions by their period and reads the name back; anything else (the DEFAULT partition, another table's, a bad date) is not one", () => {
    const day = new Date("2026-12-07T00:00:00Z");
    expect(partitionName(samples, day)).toBe("metric_samples_p20261207");
    expect(partitionName(hourly, new Date("2026-12-01T00:00:00Z"))).toBe("metric_samples_hourly_p202612");
    expect(partitionStart(samples, "metric_samples_p20261207")).toEqual(day);
    expect(partitionStart(hourly, "metric_samples_hourly_p202612")).toEqual(new Date("2026-12-01T00:00:00Z"));
    for (const [spec, name] of [
      [samples, "metric_samples_default"],
      [samples, "metric_samples_default_moving"],
      [samples, "metric_samples_hourly_p202612"],
      [samples, "metric_samples_p202612"],
      [samples, "metric_samples_p20261332"],
      [hourly, "metric_samples_hourly_p20261207"],
      [hourly, "metric_samples_hourly_default"],
    ] as [PartitionedTable, string][]) {
      expect(partitionStart(spec, name), name).toBeNull();
    }
  });

  it("wants every day from the one holding the retention cutoff to the days ahead", () => {
    const now = new Date("2026-12-07T10:30:00Z");
    const days = wantedPeriods(samples, now, 35).map(iso);
    expect(days[0]).toBe("2026-11-02");
    expect(days.at(-1)).toBe("2026-12-10");
    expect(days).toHaveLength(35 + 1 + AHEAD.day);
    expect(new Set(days).size).toBe(days.length);
    // consecutive days, nothing skipped
    for (let i = 1; i < days.length; i++) expect(Date.parse(days[i]!) - Date.parse(days[i - 1]!)).toBe(DAY);
  });

  it("wants every month from the one holding the cutoff to two months ahead", () => {
    const months = wantedPeriods(hourly, new Date("2026-12-07T10:30:00Z"), 400).map(iso);
    expect(months[0]).toBe("2025-11-01");
    expect(months.at(-1)).toBe("2027-02-01");
    expect(months).toHaveLength(16);
  });

  it("maintains the minutes, both rollups and the hourly aggregates, each under its retention", () => {
    expect(PARTITIONED_TABLES.map((t) => [t.table, t.period, t.retention])).toEqual([
      ["metric_samples", "day", "raw"],
      ["flow_rollups", "day", "raw"],
      ["syslog_rollups", "day", "raw"],
      ["metric_samples_hourly", "month", "hourly"],
    ]);
  });
});

describe("rewritten hours", () => {
  it("reads the device and hour of each key the upsert returns", () => {
    expect(parseRewrittenHours(["12@1796637600", "7@0"])).toEqual([
      { deviceId: 12, hour: new Date("2026-12-07T10:00:00Z") },
      { deviceId: 7, hour: new Date(0) },
    ]);
    expect(parseRewrittenHours([])).toEqual([]);
  });
});

describe("retention settings", () => {
  it("keep 35 days of minutes, 400 of hourly aggregates and 7 of events by default", () => {
    expect(parseEnv({})).toMatchObject({ RETENTION_RAW_DAYS: 35, RETENTION_HOURLY_DAYS: 400, EVENT_RETENTION_DAYS: 7 });
    expect(parseEnv({ RETENTION_RAW_DAYS: "90", RETENTION_HOURLY_DAYS: "730", EVENT_RETENTION_DAYS: "2" })).toMatchObject({
      RETENTION_RAW_DAYS: 90,
      RETENTION_HOURLY_DAYS: 730,
      EVENT_RETENTION_DAYS: 2,
    });
  });

  it.each([
    ["RETENTION_RAW_DAYS", "14"], // baselines train on the last 14 days of minutes
    ["RETENTION_RAW_DAYS", "35.5"],
    ["RETENTION_HOURLY_DAYS", "1"],
    ["RETENTION_HOURLY_DAYS", "forever"],
    ["EVENT_RETENTION_DAYS", "0"],
  ])("%s=%s stops the start naming it", (name, value) => {
    expect(() => parseEnv({ [name]: value })).toThrow(new RegExp(name));
  });
});
