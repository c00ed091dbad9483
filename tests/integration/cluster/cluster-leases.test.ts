// The leases of distributed mode on a real Postgres: one holder at a time, takeover only after expiry,
// and a partition's minutes stored only while its lease is held — a worker that stalled past its TTL
// cannot write over its successor, and its attempt leaves nothing behind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyMetricValues } from "../../../lib/telemetry/metrics";
import { makeDevice } from "../fixtures";
import { createTestDatabase, type TestDatabase } from "../test-database";

const { acquireLease, releaseLease, liveHolders, committedUntil, LeaseLostError } = await import("../../../lib/db/cluster-lease-queries");
const { storeTelemetryOnce } = await import("../../../lib/db/sample-queries");
const { pool } = await import("../../../lib/db/pool");

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.drop();
});

describe("cluster leases", () => {
  it("have one holder, renewable by it, taken over only once expired or released", async () => {
    expect(await acquireLease(pool(), "partition:1", "worker-a", 60_000)).toBe(true);
    expect(await acquireLease(pool(), "partition:1", "worker-b", 60_000)).toBe(false);
    expect(await acquireLease(pool(), "partition:1", "worker-a", 60_000)).toBe(true);
    await releaseLease(pool(), "partition:1", "worker-b"); // not b's to release
    expect(await acquireLease(pool(), "partition:1", "worker-b", 60_000)).toBe(false);
    await releaseLease(pool(), "partition:1", "worker-a");
    expect(await acquireLease(pool(), "partition:1", "worker-b", 60_000)).toBe(true);

    expect(await acquireLease(pool(), "partition:2", "worker-a", 50)).toBe(true);
    await new Promise((r) => setTimeout(r, 120));
    expect(await acquireLease(pool(), "partition:2", "worker-b", 60_000)).toBe(true);

    await acquireLease(pool(), "member:worker-a", "worker-a", 60_000);
    await acquireLease(pool(), "member:worker-c", "worker-c", 50);
    await new Promise((r) => setTimeout(r, 120));
    expect(await liveHolders(pool(), "member:")).toEqual(["worker-a"]);
  });

  it("store a partition's minutes only for the holder, recording them as committed in the same transaction", async () => {
    const device = await makeDevice(t.prisma, "edge-lease-1");
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
    const until = new Date(minute.getTime() + 60_000);
    const batch = (holder: string) => ({
      samples: [{ deviceId: device.id, ts: minute, values: { ...emptyMetricValues(), cpuPct: holder === "worker-a" ? 10 : 20 } }],
      flows: [],
      syslog: [],
      commit: { lease: "partition:7", holder, until },
    });
    expect(await acquireLease(pool(), "partition:7", "worker-a", 50)).toBe(true);
    await new Promise((r) => setTimeout(r, 120));
    // worker-a stalled past its TTL; worker-b took the partition over and stored the minute
    expect(await acquireLease(pool(), "partition:7", "worker-b", 60_000)).toBe(true);
    expect(await storeTelemetryOnce(pool(), "b-1", batch("worker-b"), 10_000)).toEqual({ applied: true, stored: 1 });
    expect((await committedUntil(pool(), "partition:7"))?.toISOString()).toBe(until.toISOString());
    // worker-a wakes up and flushes what it held: refused, nothing of it stored (not even its key)
    await expect(storeTelemetryOnce(pool(), "a-1", batch("worker-a"), 10_000)).rejects.toBeInstanceOf(LeaseLostError);
    const rows = await t.prisma.metricSample.findMany({ where: { deviceId: device.id } });
    expect(rows.map((r) => r.cpuPct)).toEqual([20]);
    expect(await t.prisma.appliedWrite.count({ where: { key: "a-1" } })).toBe(0);
  });
});
