// NetFlow ingest benchmark (not a test). A child process sends NetFlow v5 (30 records per datagram)
// and v9 (30 records per datagram, templates every 64 datagrams) at increasing offered rates over
// loopback, from 1,000 internal hosts (10.<run>.x.y) towards external peers. Per rate it measures:
//
// - whole path (the product): a real worker process (`workers/main.ts`: NetFlow collector, fast path,
//   TelemetryRouter with the flow rollup, detection pipeline, storage) against a real PostgreSQL (the
//   embedded one, migrated). Accepted = flow records counted in the stored per-device-minute rows
//   (sum of `flow_rollups.flows` over the run's 1,000 hosts: each run has its own 10.<run>.0.0/16
//   range, so the rows are tied to the records that run sent). Worker CPU and peak RSS from /proc.
// - decoder only (a partial figure): the collector in this process with a sink that only counts
//   records; no rollup, no storage, no detection.
// - nfcapd (Debian package nfdump), when installed: the same stream, records counted with `nfdump -I`;
//   each line's ratio is to nfcapd's accepted rate at the same offered rate.
//
//   node --import tsx scripts/bench-ingest.ts [--rates 100000,250000,500000,1000000] [--seconds 5]
//                                             [--versions 5,9] [--path whole,decoder] [--no-nfcapd]
import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createPrismaClient } from "@/lib/db/client";
import { ensureDatabase, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrateDeploy } from "@/lib/db/migrate";
import { createLogger } from "@/lib/log";
import { encodeNetflowV5 } from "@/lib/telemetry/netflow/encode-netflow-v5";
import { encodeNetflowV9 } from "@/lib/telemetry/netflow/encode-netflow-v9";
import type { FlowExportRecord } from "@/lib/telemetry/netflow/flow-export-record";
import { netflowConfigSchema, startNetflowCollector } from "@/workers/collectors/netflow-collector";
import { startFloodWorker, type FloodWorker } from "./lib/flood-to-alert";

const RECORDS_PER_DATAGRAM = 30;
const POOL_DATAGRAMS = 2048;
const TEMPLATE_EVERY = 64;
const SOCKET_BUFFER = 32 * 1024 * 1024;
/** Distinct internal hosts in each run's flows, so the rollup and the storage do real per-device work. */
const HOSTS = 1000;
/** The worker's lateness allowance: longer than a run, so a run's records are never refused as late. */
const LATENESS_SEC = 30;

type Version = 5 | 9;

interface RunRequest {
  version: Version;
  recordsPerSec: number;
  seconds: number;
  port: number;
  /** Second octet of the run's hosts (10.<hostBase>.x.y). */
  hostBase: number;
}

interface RunReport {
  /** The minute (epoch ms) all of the run's flows lie in. */
  flowMinute: number;
  datagrams: number;
  records: number;
  seconds: number;
  sendErrors: number;
}

// ---------------------------------------------------------------------------------------------
// Sender (child process)

/**
 * The minute a run's flows are dated in. Every flow starts 1 s and ends 30 s into it, so none straddles
 * a minute boundary (which would double the rollup's work for half the runs, as wall-clock-timed
 * flows did) and runs compare fairly. The current minute while the run ends well within the worker's
 * lateness allowance after it, else the next one (a little in the future, well within the collector's
 * clock-skew window).
 */
function flowMinuteFor(seconds: number): number {
  const now = Date.now();
  const minute = Math.floor(now / 60_000) * 60_000;
  return now + seconds * 1000 + 10_000 < minute + 60_000 + LATENESS_SEC * 1000 ? minute : minute + 60_000;
}

function flows(count: number, flowMinute: number, hostBase: number): FlowExportRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    srcAddr: `10.${hostBase}.${((i % HOSTS) >> 8) & 255}.${(i % HOSTS) & 255}`,
    dstAddr: `198.51.${(i * 7) & 255}.${(i * 13) & 255}`,
    srcPort: 1024 + (i % 60000),
    dstPort: [443, 80, 53, 22][i % 4]!,
    protocol: i % 4 === 2 ? 17 : 6,
    bytes: 64 + ((i * 7919) % 150_000),
    packets: 1 + (i % 100),
    startMs: flowMinute + 1_000,
    endMs: flowMinute + 30_000,
    tcpFlags: i % 4 === 2 ? 0 : 0x1b,
    inputIf: 1 + (i % 4),
    outputIf: 5 + (i % 4),
  }));
}

