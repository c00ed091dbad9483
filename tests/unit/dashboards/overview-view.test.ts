// The pure parts of the Overview: hour buckets, the false-positive rate over days, device freshness
// against the fleet's newest data, and feeds from heartbeats (including older workers' and dead ones).
import { describe, expect, it } from "vitest";
import {
  deviceFreshness,
  falsePositiveRate,
  fillHourBuckets,
  firstHourStart,
  ingestFeeds,
  inventoryPolicy,
  STALE_BEHIND_MS,
} from "../../../lib/dashboards/overview-view";
import type { HeartbeatRow } from "../../../lib/db/worker-heartbeat-queries";
import { formatSkew } from "../../../components/overview/overview-format";

const HOUR = 3_600_000;
const NOW = new Date("2026-11-17T14:25:00.000Z");

describe("fillHourBuckets", () => {
  it("has 24 hours ending with the current one, zeros where nothing was counted", () => {
    const buckets = fillHourBuckets([], NOW);
    expect(buckets).toHaveLength(24);
    expect(buckets[0]!.hour).toBe("2026-11-16T15:00:00.000Z");
    expect(buckets[23]!.hour).toBe("2026-11-17T14:00:00.000Z");
    expect(buckets.every((b) => b.total === 0 && b.critical === 0)).toBe(true);
    expect(firstHourStart(NOW).toISOString()).toBe("2026-11-16T15:00:00.000Z");
  });

  it.each([
    { name: "current hour", hour: "2026-11-17T14:00:00.000Z", index: 23 },
    { name: "first hour", hour: "2026-11-16T15:00:00.000Z", index: 0 },
  ])("adds counts by severity to the $name", ({ hour, index }) => {
    const buckets = fillHourBuckets(
      [
        { hour: new Date(hour), severity: "critical", count: 2 },
        { hour: new Date(hour), severity: "low", count: 3 },
      ],
      NOW,
    );
    expect(buckets[index]).toEqual({ hour, critical: 2, high: 0, medium: 0, low: 3, total: 5 });
  });

  it("drops counts outside the window (an hour before it, or a clock ahead of ours)", () => {
    const buckets = fillHourBuckets(
      [
        { hour: new Date("2026-11-16T14:00:00.000Z"), severity: "high", count: 9 },
        { hour: new Date("2026-11-17T15:00:00.000Z"), severity: "high", count: 9 },
      ],
      NOW,
    );
    expect(buckets.reduce((n, b) => n + b.total, 0)).toBe(0);
  });
});

describe("falsePositiveRate", () => {
  const days = ["2026-11-15", "2026-11-16", "2026-11-17"];

  it("fills the days, totals them and gives null where nobody judged", () => {
    const fp = falsePositiveRate(
      [
        { day: "2026-11-15", judged: 4, falsePositives: 1 },
        { day: "2026-11-17", judged: 6, falsePositives: 3 },
      ],
      days,
    );
    expect(fp).toEqual({
      days: 3,
      judged: 10,
      falsePositives: 4,
      rate: 0.4,
      perDay: [
        { day: "2026-11-15", judged: 4, falsePositives: 1, rate: 0.25 },
        { day: "2026-11-16", judged: 0, falsePositives: 0, rate: null },
        { day: "2026-11-17", judged: 6, falsePositives: 3, rate: 0.5 },
      ],
    });
  });

  it("has no rate without verdicts, and ignores days outside the window", () => {
    const fp = falsePositiveRate([{ day: "2026-11-01", judged: 5, falsePositives: 5 }], days);
    expect(fp).toMatchObject({ judged: 0, falsePositives: 0, rate: null });
  });
});

