// Mitigation benchmark (not a test): time from a flood's first flow until the edge router holds the
// mitigation, on the product's full path with automatic approval: embedded PostgreSQL with the
// migrations, a worker process (NetFlow collector, fast path, detection pipeline, the mitigation
// controller with MITIGATION_BGP=gobgp; scripts/lib/flood-to-alert.ts), the BGP lab (scripts/lib/bgp-lab.ts:
// gobgpd on loopback peering with BIRD 2 as the edge router) and, for the AI approval gate, the tests'
// local fake of the Messages API (never the real service) answering every approval with "approve".
// The DDoS playbook is switched to automatic as an admin would.
//
//   node --import tsx scripts/bench-mitigation.ts [--floods 10] [--pps 200000]
//
// Each flood goes to a host never seen before (the fast path's cold-start rule) and goes on until its
// route is in BIRD, as an attack would (30 s without one: counted as not mitigated, with why). Printed per flood and
// as p50/p95/max: first flow → the fast path's alert row, the alert row → the route in BIRD's table
// (controller's poll, proposal, AI gate, prefix safety, gobgpd over gRPC, the BGP UPDATE, BIRD's
// import), and their sum. After the worker stops, the speaker alone is timed (announce() → in BIRD).
// Last, the AI cost per 100 alerts: the worker's triage and approval requests as the fake received them
// (their real size, instructions and JSON schema included), priced at the configured model's rates with
// tokens estimated as the product's budget does (3 characters a token, on the high side) and an assumed
// reply size (no real model answers here), no prompt-cache or batch discount.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPrismaClient } from "@/lib/db/client";
import { ensureDatabase, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrateDeploy } from "@/lib/db/migrate";
import { getAlertView } from "@/lib/db/alert-queries";
import { listMitigations, savePlaybookSettings } from "@/lib/db/mitigation-queries";
import { createUser } from "@/lib/db/user-queries";
import { parseEnv } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { costUsd } from "@/lib/ai/cost";
import { MAX_OUTPUT_TOKENS } from "@/lib/ai/claude";
import { APPROVAL_INSTRUCTIONS } from "@/lib/mitigation/ai-approval";
import { createBgpSpeaker } from "@/lib/mitigation/create-speaker";
import { PLAYBOOKS } from "@/lib/mitigation/playbooks";
import { FakeMessagesApi } from "../tests/integration/ai/fake-messages-api";
import { parseBirdRoutes, startBgpLab, type BgpLab, type BirdRoute } from "./lib/bgp-lab";
import { sendFlood, startFloodWorker, waitForFastAlert } from "./lib/flood-to-alert";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const FLOODS = arg("floods", 10);
const PPS = arg("pps", 200_000);
/** How long a flood goes on without its route in BIRD before it counts as not mitigated. */
const MAX_WAIT_SEC = 30;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Assumed reply of a triage analysis (summary, causes, commands, actions) and of an approval, in tokens. */
const TYPICAL_REPLY_TOKENS = { triage: 700, approval: 150 };

/** Dollars per 100 calls of this kind: their mean measured request size (3 characters a token) and a reply of `replyTokens`. */
function costPer100(model: string, requests: readonly { raw: string }[], replyTokens: number): string {
  if (requests.length === 0) return "no calls seen";
  const meanChars = requests.reduce((sum, r) => sum + r.raw.length, 0) / requests.length;
  const inputTokens = Math.ceil(meanChars / 3);
  const usd = (outputTokens: number) => 100 * costUsd(model, { inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 });
  return `$${usd(replyTokens).toFixed(2)} (${requests.length} requests of ${Math.round(meanChars).toLocaleString("en")} characters on average ≈ ${inputTokens.toLocaleString("en")} tokens, ${replyTokens}-token replies assumed; $${usd(MAX_OUTPUT_TOKENS).toFixed(2)} with every reply at the ${MAX_OUTPUT_TOKENS}-token cap)`;
}
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function summary(label: string, values: number[]): string {
  const ms = [...values].sort((a, b) => a - b);
  if (ms.length === 0) return `${label.padEnd(52)} none`;
  return `${label.padEnd(52)} p50 ${sec(pct(ms, 50))}  p95 ${sec(pct(ms, 95))}  max ${sec(ms[ms.length - 1]!)}`;
}

