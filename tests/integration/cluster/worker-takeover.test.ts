// Distributed mode as it runs: Debian's nats-server with JetStream, a collector process receiving
// real NetFlow v9 datagrams and publishing them to the bus, two detection workers owning the
// partitions, real Postgres. One worker is killed (SIGKILL) mid-stream: the other takes its partitions
// over, and every device-minute is stored exactly once with all its flows (none lost, none doubled).
// The collector's heartbeat reaches the Overview through the bus and the surviving worker, and a flood
// is alerted within seconds by the worker's fast path, fed from the bus.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { floodToAlert } from "../../../scripts/lib/flood-to-alert";
import { ingestFeeds } from "../../../lib/dashboards/overview-view";
import { HEARTBEAT_STALE_MS, listHeartbeats } from "../../../lib/db/worker-heartbeat-queries";
import { partitionOf } from "../../../lib/telemetry/bus/bus-batch";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { waitFor } from "../wait-for";
import { MINUTE, MinuteOfFlows, planMinute, startCluster, type Cluster } from "./cluster-fixture";

// enough that rendezvous hashing gives each of the two workers some (all 8 went to one in about 1 start of 128)
const PARTITIONS = 16;
const HOSTS = Array.from({ length: 24 }, (_, i) => `10.9.0.${i + 1}`);
const EXPORTER = "127.0.0.41";

// the exporter's minute ends this long after the file is loaded (see cluster-fixture's timing note)
let plan = planMinute(Date.now() + 45_000);

let t: TestDatabase;
let cluster: Cluster | undefined;

beforeAll(async () => {
  t = await createTestDatabase();
  cluster = await startCluster(t.prisma, t.url, { partitions: PARTITIONS, workers: 2, plan, env: { BUS_LEASE_TTL_SEC: "3" } });
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
  await t?.drop();
});

describe("distributed mode: a worker killed mid-stream", () => {
  it("has its partitions taken over, and no device-minute is lost or doubled", async () => {
    const { workers } = cluster!;
    // the kill needs some sending before and after it; a slow start takes the next minute (same second)
    while (plan.stopAt - Date.now() < 10_000) plan = planMinute(plan.stopAt + MINUTE);
    const flows = new MinuteOfFlows(plan, HOSTS, cluster!.netflowPort, EXPORTER);
    // the victim: the worker owning the partitions of the most hosts
    const leases = await t.prisma.clusterLease.findMany({ where: { name: { startsWith: "partition:" } } });
    const holderOf = new Map(leases.map((l) => [Number(l.name.split(":")[1]), l.holder]));
    const hostsOf = new Map<string, number>();
    for (const h of HOSTS) hostsOf.set(holderOf.get(partitionOf(h, PARTITIONS))!, (hostsOf.get(holderOf.get(partitionOf(h, PARTITIONS))!) ?? 0) + 1);
    const victimId = [...hostsOf].sort((a, b) => b[1] - a[1])[0]![0];
    const beat = await t.prisma.workerHeartbeat.findUniqueOrThrow({ where: { id: victimId } });
    const victimPid = (beat.info as { pid: number }).pid;
    const victim = workers.find((w) => w.proc.pid === victimPid)!;
    const survivor = workers.find((w) => w !== victim)!;
    expect(victim).toBeDefined();

    // send until the exporter's minute ends; kill the victim half-way, while its minute is open
    const sending = flows.sendUntilStop();
    await new Promise((r) => setTimeout(r, (plan.stopAt - Date.now()) / 2));
    victim.proc.kill("SIGKILL");
    await sending;
    flows.close();
    expect(flows.sent.get(HOSTS[0]!)!.flows).toBeGreaterThan(10);

    // the survivor holds every partition and stores the minute: every host's flows exactly once
    await waitFor(
      "the survivor to own every partition",
      async () => (await t.prisma.clusterLease.count({ where: { name: { startsWith: "partition:" }, holder: { not: victimId }, expiresAt: { gt: new Date() } } })) === PARTITIONS,
      15_000,
    );
    const stored = await flows.storedMinutes(t.prisma, 20_000).catch((err) => {
      throw new Error(`${String(err)}\n${survivor.output().slice(-4000)}`);
    });
    // give a late duplicate the time to land (a flush and more), then count
    await new Promise((r) => setTimeout(r, 6_000));
    expect(await flows.lostAndDoubled(t.prisma)).toEqual({ lost: [], doubled: [] });
    expect(stored.every((r) => r.bytesOut === flows.sent.get(r.device.name)!.bytes)).toBe(true);
    // and the merged sample (what detection and the charts read) is there once per host-minute
    const samples = await t.prisma.metricSample.count({ where: { ts: new Date(plan.flowMinute), device: { name: { in: HOSTS } } } });
    expect(samples).toBe(HOSTS.length);
    // the victim's partitions were consumed by both: before the kill by the victim, after by the survivor
    expect(survivor.output()).toMatch(/partition taken/);

    // the collector process (no database) beats over the bus; the survivor writes it for the Overview
    const sentFlows = [...flows.sent.values()].reduce((n, s) => n + s.flows, 0);
    const collectorFeeds = async () => {
      const rows = await listHeartbeats(t.prisma);
      const ingest = ingestFeeds(rows, new Date(), HEARTBEAT_STALE_MS);
      return { ingest, netflow: ingest.feeds.find((f) => f.name === "netflow" && f.collector?.startsWith("collector-")) };
    };
    await waitFor("the collector's heartbeat to count every flow sent", async () => ((await collectorFeeds()).netflow?.records ?? 0) >= sentFlows, 15_000);
    const { ingest } = await collectorFeeds();
    expect(ingest.worker).toBe("up");
    expect(ingest.feeds.filter((f) => f.collector)).toHaveLength(1);
  }, 120_000);

  it("alerts a flood within seconds through the fast path, as single-node mode does", { timeout: 40_000 }, async () => {
    // collector → bus → the partition consumer of the attacked host's partition → the worker's fast path
    const host = "10.66.0.1";
    const timing = await floodToAlert(t.prisma, cluster!.netflowPort, { host, pps: 200_000, sources: 200 }, 20_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${cluster!.workers.map((w) => w.output().slice(-2000)).join("\n---\n")}`);
    });
    expect(timing.msToAlert).toBeLessThan(10_000);
    const alert = await t.prisma.alert.findUniqueOrThrow({ where: { id: timing.alertId }, include: { device: true } });
    expect(alert).toMatchObject({ detector: "flow-ddos-fast", alertType: "ddos" });
    expect(alert.device.name).toBe(host);
    // the flow is on the bus in the exporter's partition and the host's: counted once, one alert
    expect(await t.prisma.alert.count({ where: { deviceId: alert.deviceId } })).toBe(1);
  });
});