describe("deviceFreshness", () => {
  const device = (name: string, lastSeenAt: string | null, status = "active") => ({
    id: name.length,
    name,
    site: "hq",
    status,
    lastSeenAt: lastSeenAt === null ? null : new Date(lastSeenAt),
  });

  it("measures against the newest device, lists never-reported then the longest silent first", () => {
    const result = deviceFreshness([
      device("fresh", "2026-11-17T10:00:00.000Z"),
      device("lagging", "2026-11-17T09:55:00.000Z"),
      device("silent", "2026-11-17T08:00:00.000Z"),
      device("new", null, "discovered"),
    ]);
    expect(result).toMatchObject({ total: 4, stale: 2, newestDataAt: "2026-11-17T10:00:00.000Z" });
    expect(result.rows.map((r) => [r.name, r.stale, r.behindMs])).toEqual([
      ["new", true, null],
      ["silent", true, 2 * HOUR],
      ["lagging", false, 5 * 60_000],
      ["fresh", false, 0],
    ]);
  });

  it("is stale only beyond the limit", () => {
    const newest = Date.parse("2026-11-17T10:00:00.000Z");
    const result = deviceFreshness([
      device("a", new Date(newest).toISOString()),
      device("at-limit", new Date(newest - STALE_BEHIND_MS).toISOString()),
      device("past-limit", new Date(newest - STALE_BEHIND_MS - 1).toISOString()),
    ]);
    expect(result.rows.map((r) => [r.name, r.stale])).toEqual([
      ["past-limit", true],
      ["at-limit", false],
      ["a", false],
    ]);
  });

  it("keeps at most `limit` rows and handles an empty fleet", () => {
    expect(deviceFreshness([device("a", null), device("b", null), device("c", null)], 2).rows).toHaveLength(2);
    expect(deviceFreshness([])).toEqual({ total: 0, stale: 0, newestDataAt: null, rows: [] });
  });
});

describe("ingestFeeds", () => {
  const STALE = 20_000;
  const row = (id: string, ageMs: number, info: HeartbeatRow["info"]): HeartbeatRow => ({
    id,
    startedAt: new Date(NOW.getTime() - HOUR),
    beatAt: new Date(NOW.getTime() - ageMs),
    info,
  });

  it("sums the rates of running feeds of live workers", () => {
    const result = ingestFeeds(
      [
        row("w1", 1_000, {
          collectors: [
            { name: "netflow", up: true, records: 10, recordsPerSec: 100 },
            { name: "snmp", up: false, error: "port in use" },
            { name: "simulator", up: true, records: 5, recordsPerSec: 20.5 },
          ],
        }),
        row("dead", 60_000, { collectors: [{ name: "syslog", up: true, recordsPerSec: 1_000 }] }),
      ],
      NOW,
      STALE,
    );
    expect(result.worker).toBe("up");
    expect(result.beatAt).toBe(new Date(NOW.getTime() - 1_000).toISOString());
    expect(result.recordsPerSec).toBe(120.5);
    expect(result.feeds.map((f) => [f.name, f.up, f.error])).toEqual([
      ["netflow", true, null],
      ["snmp", false, "port in use"],
      ["simulator", true, null],
    ]);
  });

  it("names the flow exporters whose clocks are skewed, and ignores malformed entries", () => {
    const skew = { exporter: "192.0.2.7", skewSec: 2_300_000_000, records: 120, lastAt: NOW.toISOString() };
    const result = ingestFeeds(
      [
        row("w1", 1_000, {
          collectors: [
            { name: "netflow", up: true, clockSkew: [skew, { exporter: 7 } as unknown as typeof skew] },
            { name: "syslog", up: true, clockSkew: [] },
          ],
        }),
      ],
      NOW,
      STALE,
    );
    expect(result.feeds[0]!.clockSkew).toEqual([skew]);
    expect(result.feeds[1]).not.toHaveProperty("clockSkew");
    expect([formatSkew(2_300_000_000), formatSkew(-7200), formatSkew(400), formatSkew(-30)]).toEqual([
      "73 years ahead",
      "2 h behind",
      "7 min ahead",
      "30 s behind",
    ]);
  });

  it("reads an older worker's heartbeat (name and ports only) as feeds up without a rate", () => {
    const result = ingestFeeds([row("old", 0, { collectors: [{ name: "netflow", ports: { udp: 2055 } }] })], NOW, STALE);
    expect(result.feeds).toEqual([{ name: "netflow", up: true, error: null, records: null, recordsPerSec: null }]);
    expect(result.recordsPerSec).toBeNull();
  });

  it("lists a collector process's feeds under its name, but counts only workers as the worker being up", () => {
    const collector = row("collector-ab12cd34", 1_000, { kind: "collector", collectors: [{ name: "netflow", up: true, records: 900, recordsPerSec: 150 }] });
    const alone = ingestFeeds([collector, row("w1", 60_000, { collectors: [] })], NOW, STALE);
    expect(alone.worker).toBe("down");
    // the last heartbeat shown with "worker down" is the worker's, not the collector's
    expect(alone.beatAt).toBe(new Date(NOW.getTime() - 60_000).toISOString());
    const withWorker = ingestFeeds([collector, row("w1", 2_000, { collectors: [] })], NOW, STALE);
    expect(withWorker.worker).toBe("up");
    expect(withWorker.feeds).toEqual([{ name: "netflow", up: true, error: null, records: 900, recordsPerSec: 150, collector: "collector-ab12cd34" }]);
    expect(withWorker.recordsPerSec).toBe(150);
  });

  it("is down with no fresh heartbeat, and tolerates malformed info", () => {
    expect(ingestFeeds([], NOW, STALE)).toEqual({ worker: "down", beatAt: null, feeds: [], recordsPerSec: null });
    const odd = row("odd", 0, { collectors: "nope" as unknown as [] });
    expect(ingestFeeds([odd], NOW, STALE)).toMatchObject({ worker: "up", feeds: [] });
  });
});

