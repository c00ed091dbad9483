// Storage benchmark (not a test): bytes per device-day on the product's storage path, and what that
// means for 10,000 devices over a year under the retention settings. Runs: embedded PostgreSQL with
// the migrations, day and month partitions made by the partition maintainer's function, the demo
// fleet's modelled minutes fed to the worker's TelemetryRouter as a live worker would receive them
// (device gauges as SNMP answers, flow records, syslog messages), flushed minute by minute on a
// virtual clock into the Postgres pipeline store (storeTelemetryOnce: minutes, flow and syslog
// rollups, hourly aggregates). Detection is not run (it does not write per-minute rows). Then
// pg_total_relation_size (heap, indexes, TOAST) of the bench days' partitions after VACUUM ANALYZE.
//
//   node --import tsx scripts/bench-storage.ts [--devices 200] [--days 2] [--project-devices 10000]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createPrismaClient } from "@/lib/db/client";
import { ensureDatabase, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrateDeploy } from "@/lib/db/migrate";
import { maintainPartitions, PARTITIONED_TABLES, partitionName, partitionSizes } from "@/lib/db/partition-queries";
import { parseEnv } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { DEMO_SUBNET, demoDeviceAddress, demoFlows, demoSyslog } from "@/lib/simulator/demo-traffic";
import { createNetworkModel } from "@/lib/simulator/network-model";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import type { MetricName } from "@/lib/telemetry/metrics";
import { matchFailureKeywords } from "@/lib/telemetry/syslog/failure-keywords";
import { DeviceRegistry, registryOptionsFromEnv } from "@/workers/device-registry";
import { postgresPipelineStore } from "@/workers/pipeline-store";
import { TelemetryRouter } from "@/workers/telemetry-router";

const { values: args } = parseArgs({
  options: {
    devices: { type: "string", default: "200" },
    days: { type: "string", default: "2" },
    "project-devices": { type: "string", default: "10000" },
  },
});
const DEVICES = Number(args.devices);
const DAYS = Number(args.days);
const PROJECT = Number(args["project-devices"]);
const MINUTE = 60_000;
const DAY = 86_400_000;
// whole UTC days, so each lands in its own day partition; the month partition of the hourly
// aggregates holds only these days too
const FIRST_DAY = Date.UTC(2026, 10, 2);
const env = parseEnv(process.env);
const RAW_DAYS = env.RETENTION_RAW_DAYS;
const HOURLY_DAYS = env.RETENTION_HOURLY_DAYS;
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;