/** The route BIRD installed for `host`: a blackhole of its /32, or a FlowSpec rule towards it. */
function routeFor(routes: BirdRoute[], host: string): BirdRoute | undefined {
  return routes.find(
    (r) => (r.table === "master4" && r.network === `${host}/32` && r.dest === "blackhole") || (r.table === "flowtab4" && r.network.startsWith(`flow4 { dst ${host}/32;`)),
  );
}

async function birdNow(lab: BgpLab): Promise<BirdRoute[]> {
  const [unicast, flow] = await Promise.all([lab.birdc("show", "route", "table", "master4", "all"), lab.birdc("show", "route", "table", "flowtab4", "all")]);
  return [...parseBirdRoutes(unicast), ...parseBirdRoutes(flow)];
}

/** Polls BIRD every 10 ms until it holds a route for `host` (or not, with `present` false); resolves with when (epoch ms). */
async function waitInBird(lab: BgpLab, host: string, present: boolean, timeoutMs: number): Promise<{ at: number; route?: BirdRoute }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const route = routeFor(await birdNow(lab), host);
    if (Boolean(route) === present) return { at: Date.now(), route };
    if (Date.now() > deadline) throw new Error(`${host}: ${present ? "no route" : "the route is still"} in BIRD after ${timeoutMs} ms\n${lab.logs()}`);
    await sleep(10);
  }
}

