// Distributed-mode benchmark (not a test): for each worker count, a fresh cluster on this machine —
// Debian's nats-server, one collector process, N worker processes, an embedded Postgres — is fed
// NetFlow v5 over UDP for `--devices` internal hosts behind `--exporters` exporters at `--rate`
// records/s for `--minutes` whole minutes, and the product's full path is measured: decode → bus →
// partitioned rollup → store (+ detection) in Postgres.
//
//   npm run bench:cluster -- --devices 10000 --workers 1,2,3 [--rate 20000] [--minutes 2] [--json OUT]
//
// Printed per run: device-minutes stored per second (one minute of every device, from its first row in
// the database to its last), flow records/s accepted by the collector, lost and duplicated
// device-minutes (each host-minute's stored flow count against what was sent), p95 delay from a minute's
// end (its last flows' arrival) to its device-minutes in the database (the lateness allowance, 5 s,
// included; alerts are written in the same pass, but none are expected: no baselines are trained),
// peak RSS per worker; and storage per device-day from the run's tables. As in the integration test,
// the exporters' clocks are set behind so that a minute ends when sending starts (module comment of
// tests/integration/cluster/worker-takeover.test.ts), so no run waits for the wall clock's minute.
import dgram from "node:dgram";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { ensureDatabase, freePort, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrateDeploy } from "@/lib/db/migrate";
import { partitionSizes } from "@/lib/db/partition-queries";
import { createLogger } from "@/lib/log";
import { encodeNetflowV5 } from "@/lib/telemetry/netflow/encode-netflow-v5";
import type { FlowExportRecord } from "@/lib/telemetry/netflow/flow-export-record";
import { startNats, startTidewatch, type Running } from "./lib/local-cluster";

const MINUTE = 60_000;
const LATENESS_SLACK_MS = 5_000;
const log = createLogger("bench-cluster");
const { values } = parseArgs({
  options: {
    devices: { type: "string", default: "10000" },
    workers: { type: "string", default: "1,2,3" },
    rate: { type: "string", default: "20000" },
    minutes: { type: "string", default: "2" },
    exporters: { type: "string", default: "50" },
    partitions: { type: "string", default: "16" },
    json: { type: "string" },
    /** Directory to write each process's output to (collector, workers, nats-server). */
    logs: { type: "string" },
  },
});
const DEVICES = Number(values.devices);
const RATE = Number(values.rate);
const MINUTES = Math.max(1, Number(values.minutes));
const EXPORTERS = Math.max(1, Number(values.exporters));
const PARTITIONS = Number(values.partitions);
const WORKER_COUNTS = values.workers!.split(",").map(Number);

