// Distributed mode through a broker restart and a database outage, one after the other in one minute
// of flows: Debian's nats-server (JetStream on files in a temporary directory) is killed with SIGKILL
// while the two workers consume and started again on the same directory, and then the workers'
// Postgres (a server of this test's own) crashes with SIGKILL just after the minute ends and is
// started again (crash recovery) once the workers' attempts to store it have failed. The workers' durable consumers resume
// after the broker restart; no message is acknowledged while its minute cannot be committed; once the
// database answers, every host-minute is stored once with all its flows and every message is
// acknowledged.
import { connect, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TELEMETRY_STREAM } from "../../../lib/telemetry/bus/bus-batch";
import { createDedicatedDatabase, type DedicatedDatabase } from "../dedicated-postgres";
import { waitFor } from "../wait-for";
import { MINUTE, MinuteOfFlows, planMinute, startCluster, type Cluster } from "./cluster-fixture";

// enough that rendezvous hashing gives each of the two workers some (with 4, one worker got all 4 in 1 run of 8)
const PARTITIONS = 16;
const HOSTS = Array.from({ length: 16 }, (_, i) => `10.9.1.${i + 1}`);
// half the hosts are in the inventory before the workers start (their minutes go straight to the
// store), the others are discovered from their flows (their devices are created at the flush)
const KNOWN = HOSTS.slice(0, 8);
// the minute ends this long after the file is loaded: the cluster's start (10-30 s here), then flows
let plan = planMinute(Date.now() + 45_000);
// the faults need this long before the minute ends; a slower start takes the next minute
const NEEDED_MS = 9_000;
// the database is away from just after the minute ends until a flush after its lateness has failed
// (flushes run every 5 s), at most this long before its restart (a second or two of crash recovery):
// together shorter than a third of the lease TTL (the workers renew their leases every third of it),
// so every lease is renewed before it could expire and ownership does not move
const MAX_OUTAGE_MS = 7_000;
const LEASE_TTL_SEC = 30;

let db: DedicatedDatabase;
let cluster: Cluster | undefined;
let nc: NatsConnection | undefined;

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

beforeAll(async () => {
  db = await createDedicatedDatabase();
  await db.prisma.device.createMany({ data: KNOWN.map((h) => ({ name: h, managementIp: h, role: "server", site: "lab", discoveredVia: "netflow" })) });
  cluster = await startCluster(db.prisma, db.url, {
    partitions: PARTITIONS,
    workers: 2,
    plan,
    // short database limits so the outage is noticed within seconds
    env: { BUS_LEASE_TTL_SEC: String(LEASE_TTL_SEC), FLUSH_DEADLINE_SEC: "2", DB_CONNECT_TIMEOUT_SEC: "1", DB_STATEMENT_TIMEOUT_SEC: "2" },
  });
}, 90_000);

afterAll(async () => {
  await nc?.close().catch(() => undefined);
  await cluster?.stop();
  await db?.drop();
});

/** The stream's messages (unacknowledged: it is a work queue), its last sequence, and its consumers' state. */
async function busState(): Promise<{ messages: number; lastSeq: number; undelivered: number; unacked: number }> {
  const jsm = await nc!.jetstreamManager();
  const { state } = await jsm.streams.info(TELEMETRY_STREAM);
  const consumers = await jsm.consumers.list(TELEMETRY_STREAM).next();
  if (consumers.length !== PARTITIONS) throw new Error(`${consumers.length} consumers, not one per partition`);
  let undelivered = 0;
  let unacked = 0;
  for (const c of consumers) {
    undelivered += c.num_pending;
    unacked += c.num_ack_pending;
  }
  return { messages: state.messages, lastSeq: state.last_seq, undelivered, unacked };
}

describe("distributed mode: nats-server restarted under the workers, then Postgres away past a minute's end", () => {
  it("resumes consuming, acknowledges nothing uncommitted, and stores every host-minute once", { timeout: 120_000 }, async () => {
    const c = cluster!;
    // same second of the minute, so the workers' lateness still fits
    while (plan.stopAt - Date.now() < NEEDED_MS) plan = planMinute(plan.stopAt + MINUTE);
    const outageFrom = plan.stopAt + 500;
    const flows = new MinuteOfFlows(plan, HOSTS, c.netflowPort, "127.0.0.42");
    const sending = flows.sendUntilStop();

    // the broker dies while the workers consume, and comes back on its directory
    nc = await connect({ servers: c.nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    const before = await waitFor(
      "the first flows in the stream",
      async () => {
        // a consumer being recreated (a partition moving to the second worker as it joins) is not yet listed
        const s = await busState().catch(() => null);
        return s && s.lastSeq >= 8 ? s : null;
      },
      10_000,
    );
    await c.restartNats(2_000);
    // every message, those published after the restart too, delivered to a worker and held there
    const resumed = await waitFor(
      "the workers' consumers delivering again",
      async () => {
        const s = await busState().catch(() => null);
        return s && s.lastSeq >= before.lastSeq + 8 && s.undelivered === 0 && s.unacked === s.messages ? s : null;
      },
      Math.max(5_000, outageFrom - Date.now()),
    ).catch((err) => {
      throw new Error(`${String(err)}\n${c.workers.map((w) => w.output().slice(-3000)).join("\n---\n")}`);
    });
    expect(resumed.messages).toBe(resumed.lastSeq);

    // the database crashes just after the minute ends, and stays away past its lateness and a flush
    await sleepUntil(outageFrom);
    await db.crash();
    await sending;
    flows.close();
    // until the workers tried and failed: the known hosts' minute to the store, the new hosts' devices
    const logged = (text: string) => c.workers.some((w) => w.output().includes(text));
    const tried = () => ({ store: logged("storing telemetry failed; will retry"), resolve: logged("could not resolve device; its telemetry waits for the next flush") });
    await waitFor("the workers to fail storing the minute", () => tried().store && tried().resolve, Math.max(0, outageFrom + MAX_OUTAGE_MS - Date.now())).catch(() => undefined);
    const during = await busState();
    const triedDuring = tried();
    await db.restart();
    // nothing committed, so nothing acknowledged: the work queue still holds every message ever published
    expect(during.messages).toBe(during.lastSeq);
    expect(during.lastSeq).toBeGreaterThan(resumed.lastSeq);
    // although the workers did try meanwhile
    expect(triedDuring).toEqual({ store: true, resolve: true });

    const stored = await flows.storedMinutes(db.prisma, 40_000).catch((err) => {
      throw new Error(`${String(err)}\n${c.workers.map((w) => w.output().slice(-3000)).join("\n---\n")}`);
    });
    // every message acknowledged once its minute was committed: the work queue is empty
    await waitFor("every message acknowledged", async () => (await busState()).messages === 0, 20_000);
    expect(await flows.lostAndDoubled(db.prisma)).toEqual({ lost: [], doubled: [] });
    expect(stored.every((r) => r.bytesOut === flows.sent.get(r.device.name)!.bytes)).toBe(true);
    expect(flows.sent.get(HOSTS[0]!)!.flows).toBeGreaterThan(20);
    // and the merged sample (what detection and the charts read) is there once per host-minute
    expect(await db.prisma.metricSample.count({ where: { ts: new Date(plan.flowMinute), device: { name: { in: HOSTS } } } })).toBe(HOSTS.length);
    // the outage was shorter than the leases: both workers still run
    expect(c.workers.map((w) => w.proc.exitCode)).toEqual([null, null]);
  });
});