async function main(): Promise<void> {
  const log = createLogger("bench:mitigation", { level: "warn" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-bench-mitigation-"));
  fs.chmodSync(dir, 0o755);
  const lab = await startBgpLab();
  const fake = await new FakeMessagesApi().start();
  const approval = { approve: true, confidence: 0.95, reasoning: "A distributed UDP flood from spoofed sources towards one host.", risks: "The host is unreachable for the TTL." };
  fake.answerFor = (body) => (body.system?.some((b) => b.text === APPROVAL_INSTRUCTIONS) ? approval : undefined);
  const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "bench-only-password", log });
  try {
    await lab.waitEstablished();
    await ensureDatabase(cluster, "bench");
    await migrateDeploy(cluster.url("bench"));
    const prisma = createPrismaClient(cluster.url("bench"), 4);
    const admin = await createUser(prisma, { email: "bench-admin@tidewatch.local", name: "bench", role: "admin", password: "bench-only-password" });
    await savePlaybookSettings(prisma, "ddos", { ...PLAYBOOKS.ddos.defaults, automatic: true }, admin.id);
    const worker = await startFloodWorker(prisma, cluster.url("bench"), {
      MITIGATION_BGP: "gobgp",
      GOBGP_API: lab.gobgpApi,
      MITIGATION_MAX_ACTIVE: String(FLOODS + 5),
      ANTHROPIC_API_KEY: "bench-fake-key",
      ANTHROPIC_BASE_URL: fake.url,
    });
    const toAlert: number[] = [];
    const toRoute: number[] = [];
    const total: number[] = [];
    const kinds = new Map<string, number>();
    const notMitigated: string[] = [];
    try {
      for (let i = 0; i < FLOODS; i++) {
        const host = `10.72.0.${i + 1}`;
        // The attack goes on until it is mitigated (the route in BIRD) or MAX_WAIT_SEC pass, as a real
        // one would: an alert first judged below high on a partial window may be raised as it goes on.
        const since = new Date(Date.now() - 1_000);
        const alertFound = waitForFastAlert(prisma, host, since, MAX_WAIT_SEC * 1000);
        const inBird = waitInBird(lab, host, true, MAX_WAIT_SEC * 1000).then(
          (found) => found,
          (err: Error) => err,
        );
        const firstFlowAt = await sendFlood(worker.netflowPort, { host, pps: PPS, seconds: MAX_WAIT_SEC }, inBird);
        const alert = await alertFound;
        const seen = await inBird;
        const msToAlert = alert.createdAt.getTime() - firstFlowAt;
        toAlert.push(msToAlert);
        if (seen instanceof Error) {
          const view = await getAlertView(prisma, alert.alertId, null);
          const rows = await listMitigations(prisma, { alertId: alert.alertId, limit: 10 });
          const why = rows.length ? rows.map((m) => `${m.routeText}: ${m.status} (${m.reason ?? ""}; AI ${m.gates.ai.outcome})`).join("; ") : "no mitigation proposed";
          notMitigated.push(`${host} (alert ${view?.severity ?? "?"}: ${why})`);
          console.log(`${host}: alert ${sec(msToAlert)} (${view?.severity ?? "?"}), no route in BIRD within ${MAX_WAIT_SEC} s of flooding: ${why}`);
          await sleep(1_000 + Math.random() * 5_000);
          continue;
        }
        const { at, route } = seen;
        toRoute.push(at - alert.createdAt.getTime());
        total.push(at - firstFlowAt);
        const kind = route!.table === "master4" ? "blackhole" : "flowspec";
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        console.log(`${host}: alert ${sec(msToAlert)}, in BIRD ${sec(at - firstFlowAt)} after the first flow: ${route!.network} ${route!.dest} ${route!.attributes["BGP.community"] ?? route!.attributes["BGP.ext_community"] ?? ""}`);
        await sleep(1_000 + Math.random() * 5_000);
      }
      // what the routes in BIRD came from: the worker's own mitigations, approved without a human
      const rows = await listMitigations(prisma, { limit: 1000 });
      const auto = rows.filter((m) => m.status === "active" && m.gates.ai.outcome === "approve" && !m.gates.human.required && m.decidedBy === null);
      if (auto.length !== toRoute.length) throw new Error(`expected ${toRoute.length} automatically approved active mitigations, found: ${rows.map((m) => `${m.routeText} ${m.status} (AI ${m.gates.ai.outcome})`).join("; ")}`);
    } finally {
      await worker.stop();
    }

    // The speaker alone, with the worker gone (its controller would withdraw these as orphans).
    const speaker = createBgpSpeaker(parseEnv({ MITIGATION_BGP: "gobgp", GOBGP_API: lab.gobgpApi, INTERNAL_SUBNETS: "10.0.0.0/8" }))!;
    const announceToBird: number[] = [];
    try {
      for (const a of await speaker.listAnnounced()) await speaker.withdraw(a.route);
      for (let i = 0; i < FLOODS; i++) {
        const host = `10.73.0.${i + 1}`;
        const route = { kind: "blackhole" as const, prefix: `${host}/32`, communities: ["65535:666"] };
        const started = Date.now();
        await speaker.announce(route);
        announceToBird.push((await waitInBird(lab, host, true, 10_000)).at - started);
        await speaker.withdraw(route);
        await waitInBird(lab, host, false, 10_000);
      }
    } finally {
      await speaker.close();
    }

    console.log(`\n${FLOODS} floods of ${PPS.toLocaleString("en")} pps to hosts never seen before; routes in BIRD: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(", ") || "none"}`);
    if (notMitigated.length) console.log(`not mitigated: ${notMitigated.join("; ")}`);
    console.log(summary("first flow → alert row (fast path, every flood)", toAlert));
    console.log(summary("alert row → route in BIRD (controller, AI gate, gobgpd)", toRoute));
    console.log(summary("first flow → route in BIRD (automatic approval)", total));
    console.log(summary("the speaker alone: announce() → route in BIRD", announceToBird));
    const model = parseEnv({}).ANTHROPIC_MODEL;
    const isApproval = (r: (typeof fake.requests)[number]) => r.body.system?.some((b) => b.text === APPROVAL_INSTRUCTIONS) ?? false;
    console.log(`AI cost per 100 alerts at ${model}'s rates (estimated, see above):`);
    console.log(`  triage analyses   ${costPer100(model, fake.requests.filter((r) => !isApproval(r)), TYPICAL_REPLY_TOKENS.triage)}`);
    console.log(`  mitigation approvals ${costPer100(model, fake.requests.filter(isApproval), TYPICAL_REPLY_TOKENS.approval)}`);
    await prisma.$disconnect();
  } finally {
    await cluster.stop();
    await fake.stop();
    await lab.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
