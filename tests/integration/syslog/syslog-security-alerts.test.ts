// Syslog security detection on the worker's real path: util-linux `logger` sends sshd's failed
// logins and a router's BGP neighbour changes over UDP to the real syslog collector; the router parses
// them into the device-minute's security rollup, the pipeline runs the detectors and stores the alerts
// in Postgres. A user mistyping a password twice and one planned neighbour reset raise nothing.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { createLogger } from "@/lib/log";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import type { Clock } from "@/workers/clock";
import { startSyslogCollector, syslogConfigSchema, type RunningSyslogCollector } from "@/workers/collectors/syslog-collector";
import { createDetectionPipeline } from "@/workers/detection-pipeline";
import { DeviceRegistry } from "@/workers/device-registry";
import { postgresPipelineStore } from "@/workers/pipeline-store";
import { TelemetryRouter } from "@/workers/telemetry-router";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { waitFor } from "../wait-for";

const run = promisify(execFile);
const log = createLogger("test:syslog-security", { level: "error" });
const MINUTE = 60_000;

let t: TestDatabase;
let collector: RunningSyslogCollector | undefined;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
});
afterAll(async () => {
  await t?.drop();
});

describe("syslog security alerts through the worker's path", () => {
  it("brute-force SSH failures and a flapping BGP neighbour sent with logger(1) become credential_attack and routing_flap alerts in Postgres; a mistyped password and one reset do not", { timeout: 60_000 }, async () => {
    const clock = { t: Date.now() };
    const c: Clock = { now: () => clock.t, sleep: async () => undefined };
    const registry = await DeviceRegistry.load(t.prisma, log, { maxNewPerHour: 100, trustedRelays: [], now: () => clock.t });
    const pipeline = createDetectionPipeline({ store: postgresPipelineStore(t.prisma, pool()), lookupDevice: (id) => registry.get(id), log, clock: c });
    const router = new TelemetryRouter({ pipeline, registry, clock: c, log, isInternal: createSubnetMatcher(["10.0.0.0/8"]), failureKeywords: () => [] });
    collector = await startSyslogCollector({ config: syslogConfigSchema.parse({ port: 0, host: "127.0.0.1" }), sink: router, log, now: () => Date.now() });
    const port = String(collector.ports.udp);
    // logger(1) sends from the loopback with this machine's name: one device, the attacked server and router at once
    const send = async (tag: string, lines: string[]) => {
      for (const line of lines) await run("logger", ["--server", "127.0.0.1", "--port", port, "--udp", "--rfc5424", "-p", "auth.warning", "-t", tag, line]);
    };
    let sent = 0;
    const expectReceived = (n: number) => waitFor(`${sent + n} messages`, () => collector!.stats().messages.udp === (sent += n, sent));

    // 12 failures for root from one address within the minute, and alice mistyping twice
    const attack = Array.from({ length: 12 }, (_, i) => `Failed password for root from 203.0.113.7 port ${41000 + i} ssh2`);
    await send("sshd", [...attack, "Failed password for alice from 10.2.3.4 port 50000 ssh2", "Failed password for alice from 10.2.3.4 port 50001 ssh2"]);
    await expectReceived(14);
    // its BGP neighbour went down and up three times
    const flap = ["Down BGP Notification sent", "Up", "Down Peer closed the session", "Up", "Down Interface flap", "Up"].map((s) => `%BGP-5-ADJCHANGE: neighbor 192.0.2.1 ${s}`);
    await send("bgp", flap);
    await expectReceived(6);

    clock.t += 3 * MINUTE;
    await router.flush();

    const alerts = await t.prisma.alert.findMany({ include: { device: { select: { name: true } } }, orderBy: { id: "asc" } });
    const credential = alerts.filter((a) => a.alertType === "credential_attack");
    const flapping = alerts.filter((a) => a.alertType === "routing_flap");
    expect(credential).toHaveLength(1);
    expect(credential[0]!.evidence).toMatchObject({ pattern: "brute_force", failures: 14, sourceCount: 2 });
    expect((credential[0]!.evidence as { sources: unknown[] }).sources[0]).toMatchObject({ source: "203.0.113.7", failures: 12, users: ["root"], services: ["ssh"] });
    expect(credential[0]!.explanation).toContain("203.0.113.7 failed 12 logins as root");
    expect(flapping).toHaveLength(1);
    expect(flapping[0]!.evidence).toMatchObject({ changes: 6, neighbors: [{ protocol: "bgp", neighbor: "192.0.2.1", downs: 3, ups: 3 }] });
    // alice's typos are listed with their own count, not taken for the attack
    expect((credential[0]!.evidence as { sources: unknown[] }).sources).toContainEqual(expect.objectContaining({ source: "10.2.3.4", failures: 2, users: ["alice"] }));

    // half an hour later (both windows past): one planned neighbour reset and alice mistyping twice again raise nothing
    clock.t += 31 * MINUTE;
    await send("bgp", ["%BGP-5-ADJCHANGE: neighbor 192.0.2.9 Down Admin reset", "%BGP-5-ADJCHANGE: neighbor 192.0.2.9 Up"]);
    await send("sshd", ["Failed password for alice from 10.2.3.4 port 50002 ssh2", "Failed password for alice from 10.2.3.4 port 50003 ssh2"]);
    await expectReceived(4);
    clock.t += 3 * MINUTE;
    await router.flush();
    const after = await t.prisma.alert.findMany({ where: { alertType: { in: ["credential_attack", "routing_flap"] } }, orderBy: { id: "asc" } });
    expect(after.map((a) => [a.id, a.occurrences])).toEqual([...credential, ...flapping].sort((x, y) => x.id - y.id).map((a) => [a.id, 1]));
  });
});