const hostOf = (i: number) => `10.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
const exporterOf = (e: number) => `127.1.${Math.floor(e / 250)}.${(e % 250) + 1}`;

interface RunFigures {
  workers: number;
  deviceMinutesPerSec: number;
  recordsPerSec: number;
  recordsSent: number;
  recordsAccepted: number;
  lostDeviceMinutes: number;
  duplicatedDeviceMinutes: number;
  p95DelayMs: number;
  rssMbPerWorker: number;
  rssMbMaxWorker: number;
  bytesPerDeviceDay: number;
}

async function metricTotal(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) if (line.startsWith(name)) sum += Number(line.split(" ").pop());
  return sum;
}

async function runOnce(workers: number, pgCluster: Awaited<ReturnType<typeof startEmbeddedPostgres>>, tmp: string): Promise<RunFigures> {
  const dbName = `bench_cluster_${workers}_${Date.now().toString(36)}`;
  await ensureDatabase(pgCluster, dbName);
  const url = pgCluster.url(dbName);
  await migrateDeploy(url);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // the hosts and exporters as discovery would have added them (one insert each, minutes at 10,000
  // devices on this machine): the runs measure a known network, not its first sight
  await pool.query(
    `INSERT INTO devices (name, management_ip, role, site, tags, status, discovered_via, created_at, updated_at)
     SELECT a, a, 'unknown', 'unknown', ARRAY[]::text[], 'discovered', 'netflow', now(), now() FROM unnest($1::text[]) a`,
    [[...Array.from({ length: DEVICES }, (_, i) => hostOf(i)), ...Array.from({ length: EXPORTERS }, (_, e) => exporterOf(e))]],
  );
  const nats = await startNats(path.join(tmp, `js-${workers}`));
  const procs: Running[] = [];
  try {
    const netflowPort = await freePort();
    const collectorMetrics = await freePort();
    // the first whole minute starts when sending does; workers must be up by then
    const launchedAt = Date.now();
    let sendAt = launchedAt + 30_000 + workers * 10_000;
    const skew = sendAt % MINUTE;
    const lateness = skew + LATENESS_SLACK_MS;
    const common = {
      DATABASE_URL: url,
      TIDEWATCH_BUS: nats.url,
      BUS_PARTITIONS: String(PARTITIONS),
      SIMULATE: "0",
      INTERNAL_SUBNETS: "10.0.0.0/8",
      LOG_LEVEL: "warn",
      DISCOVERY_MAX_NEW_DEVICES_PER_HOUR: String(DEVICES * 2 + EXPORTERS),
    };
    procs.push(
      startTidewatch("collector", "workers/cluster/collector-main.ts", {
        ...common,
        COLLECTORS: "netflow",
        NETFLOW_PORT: String(netflowPort),
        COLLECTOR_HOST: "0.0.0.0",
        WORKER_METRICS_PORT: String(collectorMetrics),
      }),
    );
    const workerProcs: Running[] = [];
    for (let i = 0; i < workers; i++) {
      workerProcs.push(startTidewatch(`worker-${i + 1}`, "workers/main.ts", { ...common, WORKER_METRICS_PORT: "0", ROLLUP_LATENESS_SEC: String(lateness / 1000) }));
    }
    procs.push(...workerProcs);
    for (;;) {
      const res = await pool.query<{ n: number; holders: number }>(
        "SELECT count(*)::int AS n, count(DISTINCT holder)::int AS holders FROM cluster_leases WHERE name LIKE 'partition:%' AND expires_at > now()",
      );
      if (res.rows[0]!.n === PARTITIONS && res.rows[0]!.holders === workers) break;
      if (Date.now() > sendAt - 1_000) sendAt += MINUTE; // startup slower than planned: the next minute
      await new Promise((r) => setTimeout(r, 500));
    }
    log.info("cluster up", { workers, startupMs: Date.now() - launchedAt });
    while (Date.now() < sendAt) await new Promise((r) => setTimeout(r, 50));

    // flow-minute k (exporter clock) = real [sendAt + k min, sendAt + (k+1) min)
    const firstMinute = sendAt - skew;
    const sent = Array.from({ length: MINUTES }, () => new Uint32Array(DEVICES));
    const sockets = await Promise.all(
      Array.from({ length: EXPORTERS }, async (_, e) => {
        const s = dgram.createSocket("udp4");
        await new Promise<void>((r) => s.bind(0, exporterOf(e), () => r()));
        return s;
      }),
    );
    const sequences = new Uint32Array(EXPORTERS);
    const stored: { first: number; complete: number; p95: number }[] = [];
    const expectedPerMinute = DEVICES + EXPORTERS;
    // progress of each minute in the database, polled
    let polling = true;
    const poller = (async () => {
      for (let k = 0; k < MINUTES && polling; k++) {
        const ts = new Date(firstMinute + k * MINUTE);
        const endReal = sendAt + (k + 1) * MINUTE;
        let first = 0;
        let p95 = 0;
        for (;;) {
          const n = (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM metric_samples WHERE ts = $1", [ts])).rows[0]!.n;
          const now = Date.now();
          if (n > 0 && !first) first = now;
          if (n >= 0.95 * expectedPerMinute && !p95) p95 = now - endReal;
          if (n >= expectedPerMinute) {
            stored.push({ first, complete: now, p95 });
            break;
          }
          if (now > endReal + lateness + 5 * MINUTE || !polling) {
            stored.push({ first, complete: now, p95: p95 || now - endReal });
            break;
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    })();

    let device = 0;
    let sentRecords = 0;
    const sendEnd = sendAt + MINUTES * MINUTE;
    let last = Date.now();
    while (Date.now() < sendEnd - 100) {
      await new Promise((r) => setTimeout(r, 50));
      const now = Date.now();
      const due = Math.round((RATE * (now - last)) / 1000);
      last = now;
      const k = Math.floor((now - sendAt) / MINUTE);
      if (k >= MINUTES) break;
      const flowNow = Math.min(now - skew, firstMinute + (k + 1) * MINUTE - 1);
      const perExporter: FlowExportRecord[][] = Array.from({ length: EXPORTERS }, () => []);
      for (let i = 0; i < due; i++) {
        const d = device;
        device = (device + 1) % DEVICES;
        perExporter[d % EXPORTERS]!.push({
          srcAddr: hostOf(d),
          dstAddr: `198.51.100.${(i % 250) + 1}`,
          srcPort: 1024 + (i % 60000),
          dstPort: 443,
          protocol: 6,
          bytes: 1000,
          packets: 2,
          startMs: flowNow - 1000,
          endMs: flowNow,
        });
        sent[k]![d]! += 1;
      }
      for (let e = 0; e < EXPORTERS; e++) {
        const records = perExporter[e]!;
        if (records.length === 0) continue;
        const { datagrams, nextSequence } = encodeNetflowV5(records, { exportMs: flowNow, sequence: sequences[e]! });
        sequences[e] = nextSequence;
        for (const dg of datagrams) sockets[e]!.send(dg, netflowPort, "127.0.0.1");
        sentRecords += records.length;
      }
    }
    const sendSeconds = (Date.now() - sendAt) / 1000;
    await new Promise((r) => setTimeout(r, 500));
    const accepted = await metricTotal(collectorMetrics, "tidewatch_flow_records_total");
    for (const s of sockets) s.close();
    await poller;
    polling = false;
    const rss = workerProcs.map((w) => w.peakRssMb() ?? 0);

    // every host-minute against what was sent
    const rows = await pool.query<{ name: string; ts: Date; flows: number }>(
      "SELECT d.name, f.ts, f.flows FROM flow_rollups f JOIN devices d ON d.id = f.device_id WHERE f.ts >= $1 AND d.name LIKE '10.%'",
      [new Date(firstMinute)],
    );
    const got = new Map<string, number>();
    for (const r of rows.rows) got.set(`${r.name}|${r.ts.getTime()}`, r.flows);
    let lost = 0;
    let doubled = 0;
    for (let k = 0; k < MINUTES; k++) {
      for (let d = 0; d < DEVICES; d++) {
        const want = sent[k]![d]!;
        if (want === 0) continue;
        const have = got.get(`${hostOf(d)}|${firstMinute + k * MINUTE}`) ?? 0;
        if (have < want) lost += 1;
        else if (have > want) doubled += 1;
      }
    }
    const storedMinutes = (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM metric_samples")).rows[0]!.n;
    // the partitions that hold the run's rows (the maintainer also makes empty ones for the days ahead)
    await pool.query("ANALYZE metric_samples, flow_rollups, metric_samples_hourly");
    const sizes = await partitionSizes(pool);
    const telemetryBytes = sizes
      .filter((s) => s.rows > 0 && ["metric_samples", "flow_rollups", "metric_samples_hourly"].includes(s.table))
      .reduce((n, s) => n + s.bytes, 0);
    // the first minute also discovers every device: judge speed on the later minutes when there are some
    const timed = stored.length > 1 ? stored.slice(1) : stored;
    const perSec = timed.map((s) => expectedPerMinute / Math.max(0.2, (s.complete - s.first) / 1000));
    const figures: RunFigures = {
      workers,
      deviceMinutesPerSec: Math.round(Math.min(...perSec)),
      recordsPerSec: Math.round(accepted / sendSeconds),
      recordsSent: sentRecords,
      recordsAccepted: accepted,
      lostDeviceMinutes: lost,
      duplicatedDeviceMinutes: doubled,
      p95DelayMs: Math.max(...timed.map((s) => s.p95)),
      rssMbPerWorker: Math.round(rss.reduce((a, b) => a + b, 0) / rss.length),
      rssMbMaxWorker: Math.round(Math.max(...rss)),
      bytesPerDeviceDay: Math.round((telemetryBytes / Math.max(1, storedMinutes)) * 1440),
    };
    log.info("run done", { ...figures });
    return figures;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    if (values.logs) {
      fs.mkdirSync(values.logs, { recursive: true });
      for (const p of [...procs, nats]) fs.writeFileSync(path.join(values.logs, `w${workers}-${p.name}.log`), p.output());
    }
    await nats.stop();
    await pool.end();
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-bench-cluster-"));
fs.chmodSync(tmp, 0o755); // the embedded Postgres runs as user postgres when started by root
const pgDir = path.join(tmp, "pg");
const pgCluster = await startEmbeddedPostgres({ dataDir: pgDir, password: "bench", log: log.child("postgres") });
const runs: RunFigures[] = [];
try {
  for (const n of WORKER_COUNTS) runs.push(await runOnce(n, pgCluster, tmp));
} finally {
  await pgCluster.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}

console.log(`\nbench:cluster — ${DEVICES} devices behind ${EXPORTERS} exporters, ${RATE} NetFlow v5 records/s offered for ${MINUTES} min, ${PARTITIONS} partitions, ${os.cpus().length} cores`);
console.log("workers  device-min/s  records/s accepted (sent)  lost  doubled  p95 delay  RSS/worker (max)  bytes/device-day");
for (const r of runs) {
  console.log(
    `${String(r.workers).padStart(7)}  ${String(r.deviceMinutesPerSec).padStart(12)}  ${String(r.recordsPerSec).padStart(8)} (${r.recordsAccepted}/${r.recordsSent})`.padEnd(52) +
      `${String(r.lostDeviceMinutes).padStart(4)}  ${String(r.duplicatedDeviceMinutes).padStart(7)}  ${(r.p95DelayMs / 1000).toFixed(1).padStart(7)} s  ${String(r.rssMbPerWorker).padStart(6)} MB (${r.rssMbMaxWorker})  ${r.bytesPerDeviceDay}`,
  );
}
if (values.json) {
  const bytesPerDeviceDay = runs.length > 0 ? runs[runs.length - 1]!.bytesPerDeviceDay : 0;
  fs.writeFileSync(values.json, JSON.stringify({ runs: runs.map(({ bytesPerDeviceDay: _b, ...r }) => r), bytesPerDeviceDay }, null, 2));
  console.log(`written to ${values.json}`);
}