describe("inventoryPolicy", () => {
  const STALE = 20_000;
  const row = (id: string, ageMs: number, info: HeartbeatRow["info"]): HeartbeatRow => ({
    id,
    startedAt: new Date(NOW.getTime() - HOUR),
    beatAt: new Date(NOW.getTime() - ageMs),
    info,
  });
  const discovery = (notAddedTotal: number, untrustedHostnames = 0) => ({ maxNewPerHour: 1000, addedLastHour: 1000, notAddedTotal, untrustedHostnames, notAdded: [] });

  it("says every source is accepted when a live worker runs without COLLECTOR_ALLOWED_SOURCES", () => {
    expect(inventoryPolicy([row("w1", 1_000, { allowedSources: [], discovery: discovery(0) })], NOW, STALE)).toEqual({
      allowedSources: [],
      maxNewPerHour: 1000,
      notAddedTotal: 0,
      untrustedHostnames: 0,
    });
    // one worker accepting everything makes the whole deployment accept everything
    expect(inventoryPolicy([row("w1", 1_000, { allowedSources: ["10.0.0.0/8"] }), row("w2", 1_000, { allowedSources: [] })], NOW, STALE)!.allowedSources).toEqual([]);
  });

  it("lists the allowed CIDRs of the live workers and sums what discovery refused", () => {
    const policy = inventoryPolicy(
      [
        row("w1", 1_000, { allowedSources: ["10.0.0.0/8"], discovery: discovery(1500, 3) }),
        row("w2", 2_000, { allowedSources: ["10.0.0.0/8", "192.0.2.0/24"], discovery: discovery(500) }),
        row("dead", 60_000, { allowedSources: [], discovery: discovery(9999) }),
      ],
      NOW,
      STALE,
    );
    expect(policy).toEqual({ allowedSources: ["10.0.0.0/8", "192.0.2.0/24"], maxNewPerHour: 1000, notAddedTotal: 2000, untrustedHostnames: 3 });
  });

  it("is null when no live worker reports it (down, or an older worker)", () => {
    expect(inventoryPolicy([], NOW, STALE)).toBeNull();
    expect(inventoryPolicy([row("old", 1_000, { collectors: [] })], NOW, STALE)).toBeNull();
    expect(inventoryPolicy([row("dead", 60_000, { allowedSources: [] })], NOW, STALE)).toBeNull();
  });
});
