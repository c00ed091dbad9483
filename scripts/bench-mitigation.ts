// Mitigation benchmark (not a test): how long from a flood's first flow until the edge router holds
// the mitigation, with real parts: embedded PostgreSQL with the migrations, a worker process (NetFlow
// collector, fast path, detection pipeline; scripts/lib/flood-to-alert.ts), and the BGP lab
// (scripts/lib/bgp-lab.ts: gobgpd on loopback peering with BIRD 2 as the edge router).
//
//   node --import tsx scripts/bench-mitigation.ts [--floods 10] [--pps 200000]
//
// Each flood goes to a host never seen before (the fast path's cold-start rule). Two segments are
// timed and printed separately, then their sum:
//   1. first flow → the fast path's alert row (the worker's real path, as bench:fast-path);
//   2. the alert row → the route in BIRD's table: the playbook builds the route from the stored
//      alert, the product's speaker (createBgpSpeaker: prefix safety, then gobgpd over gRPC) announces
//      it, and BIRD is polled until the route is installed (blackhole dest, or its FlowSpec table).
// Segment 2 is driven by this script, not by the worker's mitigation controller: it leaves out the
// controller's poll interval and the AI approval gate, so the sum is a lower bound of the product's
// time to mitigation with automatic approval. Segment 2 also holds this script's noticing the alert
// (polled every 50 ms, then the flood sender's last slice ends), so "announce() → route in BIRD" is
// printed too: the speaker, gobgpd, the BGP UPDATE and BIRD alone. The route is withdrawn after each flood.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getAlertView } from "@/lib/db/alert-queries";
import { createPrismaClient } from "@/lib/db/client";
import { ensureDatabase, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrateDeploy } from "@/lib/db/migrate";
import { parseEnv } from "@/lib/env";
import { createLogger } from "@/lib/log";
import type { MitigationRoute } from "@/lib/mitigation/bgp-speaker";
import { createBgpSpeaker } from "@/lib/mitigation/create-speaker";
import { playbookFor } from "@/lib/mitigation/playbooks";
import { describeRoute } from "@/lib/mitigation/route-text";
import { parseBirdRoutes, startBgpLab, type BgpLab } from "./lib/bgp-lab";
import { floodToAlert, startFloodWorker } from "./lib/flood-to-alert";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const FLOODS = arg("floods", 10);
const PPS = arg("pps", 200_000);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summary(label: string, values: number[]): string {
  const ms = [...values].sort((a, b) => a - b);
  const s = (x: number) => `${(x / 1000).toFixed(2)} s`;
  return `${label.padEnd(46)} p50 ${s(pct(ms, 50))}  p95 ${s(pct(ms, 95))}  max ${s(ms[ms.length - 1]!)}`;
}

/** The BIRD table and network text a route shows up under (parseBirdRoutes' `network`). */
function birdLocation(route: MitigationRoute): { table: string; matches: (network: string) => boolean } {
  if (route.kind === "blackhole") {
    return { table: route.prefix.includes(":") ? "master6" : "master4", matches: (n) => n === route.prefix };
  }
  const v6 = route.destination.includes(":");
  return { table: v6 ? "flowtab6" : "flowtab4", matches: (n) => n.startsWith(`flow${v6 ? 6 : 4} { dst ${route.destination};`) };
}

/** Polls BIRD until the route is installed (present) or gone; resolves with when it was seen (epoch ms). */
async function waitInBird(lab: BgpLab, route: MitigationRoute, present: boolean, timeoutMs = 10_000): Promise<number> {
  const { table, matches } = birdLocation(route);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const routes = parseBirdRoutes(await lab.birdc("show", "route", "table", table, "all"));
    const found = routes.find((r) => matches(r.network) && (route.kind !== "blackhole" || r.dest === "blackhole"));
    if (Boolean(found) === present) return Date.now();
    if (Date.now() > deadline) throw new Error(`${describeRoute(route)} ${present ? "not installed" : "still present"} in BIRD after ${timeoutMs} ms\n${lab.logs()}`);
    await sleep(10);
  }
}

async function main(): Promise<void> {
  const log = createLogger("bench:mitigation", { level: "warn" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-bench-mitigation-"));
  fs.chmodSync(dir, 0o755);
  const lab = await startBgpLab();
  const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "bench-only-password", log });
  try {
    await lab.waitEstablished();
    await ensureDatabase(cluster, "bench");
    await migrateDeploy(cluster.url("bench"));
    const prisma = createPrismaClient(cluster.url("bench"), 4);
    // The worker's own mitigation stays off: this script is the one announcing (see the header).
    const worker = await startFloodWorker(prisma, cluster.url("bench"), { MITIGATION_BGP: "off" });
    const speaker = createBgpSpeaker(parseEnv({ MITIGATION_BGP: "gobgp", GOBGP_API: lab.gobgpApi, INTERNAL_SUBNETS: "10.0.0.0/8" }))!;
    try {
      const toAlert: number[] = [];
      const toRoute: number[] = [];
      const announceToBird: number[] = [];
      const total: number[] = [];
      const kinds = new Map<string, number>();
      for (let i = 0; i < FLOODS; i++) {
        const host = `10.72.0.${i + 1}`;
        const timing = await floodToAlert(prisma, worker.netflowPort, { host, pps: PPS });
        const alert = await getAlertView(prisma, timing.alertId, null);
        if (!alert) throw new Error(`alert ${timing.alertId} vanished`);
        const playbook = playbookFor(alert.type);
        if (!playbook) throw new Error(`no playbook answers the fast path's alert type ${alert.type}`);
        const planned = playbook.buildRoute({ alertType: alert.type, address: host, evidence: alert.evidence });
        if (!planned.route) throw new Error(`the ${playbook.id} playbook built no route for ${host}: ${planned.why}`);
        const announcedAt = Date.now();
        await speaker.announce(planned.route);
        const inBird = await waitInBird(lab, planned.route, true);
        toAlert.push(timing.msToAlert);
        toRoute.push(inBird - timing.createdAt.getTime());
        announceToBird.push(inBird - announcedAt);
        total.push(inBird - timing.firstFlowAt);
        const kind = planned.route.kind;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        console.log(`${host}: alert ${(timing.msToAlert / 1000).toFixed(2)} s, in BIRD ${((inBird - timing.firstFlowAt) / 1000).toFixed(2)} s after the first flow: ${describeRoute(planned.route)}`);
        await speaker.withdraw(planned.route);
        await waitInBird(lab, planned.route, false);
        await sleep(1_000 + Math.random() * 5_000);
      }
      console.log(`\n${FLOODS} floods of ${PPS.toLocaleString("en")} pps to hosts never seen before; routes: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(", ")}`);
      console.log(summary("1. first flow → alert row (worker, real path)", toAlert));
      console.log(summary("2. alert row → route in BIRD (speaker, gobgpd)", toRoute));
      console.log(summary("   of which announce() → route in BIRD", announceToBird));
      console.log(summary("1 + 2: first flow → route in BIRD", total));
      console.log("(segment 2 is driven by this script: no controller poll interval, no AI approval; see the header)");
    } finally {
      await speaker.close();
      await worker.stop();
      await prisma.$disconnect();
    }
  } finally {
    await cluster.stop();
    await lab.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