/** Pre-encoded datagrams, and where each one's header sequence number lives. */
function buildPool(version: Version, hostBase: number, flowMinute: number): { datagrams: Buffer[]; sequenceOffset: number; sequenceStep: number } {
  const exportMs = flowMinute + 31_000;
  const all = flows(POOL_DATAGRAMS * RECORDS_PER_DATAGRAM, flowMinute, hostBase);
  const datagrams: Buffer[] = [];
  for (let i = 0; i < POOL_DATAGRAMS; i++) {
    const chunk = all.slice(i * RECORDS_PER_DATAGRAM, (i + 1) * RECORDS_PER_DATAGRAM);
    const encoded =
      version === 5
        ? encodeNetflowV5(chunk, { exportMs })
        : encodeNetflowV9(chunk, { exportMs, templates: i % TEMPLATE_EVERY === 0 ? "first" : "none", maxDatagramBytes: 1500 });
    if (encoded.datagrams.length !== 1) throw new Error("expected one datagram per chunk");
    datagrams.push(encoded.datagrams[0]!);
  }
  return { datagrams, sequenceOffset: version === 5 ? 16 : 12, sequenceStep: version === 5 ? RECORDS_PER_DATAGRAM : 1 };
}

async function runSender(req: RunRequest): Promise<RunReport> {
  const flowMinute = flowMinuteFor(req.seconds);
  const pool = buildPool(req.version, req.hostBase, flowMinute);
  const socket = dgram.createSocket({ type: "udp4", sendBufferSize: 4 * 1024 * 1024 });
  let sendErrors = 0;
  socket.on("error", () => sendErrors++);
  await new Promise<void>((resolve) => socket.connect(req.port, "127.0.0.1", resolve));
  const datagramsPerSec = req.recordsPerSec / RECORDS_PER_DATAGRAM;
  const total = Math.round(datagramsPerSec * req.seconds);
  let sent = 0;
  let sequence = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * datagramsPerSec));
      let burst = 0;
      while (sent < due && burst < 1000) {
        // A fresh copy per datagram (the socket may still hold the previous one), with a real,
        // increasing sequence number so the collector's loss estimate is meaningful.
        const d = Buffer.from(pool.datagrams[sent % POOL_DATAGRAMS]!);
        d.writeUInt32BE(sequence >>> 0, pool.sequenceOffset);
        sequence += pool.sequenceStep;
        socket.send(d);
        sent++;
        burst++;
      }
      // Caught up: sleep rather than spin, leaving the CPU to the collector under test.
      if (sent >= total) resolve();
      else if (sent >= due) setTimeout(tick, 1);
      else setImmediate(tick);
    };
    tick();
  });
  const seconds = (performance.now() - started) / 1000;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return { flowMinute, datagrams: sent, records: sent * RECORDS_PER_DATAGRAM, seconds, sendErrors };
}

if (process.argv.includes("--sender")) {
  process.on("message", (msg: RunRequest | "exit") => {
    if (msg === "exit") process.exit(0);
    void runSender(msg).then((report) => process.send!(report));
  });
}

// ---------------------------------------------------------------------------------------------
// Driver (parent process)

