// Hostile input against the real worker: each flood section starts `workers/main.ts` as its own
// process (simulator off, collectors on loopback, a fresh database on an embedded Postgres), samples
// the worker's RSS from /proc while it sends the flood and while the worker digests it, then reads
// what the worker counted from its /metrics and what it added to the inventory from Postgres.
// Prints one row per section: RSS growth (peak and at the end), devices added, records counted as
// dropped, budget evictions, and the target.
//
// Adding a flood: append a FloodSection to SECTIONS (a name, an optional target, and `run`, which
// sends through the context and returns what it sent; whatever else it wants to report goes in
// `notes`). Sections that need the web app can start it themselves from `ctx.databaseUrl`.
//
// Usage: npm run bench:hostile [-- --only "templates"] [--keep]
import { spawn, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { ensureDatabase, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrateDeploy } from "@/lib/db/migrate";
import { createLogger } from "@/lib/log";
import { loginFloodFigures, slowStreamFigures } from "./lib/bench-web";
import { forgedExporter, futureDatedV5, sendFrom, spoofedHostsV5, v9TemplateFlood } from "@/tests/integration/netflow/hostile-traffic";

const MB = 1024 * 1024;

export interface FloodContext {
  ports: { netflow: number; syslog: number; metrics: number };
  databaseUrl: string;
  /** The worker's /metrics, parsed: value of `name` summed over series whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Resolves once the worker has received `n` more flow datagrams than when the section started (or after `timeoutMs`). */
  flowDatagramsReceived(n: number, timeoutMs?: number): Promise<number>;
}

export interface FloodSection {
  name: string;
  /** What the RSS growth should stay under, e.g. 150 (MB). */
  targetMb?: number;
  /** Extra worker environment for this section. */
  env?: Record<string, string>;
  run(ctx: FloodContext): Promise<{ sent: string; notes?: string }>;
}

export const SECTIONS: FloodSection[] = [
  {
    name: "4,000 future-dated NetFlow v5 datagrams (export clock 2096, 120,000 records)",
    targetMb: 150,
    async run(ctx) {
      const flood = futureDatedV5(4000);
      for (let i = 0; i < flood.length; i += 500) {
        await sendFrom("127.0.0.9", ctx.ports.netflow, flood.slice(i, i + 500));
        await ctx.flowDatagramsReceived(i + 500, 5_000);
      }
      return { sent: `${(flood.reduce((n, d) => n + d.length, 0) / MB).toFixed(1)} MB from one source` };
    },
  },
  {
    name: "v9 templates: 100 exporters × 4,096 templates",
    targetMb: 150,
    async run(ctx) {
      let sent = 0;
      let bytes = 0;
      for (let e = 0; e < 100; e++) {
        const flood = v9TemplateFlood(4096, e, Date.now());
        await sendFrom(forgedExporter(e), ctx.ports.netflow, flood);
        sent += flood.length;
        bytes += flood.reduce((n, d) => n + d.length, 0);
        await ctx.flowDatagramsReceived(sent, 5_000);
      }
      const held = await ctx.metric("tidewatch_flow_state_size", { structure: "templates" });
      return { sent: `${(bytes / MB).toFixed(1)} MB, ${sent.toLocaleString("en")} datagrams`, notes: `templates held ${held.toLocaleString("en")}` };
    },
  },
  {
    name: "20,000 spoofed hosts in flows + syslog from 2,000 forged sources",
    targetMb: 150,
    async run(ctx) {
      // flows that ended in the previous minute, so the worker's next flushes store them (and discover what they name)
      const flows = spoofedHostsV5(20_000, Math.floor(Date.now() / 60_000) * 60_000);
      for (let i = 0; i < flows.length; i += 200) {
        await sendFrom("127.0.0.7", ctx.ports.netflow, flows.slice(i, i + 200));
        await ctx.flowDatagramsReceived(i + 200, 5_000);
      }
      // forged syslog: every source claims its own 2 KB name full of terminal escapes and HTML
      const nasty = (n: number) => `evil-${n}-\u001b]0;pwned\u0007<script>alert(1)</script>`.padEnd(2048, "x");
      for (let s = 0; s < 2_000; s++) {
        const line = Buffer.from(`<11>${syslogTime()} ${nasty(s)} sshd[1]: Failed password for root from 198.51.100.${s % 250} port 22`);
        await sendSyslog(forgedExporter(s), ctx.ports.syslog, line);
      }
      // syslog counts in the minute it arrives: wait until that minute is past the lateness window and flushed
      await new Promise((r) => setTimeout(r, Math.ceil(Date.now() / 60_000) * 60_000 - Date.now() + 12_000));
      const syslogged = await ctx.metric("tidewatch_syslog_messages_total");
      return { sent: `${flows.length} v5 datagrams (20,000 hosts), 2,000 syslog messages`, notes: `syslog parsed ${syslogged}` };
    },
  },
];

// Hostile clients of the web app (each starts the web app on the section's database; the worker's RSS
// columns do not apply to them, their figures are in Notes).
SECTIONS.push(
  { name: "Login guessing against the web app", run: (ctx) => loginFloodFigures(ctx.databaseUrl) },
  { name: "Live stream: stalled replays of a 200,000-event log (web app RSS)", run: (ctx) => slowStreamFigures(ctx.databaseUrl) },
);

function syslogTime(): string {
  const d = new Date();
  const mon = d.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  return `${mon} ${String(d.getUTCDate()).padStart(2, " ")} ${d.toISOString().slice(11, 19)}`;
}

async function sendSyslog(from: string, port: number, line: Buffer): Promise<void> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, from, () => resolve()));
  await new Promise<void>((resolve, reject) => socket.send(line, port, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}

/** Resident set size of a process (kB in /proc, returned in bytes). */
function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

function parseMetrics(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? ([^ ]+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[4]) });
  }
  return out;
}