async function main(): Promise<void> {
  const log = createLogger("bench:storage", { level: "warn" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-bench-storage-"));
  fs.chmodSync(dir, 0o755);
  const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "bench-only-password", log });
  try {
    await ensureDatabase(cluster, "bench");
    const url = cluster.url("bench");
    await migrateDeploy(url);
    process.env.DATABASE_URL = url;
    const prisma = createPrismaClient(url, 2);
    const pool = new pg.Pool({ connectionString: url, max: 2 });

    // partitions as the maintainer leaves them on the bench's last day
    const lastDay = FIRST_DAY + (DAYS - 1) * DAY;
    for (const spec of PARTITIONED_TABLES) {
      await maintainPartitions(pool, spec, new Date(lastDay + DAY / 2), spec.retention === "raw" ? RAW_DAYS : HOURLY_DAYS);
    }

    const fleet = demoFleet(DEVICES, 7).map((d, i) => ({ ...d, managementIp: demoDeviceAddress(i) }));
    for (const d of fleet) {
      await prisma.device.create({ data: { name: d.name, role: d.role, site: d.site, tags: d.tags, managementIp: d.managementIp, discoveredVia: "seed" } });
    }
    let now = FIRST_DAY;
    const clock = { now: () => now, sleep: async () => undefined };
    const registry = await DeviceRegistry.load(prisma, log, registryOptionsFromEnv(() => now));
    const store = postgresPipelineStore(prisma, pool);
    let stored = 0;
    const router = new TelemetryRouter({
      pipeline: {
        ingest: async (batch) => {
          const n = await store.storeTelemetry(batch);
          stored += n;
          return { stored: n, alertsCreated: 0, alertsUpdated: 0 };
        },
      },
      registry,
      clock,
      log,
      isInternal: createSubnetMatcher([...env.INTERNAL_SUBNETS, DEMO_SUBNET]),
      failureKeywords: matchFailureKeywords,
      latenessMs: env.ROLLUP_LATENESS_SEC * 1000,
    });

    const model = createNetworkModel({ devices: fleet, seed: 7 });
    let flowRecords = 0;
    let syslogMessages = 0;
    const started = performance.now();
    for (let minute = FIRST_DAY; minute < FIRST_DAY + DAYS * DAY; minute += MINUTE) {
      now = minute + 30_000; // syslog is bucketed by arrival
      fleet.forEach((d, i) => {
        const values = model.valuesAt(i, new Date(minute));
        const gauges: Partial<Record<MetricName, number>> = {};
        for (const [k, v] of Object.entries(values) as [MetricName, number | null][]) if (v !== null) gauges[k] = v;
        router.deviceMetrics({ name: d.name, address: d.managementIp }, new Date(minute), gauges);
        const input = { seed: 7, deviceIndex: i, device: d, address: d.managementIp, minute, values, incidents: [] };
        const flows = demoFlows(input).map((f) => ({ ...f, exporter: d.managementIp, samplingRate: 1, tcpFlags: f.tcpFlags ?? 0, inputIf: 0, outputIf: 0 }));
        router.flows(flows);
        flowRecords += flows.length;
        for (const line of demoSyslog(input)) {
          router.syslog({ format: "rfc5424", facility: 23, severity: line.severity, timestampMs: now, hostname: d.name, appName: line.appName, message: line.message }, d.managementIp);
          syslogMessages++;
        }
      });
      now = minute + MINUTE + env.ROLLUP_LATENESS_SEC * 1000;
      await router.flush();
    }
    await router.drain();
    const elapsed = (performance.now() - started) / 1000;

    await pool.query("VACUUM ANALYZE");
    const days = Array.from({ length: DAYS }, (_, k) => new Date(FIRST_DAY + k * DAY));
    const sizes = await partitionSizes(pool);
    const sizeOf = (partition: string) => sizes.find((s) => s.partition === partition);
    const perTable = PARTITIONED_TABLES.map((spec) => {
      const names =
        spec.period === "day" ? days.map((d) => partitionName(spec, d)) : [...new Set(days.map((d) => partitionName(spec, new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)))))];
      const parts = names.map((n) => sizeOf(n)!);
      const bytes = parts.reduce((a, p) => a + p.bytes, 0);
      const rows = parts.reduce((a, p) => a + p.rows, 0);
      return { spec, bytes, rows, perDeviceDay: bytes / (DEVICES * DAYS) };
    });
    const raw = perTable.filter((t) => t.spec.retention === "raw").reduce((a, t) => a + t.perDeviceDay, 0);
    const hourly = perTable.filter((t) => t.spec.retention === "hourly").reduce((a, t) => a + t.perDeviceDay, 0);
    const leftInDefault = sizes.filter((s) => s.partition.endsWith("_default")).reduce((a, s) => a + s.rows, 0);

    console.log(`bench:storage  ${new Date().toISOString()}  ${os.cpus().length} cores, Node ${process.version}, embedded PostgreSQL`);
    console.log(
      `${DEVICES} demo devices × ${DAYS} days (${(DEVICES * DAYS * 1440).toLocaleString("en")} device-minutes, ${flowRecords.toLocaleString("en")} flow records, ${syslogMessages.toLocaleString("en")} syslog messages) ` +
        `through TelemetryRouter → storeTelemetryOnce in ${elapsed.toFixed(0)} s; ${stored.toLocaleString("en")} minutes stored, ${leftInDefault} rows left in DEFAULT partitions\n`,
    );
    console.log("| table | partitions measured | rows | size | bytes per device-day | kept |");
    console.log("|---|---|---|---|---|---|");
    for (const t of perTable) {
      const kept = t.spec.retention === "raw" ? `${RAW_DAYS} days` : `${HOURLY_DAYS} days`;
      console.log(`| ${t.spec.table} | ${t.spec.period} | ${t.rows.toLocaleString("en")} | ${mib(t.bytes)} | ${Math.round(t.perDeviceDay).toLocaleString("en")} | ${kept} |`);
    }
    // a month partition of the aggregates holds only the bench days here; a full one grows in proportion
    const year = 365;
    const rawKept = PROJECT * raw * Math.min(RAW_DAYS + 1, year + 1);
    const hourlyKept = PROJECT * hourly * Math.min(HOURLY_DAYS, year);
    console.log(`\nper device-day: ${Math.round(raw).toLocaleString("en")} B of minutes and rollups, ${Math.round(hourly).toLocaleString("en")} B of hourly aggregates`);
    console.log(
      `${PROJECT.toLocaleString("en")} devices, one year, RETENTION_RAW_DAYS=${RAW_DAYS} and RETENTION_HOURLY_DAYS=${HOURLY_DAYS}: ` +
        `${gib(rawKept)} of minutes and rollups (${RAW_DAYS} days + the day being written) + ${gib(hourlyKept)} of hourly aggregates (a year) = ${gib(rawKept + hourlyKept)} at steady state; ` +
        `without retention a year of minutes and rollups alone would be ${gib(PROJECT * raw * year)}`,
    );
    await pool.end();
    await prisma.$disconnect();
  } finally {
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