interface Measured {
  offered: number;
  accepted: number;
  lossPct: number;
  cpuPct: number;
  rssMb: number;
  /** Share of wall time spent in garbage-collection pauses (ours only). */
  gcPct?: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function which(tool: string): string | null {
  for (const dir of [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/bin"]) {
    const candidate = path.join(dir, tool);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startSender(): { child: ChildProcess; run: (req: RunRequest) => Promise<RunReport> } {
  const child = fork(fileURLToPath(import.meta.url), ["--sender"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return {
    child,
    run: (req) =>
      new Promise((resolve, reject) => {
        const exited = (code: number | null) => reject(new Error(`sender exited (${code})`));
        child.once("exit", exited);
        child.once("message", (m) => {
          child.off("exit", exited);
          resolve(m as RunReport);
        });
        child.send(req);
      }),
  };
}

let clockTicks: number | undefined;

/** Seconds of CPU (user + system) and RSS of another process, from /proc. */
function procUsage(pid: number): { cpuSec: number; rssMb: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  clockTicks ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  return { cpuSec: ticks / clockTicks, rssMb: rssKb / 1024 };
}

async function benchOurs(sender: ReturnType<typeof startSender>, version: Version, rates: number[], seconds: number): Promise<Measured[]> {
  let records = 0;
  const collector = await startNetflowCollector({
    config: netflowConfigSchema.parse({ port: 0, host: "127.0.0.1", recvBufferBytes: SOCKET_BUFFER }),
    sink: {
      flows: (r) => {
        records += r.length;
      },
      syslog: () => undefined,
      deviceMetrics: () => undefined,
      deviceReachability: () => undefined,
    },
    log: createLogger("bench:netflow", { level: "warn" }),
    now: () => Date.now(),
  });
  const out: Measured[] = [];
  try {
    for (const rate of rates) {
      await sleep(300);
      const before = records;
      let peakRss = process.memoryUsage().rss;
      const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
      let gcMs = 0;
      const gc = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) gcMs += entry.duration;
      });
      gc.observe({ entryTypes: ["gc"] });
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const report = await sender.run({ version, recordsPerSec: rate, seconds, port: collector.ports.udp, hostBase: 1 });
      await sleep(300); // drain what is still in the socket buffer
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      clearInterval(rssTimer);
      gc.disconnect();

      const accepted = records - before;
      out.push({
        offered: report.records / report.seconds,
        accepted: accepted / report.seconds,
        lossPct: (100 * (report.records - accepted)) / report.records,
        cpuPct: (100 * (cpu.user + cpu.system)) / 1e6 / wall,
        rssMb: peakRss / 1024 / 1024,
        gcPct: gcMs / 10 / wall,
      });
    }
  } finally {
    await collector.stop();
  }
  return out;
}

/** The product's path: embedded PostgreSQL (migrated) and one real worker process on it. */
interface WholePath {
  worker: FloodWorker;
  pool: pg.Pool;
  /** Sums of the worker's /metrics series per name (labels joined into the key after a space). */
  metrics(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

async function startWholePath(): Promise<WholePath> {
  const log = createLogger("bench:ingest", { level: "warn" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-bench-ingest-"));
  fs.chmodSync(dir, 0o755);
  const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "bench-only-password", log });
  let prisma: ReturnType<typeof createPrismaClient> | undefined;
  let worker: FloodWorker | undefined;
  const stop = async () => {
    await worker?.stop();
    await prisma?.$disconnect();
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ensureDatabase(cluster, "bench");
    await migrateDeploy(cluster.url("bench"));
    prisma = createPrismaClient(cluster.url("bench"), 2);
    worker = await startFloodWorker(prisma, cluster.url("bench"), {
      // every run brings 1,000 hosts never seen before (the default admits 1,000 new devices an hour)
      DISCOVERY_MAX_NEW_DEVICES_PER_HOUR: "1000000",
      ROLLUP_LATENESS_SEC: String(LATENESS_SEC),
    });
    const pool = new pg.Pool({ connectionString: cluster.url("bench"), max: 2 });
    const { rows } = await pool.query<{ port: number }>("SELECT (info->>'metricsPort')::int AS port FROM worker_heartbeats WHERE (info->>'pid')::int = $1", [worker.pid]);
    const metricsPort = rows[0]?.port;
    return {
      worker,
      pool,
      metrics: async () => {
        const out = new Map<string, number>();
        if (!metricsPort) return out;
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        for (const m of text.matchAll(/^(tidewatch_[a-z_]+)(\{[^}]*\})? (\S+)$/gm)) {
          for (const key of [m[1]!, `${m[1]} ${m[2] ?? ""}`]) out.set(key, (out.get(key) ?? 0) + Number(m[3]));
        }
        return out;
      },
      stop: async () => {
        await pool.end();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

interface WholeRun {
  hostBase: number;
  sent: number;
  seconds: number;
  offered: number;
  cpuPct: number;
  rssMb: number;
  /** When the run ended and the minute its flows lie in: its rows are flushed once both are past the lateness allowance. */
  endedAt: number;
  flowMinute: number;
}

async function runWhole(sender: ReturnType<typeof startSender>, whole: WholePath, version: Version, rate: number, seconds: number, hostBase: number): Promise<WholeRun> {
  const pid = whole.worker.pid;
  await sleep(300);
  let peakRss = procUsage(pid).rssMb;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, procUsage(pid).rssMb)), 200);
  const u0 = procUsage(pid);
  const t0 = performance.now();
  const report = await sender.run({ version, recordsPerSec: rate, seconds, port: whole.worker.netflowPort, hostBase });
  await sleep(300); // what is still in the socket buffer
  const wall = (performance.now() - t0) / 1000;
  const u1 = procUsage(pid);
  clearInterval(rssTimer);
  return {
    hostBase,
    sent: report.records,
    seconds: report.seconds,
    offered: report.records / report.seconds,
    cpuPct: (100 * (u1.cpuSec - u0.cpuSec)) / wall,
    rssMb: Math.max(peakRss, u1.rssMb),
    endedAt: Date.now(),
    flowMinute: report.flowMinute,
  };
}

/** Flow records counted in the stored per-device-minute rows of each run's hosts (10.<hostBase>.0.0/16). */
async function storedFlows(pool: pg.Pool, hostBases: number[]): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ base: number; flows: string }>(
    `SELECT split_part(d.management_ip, '.', 2)::int AS base, sum(f.flows)::bigint AS flows
       FROM flow_rollups f JOIN devices d ON d.id = f.device_id
      WHERE d.management_ip LIKE '10.%' AND split_part(d.management_ip, '.', 2)::int = ANY($1::int[])
      GROUP BY 1`,
    [hostBases],
  );
  return new Map(rows.map((r) => [r.base, Number(r.flows)]));
}

/** Waits until every run's minute is past the lateness allowance and flushed, and the stored sums stop moving. */
async function settle(pool: pg.Pool, runs: WholeRun[]): Promise<Map<number, number>> {
  const lastMinuteEnd = Math.max(...runs.map((r) => Math.max(Math.floor(r.endedAt / 60_000) * 60_000, r.flowMinute) + 60_000));
  const flushedBy = lastMinuteEnd + LATENESS_SEC * 1000 + 2 * 5_000; // two of the worker's 5 s flushes
  if (Date.now() < flushedBy) {
    process.stderr.write(`waiting ${Math.ceil((flushedBy - Date.now()) / 1000)} s for the worker to store the last minute ...\n`);
    await sleep(flushedBy - Date.now());
  }
  // Storing a minute of 1,000 new hosts per run takes the busy worker several seconds each: a run
  // with nothing stored yet is not settled (until the deadline), and the sums must hold for 10 s.
  const bases = runs.map((r) => r.hostBase);
  let last = await storedFlows(pool, bases);
  let steady = 0;
  for (const until = Date.now() + 240_000; Date.now() < until; ) {
    await sleep(5_000);
    const now = await storedFlows(pool, bases);
    steady = bases.every((b) => (now.get(b) ?? 0) > 0 && now.get(b) === last.get(b)) ? steady + 1 : 0;
    if (steady >= 2) return now;
    last = now;
  }
  return last;
}

async function benchNfcapd(
  sender: ReturnType<typeof startSender>,
  nfcapd: string,
  nfdump: string,
  version: Version,
  rate: number,
  seconds: number,
): Promise<Measured> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-bench-nfcapd-"));
  const sock = dgram.createSocket("udp4");
  await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
  const port = sock.address().port;
  await new Promise<void>((r) => sock.close(() => r()));
  const child = spawn(nfcapd, ["-w", dir, "-p", String(port), "-b", "127.0.0.1", "-B", String(SOCKET_BUFFER)], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((r) => child.on("close", r));
  try {
    const deadline = Date.now() + 10_000;
    while (!/Startup/.test(log)) {
      if (Date.now() > deadline) throw new Error(`nfcapd did not start:\n${log}`);
      await sleep(20);
    }
    await sleep(300);
    const u0 = procUsage(child.pid!);
    const t0 = performance.now();
    const report = await sender.run({ version, recordsPerSec: rate, seconds, port, hostBase: 1 });
    await sleep(300);
    const wall = (performance.now() - t0) / 1000;
    const u1 = procUsage(child.pid!);
    child.kill("SIGTERM");
    await exited;
    const info = spawnSync(nfdump, ["-R", dir, "-I"], { encoding: "utf8" });
    const accepted = Number(/^Flows: (\d+)$/m.exec(info.stdout)?.[1] ?? NaN);
    return {
      offered: report.records / report.seconds,
      accepted: accepted / report.seconds,
      lossPct: (100 * (report.records - accepted)) / report.records,
      cpuPct: (100 * (u1.cpuSec - u0.cpuSec)) / wall,
      rssMb: u1.rssMb,
    };
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rates = (arg("rates") ?? "100000,250000,500000,1000000").split(",").map(Number);
  const seconds = Number(arg("seconds") ?? 5);
  const versions = (arg("versions") ?? "5,9").split(",").map(Number) as Version[];
  const paths = new Set((arg("path") ?? "whole,decoder").split(","));
  for (const p of paths) if (p !== "whole" && p !== "decoder") throw new Error(`--path: expected whole and/or decoder, got "${p}"`);
  const nfcapd = process.argv.includes("--no-nfcapd") ? null : which("nfcapd");
  const nfdump = which("nfdump");
  const k = (n: number) => `${Math.round(n / 1000).toLocaleString("en")}k`;
  const pct = (n: number) => `${n.toFixed(2)}%`;
  const started = new Date();
  const whole = paths.has("whole") ? await startWholePath() : null;
  const sender = startSender();
  type Row = { version: Version; rate: number; whole?: WholeRun; decoder?: Measured; ref?: Measured | null };
  const results: Row[] = [];
  let stored = new Map<number, number>();
  let drops = "";
  try {
    let hostBase = 100;
    for (const version of versions) {
      const decoder = paths.has("decoder") ? await benchOurs(sender, version, rates, seconds) : [];
      for (const [i, rate] of rates.entries()) {
        const row: Row = { version, rate, decoder: decoder[i] };
        if (whole) row.whole = await runWhole(sender, whole, version, rate, seconds, hostBase++);
        row.ref = nfcapd && nfdump ? await benchNfcapd(sender, nfcapd, nfdump, version, rate, seconds) : null;
        results.push(row);
        process.stderr.write(`done: v${version} @ ${k(rate)} rec/s\n`);
      }
    }
    const runs = results.flatMap((r) => (r.whole ? [r.whole] : []));
    if (whole && runs.length > 0) {
      stored = await settle(whole.pool, runs);
      // where the loss happens, over all runs: never decoded (socket overflow while the worker was busy)
      // or decoded and then not stored (the worker's drop counters say why)
      const metrics = await whole.metrics();
      const fmt = (n: number) => Math.round(n).toLocaleString("en");
      const sent = runs.reduce((n, r) => n + r.sent, 0);
      const storedTotal = runs.reduce((n, r) => n + (stored.get(r.hostBase) ?? 0), 0);
      const dropped = [...metrics.entries()]
        .filter(([key, n]) => /^tidewatch_collector_dropped_total \{/.test(key) && n > 0)
        .map(([key, n]) => `${key.slice(key.indexOf("{"))} ${fmt(n)}`);
      drops =
        `sent ${fmt(sent)}, decoded by the worker ${fmt(metrics.get("tidewatch_flow_records_total") ?? 0)}, ` +
        `stored ${fmt(storedTotal)}; drop counters: ${dropped.join(", ") || "none"}`;
    }
  } finally {
    sender.child.send("exit");
    await whole?.stop();
  }

  const header = ["version", "path", "offered rec/s", "accepted rec/s", "loss", "CPU (receiver)", "RSS MB"];
  if (nfcapd) header.push("nfcapd accepted rec/s", "nfcapd loss", "nfcapd CPU", "ratio to nfcapd");
  const lines: string[] = [];
  for (const r of results) {
    const ref = r.ref;
    const refCells = (accepted: number) =>
      nfcapd ? [ref ? k(ref.accepted) : "-", ref ? pct(ref.lossPct) : "-", ref ? `${ref.cpuPct.toFixed(0)}%` : "-", ref ? (accepted / ref.accepted).toFixed(2) : "-"] : [];
    if (r.whole) {
      const w = r.whole;
      const got = stored.get(w.hostBase) ?? 0;
      const accepted = got / w.seconds;
      lines.push(`| ${[`v${r.version}`, "whole (worker + Postgres)", k(w.offered), k(accepted), pct((100 * (w.sent - got)) / w.sent), `${w.cpuPct.toFixed(0)}%`, w.rssMb.toFixed(0), ...refCells(accepted)].join(" | ")} |`);
    }
    if (r.decoder) {
      const o = r.decoder;
      lines.push(`| ${[`v${r.version}`, "decoder only (partial)", k(o.offered), k(o.accepted), pct(o.lossPct), `${o.cpuPct.toFixed(0)}%`, o.rssMb.toFixed(0), ...refCells(o.accepted)].join(" | ")} |`);
    }
  }
  console.log(`\nNetFlow ingest, started ${started.toISOString()}, ${seconds} s per rate, ${RECORDS_PER_DATAGRAM} records/datagram from ${HOSTS.toLocaleString("en")} internal hosts, flows dated 1-30 s into one minute (none straddles a minute boundary), loopback, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}`);
  console.log(`receive buffer requested ${SOCKET_BUFFER / 1024 / 1024} MiB (kernel rmem_max ${fs.readFileSync("/proc/sys/net/core/rmem_max", "utf8").trim()} bytes)`);
  if (whole) console.log(`whole: accepted = flow records counted in the stored flow_rollups rows of the run's hosts; worker with ROLLUP_LATENESS_SEC=${LATENESS_SEC}, DISCOVERY_MAX_NEW_DEVICES_PER_HOUR=1000000`);
  if (paths.has("decoder")) console.log("decoder only: the collector in the benchmark's process, a sink that counts records (no rollup, storage or detection)");
  console.log(`\n| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const line of lines) console.log(line);
  if (whole) console.log(`\nwhole path, all runs: ${drops}`);
  if (!nfcapd) console.log("\n(nfcapd not installed or --no-nfcapd: no reference run)");
}

if (!process.argv.includes("--sender")) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