interface Row {
  section: string;
  baselineMb: number;
  peakGrowthMb: number;
  endGrowthMb: number;
  devicesAdded: number;
  dropped: string;
  evictions: string;
  target: string;
  sent: string;
  notes: string;
}

const { values: args } = parseArgs({ options: { only: { type: "string" }, keep: { type: "boolean", default: false } } });
const log = createLogger("bench:hostile", { level: "warn" });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-hostile-"));
fs.chmodSync(dir, 0o755);
const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "hostile-bench-only", log });

async function runSection(section: FloodSection, index: number): Promise<Row> {
  const name = `hostile_${index}`;
  await ensureDatabase(cluster, name);
  const url = cluster.url(name);
  await migrateDeploy(url);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  let output = "";
  const worker: ChildProcess = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      SIMULATE: "0",
      COLLECTORS: "netflow,syslog",
      NETFLOW_PORT: "0",
      SYSLOG_PORT: "0",
      WORKER_METRICS_PORT: "0",
      COLLECTOR_HOST: "127.0.0.1",
      ROLLUP_LATENESS_SEC: "5",
      LOG_LEVEL: "warn",
      ...section.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  worker.stdout!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  worker.stderr!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  try {
    // the worker publishes its ports in its heartbeat once its collectors listen
    type Info = { collectors?: { name: string; ports?: { udp?: number } | null }[]; metricsPort?: number | null };
    const deadline = Date.now() + 60_000;
    let info: Info | undefined;
    for (;;) {
      const { rows } = await pool.query<{ info: Info }>("SELECT info FROM worker_heartbeats LIMIT 1");
      info = rows[0]?.info;
      if (info?.metricsPort && (info.collectors ?? []).filter((c) => c.ports?.udp).length >= 2) break;
      if (worker.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const udp = (n: string) => info!.collectors!.find((c) => c.name === n)!.ports!.udp!;
    const ports = { netflow: udp("netflow"), syslog: udp("syslog"), metrics: info.metricsPort! };
    const scrape = async () => parseMetrics(await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text());
    const metric = async (metricName: string, labels: Record<string, string> = {}) =>
      (await scrape())
        .filter((s) => s.name === metricName && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((n, s) => n + s.value, 0);
    const datagramsAtStart = await metric("tidewatch_flow_datagrams_total");
    const ctx: FloodContext = {
      ports,
      databaseUrl: url,
      metric,
      async flowDatagramsReceived(n, timeoutMs = 10_000) {
        const until = Date.now() + timeoutMs;
        for (;;) {
          const got = (await metric("tidewatch_flow_datagrams_total")) - datagramsAtStart;
          if (got >= n || Date.now() > until) return got;
          await new Promise((r) => setTimeout(r, 50));
        }
      },
    };
    // settle after start-up (warm-up, first flush), then the baseline
    await new Promise((r) => setTimeout(r, 5_000));
    const pid = worker.pid!;
    const baseline = rssOf(pid);
    const { rows: before } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM devices");
    let peak = baseline;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssOf(pid));
      } catch {
        // the worker died: reported below
      }
    }, 100);
    let result: Awaited<ReturnType<FloodSection["run"]>>;
    try {
      result = await section.run(ctx);
      // past the lateness window and two flushes (every 5 s), then until discovery stops adding devices
      await new Promise((r) => setTimeout(r, 12_000));
      let last = -1;
      for (let stable = 0, until = Date.now() + 120_000; stable < 3 && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 2_000));
        const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM devices");
        stable = rows[0]!.n === last ? stable + 1 : 0;
        last = rows[0]!.n;
      }
    } finally {
      clearInterval(sampler);
    }
    if (worker.exitCode !== null) throw new Error(`worker died during the flood:\n${output}`);
    const end = rssOf(pid);
    peak = Math.max(peak, end);
    const { rows: after } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM devices");
    const series = await scrape();
    const dropped = series.filter((s) => s.name === "tidewatch_collector_dropped_total" && s.value > 0);
    const evicted = series.filter((s) => s.name === "tidewatch_flow_budget_evictions_total" && s.value > 0);
    const refused = series.filter((s) => s.name === "tidewatch_inventory_refused_total" && s.value > 0);
    const fmt = (n: number) => Math.round(n).toLocaleString("en");
    return {
      section: section.name,
      baselineMb: baseline / MB,
      peakGrowthMb: (peak - baseline) / MB,
      endGrowthMb: (end - baseline) / MB,
      devicesAdded: after[0]!.n - before[0]!.n,
      dropped: dropped.map((s) => `${s.labels.collector}/${s.labels.reason} ${fmt(s.value)}`).join(", ") || "none",
      evictions: [...evicted.map((s) => `${s.labels.budget} ${fmt(s.value)}`), ...refused.map((s) => `inventory ${s.labels.reason} ${fmt(s.value)}`)].join(", ") || "none",
      target: section.targetMb === undefined ? "" : `< ${section.targetMb} MB`,
      sent: result.sent,
      notes: result.notes ?? "",
    };
  } finally {
    if (worker.exitCode === null && worker.pid) {
      const exited = new Promise((r) => worker.once("exit", r));
      worker.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (worker.exitCode === null) worker.kill("SIGKILL");
    }
    await pool.end();
  }
}

