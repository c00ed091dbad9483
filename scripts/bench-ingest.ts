// NetFlow ingest benchmark (not a test): runs the collector in this process with a sink that only
// counts records, and drives it from a separate child process that sends NetFlow v5 (30 records per
// datagram) and v9 (30 records per datagram, templates every 64 datagrams) at increasing offered
// rates over loopback. Reports per rate: offered and accepted records/s, loss, the collector
// process's CPU and RSS. When nfcapd (Debian package nfdump) is installed, the same stream is sent
// to it as well (records counted with `nfdump -I`) and the ratio of accepted rates is printed.
//
//   node --import tsx scripts/bench-ingest.ts [--rates 100000,250000,500000,1000000] [--seconds 5]
//                                             [--versions 5,9] [--no-nfcapd]
import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createLogger } from "@/lib/log";
import { encodeNetflowV5 } from "@/lib/telemetry/netflow/encode-netflow-v5";
import { encodeNetflowV9 } from "@/lib/telemetry/netflow/encode-netflow-v9";
import type { FlowExportRecord } from "@/lib/telemetry/netflow/flow-export-record";
import { netflowConfigSchema, startNetflowCollector } from "@/workers/collectors/netflow-collector";

const RECORDS_PER_DATAGRAM = 30;
const POOL_DATAGRAMS = 2048;
const TEMPLATE_EVERY = 64;
const SOCKET_BUFFER = 32 * 1024 * 1024;

type Version = 5 | 9;

interface RunRequest {
  version: Version;
  recordsPerSec: number;
  seconds: number;
  port: number;
}

interface RunReport {
  datagrams: number;
  records: number;
  seconds: number;
  sendErrors: number;
}

// ---------------------------------------------------------------------------------------------
// Sender (child process)

function flows(count: number, exportMs: number): FlowExportRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    srcAddr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    dstAddr: `172.16.${(i * 7) & 255}.${(i * 13) & 255}`,
    srcPort: 1024 + (i % 60000),
    dstPort: [443, 80, 53, 22][i % 4]!,
    protocol: i % 4 === 2 ? 17 : 6,
    bytes: 64 + ((i * 7919) % 150_000),
    packets: 1 + (i % 100),
    startMs: exportMs - 30_000,
    endMs: exportMs - 1000,
    tcpFlags: i % 4 === 2 ? 0 : 0x1b,
    inputIf: 1 + (i % 4),
    outputIf: 5 + (i % 4),
  }));
}

/** Pre-encoded datagrams, and where each one's header sequence number lives. */
function buildPool(version: Version): { datagrams: Buffer[]; sequenceOffset: number; sequenceStep: number } {
  const exportMs = Date.now();
  const all = flows(POOL_DATAGRAMS * RECORDS_PER_DATAGRAM, exportMs);
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
  const pool = buildPool(req.version);
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
  return { datagrams: sent, records: sent * RECORDS_PER_DATAGRAM, seconds, sendErrors };
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
        child.once("message", (m) => resolve(m as RunReport));
        child.once("exit", (code) => reject(new Error(`sender exited (${code})`)));
        child.send(req);
      }),
  };
}

/** Seconds of CPU (user + system) and RSS of another process, from /proc. */
function procUsage(pid: number): { cpuSec: number; rssMb: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  const hz = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  return { cpuSec: ticks / hz, rssMb: rssKb / 1024 };
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
      const report = await sender.run({ version, recordsPerSec: rate, seconds, port: collector.ports.udp });
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
    const report = await sender.run({ version, recordsPerSec: rate, seconds, port });
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
  const nfcapd = process.argv.includes("--no-nfcapd") ? null : which("nfcapd");
  const nfdump = which("nfdump");
  const sender = startSender();
  const k = (n: number) => `${Math.round(n / 1000).toLocaleString("en")}k`;
  const rows: string[] = [];
  try {
    for (const version of versions) {
      const ours = await benchOurs(sender, version, rates, seconds);
      for (let i = 0; i < rates.length; i++) {
        const o = ours[i]!;
        let ref: Measured | null = null;
        if (nfcapd && nfdump) ref = await benchNfcapd(sender, nfcapd, nfdump, version, rates[i]!, seconds);
        const cells = [
          `v${version}`,
          k(o.offered),
          k(o.accepted),
          `${o.lossPct.toFixed(2)}%`,
          `${o.cpuPct.toFixed(0)}%`,
          `${(o.gcPct ?? 0).toFixed(0)}%`,
          o.rssMb.toFixed(0),
        ];
        if (nfcapd) {
          cells.push(
            ref ? k(ref.accepted) : "-",
            ref ? `${ref.lossPct.toFixed(2)}%` : "-",
            ref ? `${ref.cpuPct.toFixed(0)}%` : "-",
            ref ? (o.accepted / ref.accepted).toFixed(2) : "-",
          );
        }
        rows.push(`| ${cells.join(" | ")} |`);
        process.stderr.write(`done: v${version} @ ${k(rates[i]!)} rec/s\n`);
      }
    }
  } finally {
    sender.child.send("exit");
  }
  const header = ["version", "offered rec/s", "accepted rec/s", "loss", "CPU (collector)", "GC", "RSS MB"];
  if (nfcapd) header.push("nfcapd accepted rec/s", "nfcapd loss", "nfcapd CPU", "ours / nfcapd");
  console.log(`\nNetFlow ingest, ${seconds} s per rate, ${RECORDS_PER_DATAGRAM} records/datagram, loopback, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}`);
  console.log(`receive buffer requested ${SOCKET_BUFFER / 1024 / 1024} MiB (kernel rmem_max ${fs.readFileSync("/proc/sys/net/core/rmem_max", "utf8").trim()} bytes)\n`);
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const row of rows) console.log(row);
  if (!nfcapd) console.log("\n(nfcapd not installed or --no-nfcapd: no reference run)");
}

if (!process.argv.includes("--sender")) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