const rows: Row[] = [];
try {
  for (const [i, section] of SECTIONS.entries()) {
    if (args.only && !section.name.toLowerCase().includes(args.only.toLowerCase())) continue;
    process.stderr.write(`${section.name} ...\n`);
    const row = await runSection(section, i);
    rows.push(row);
    // as each finishes, so a later section that fails does not lose the figures already measured
    process.stderr.write(`${tableLine(row)}\n`);
  }
} finally {
  await cluster.stop();
  if (!args.keep) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}

console.log(`\nWorker RSS under hostile floods (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version})\n`);
console.log("| Flood | Sent | RSS before | Growth (peak) | Growth (end) | Target | Devices added | Counted as dropped | Budget evictions / refusals | Notes |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) console.log(tableLine(r));

function tableLine(r: Row): string {
  const ok = r.target && r.peakGrowthMb < Number(r.target.replace(/\D/g, "")) ? " ✓" : r.target ? " ✗" : "";
  return `| ${r.section} | ${r.sent} | ${r.baselineMb.toFixed(0)} MB | ${r.peakGrowthMb.toFixed(1)} MB | ${r.endGrowthMb.toFixed(1)} MB | ${r.target}${ok} | ${r.devicesAdded} | ${r.dropped} | ${r.evictions} | ${r.notes} |`;
}
