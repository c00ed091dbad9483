// SNMP configuration facts on the worker's real path: a real snmpd answering SNMPv3 only, polled by
// the SNMP poller with a v2c probe; the agent is then reconfigured to accept a v2c community as well
// (an SNMPv3 downgrade) and restarted. The poller reports the weakest version the device answers, the
// router carries it with the device-minute, the pipeline's unauthorized-change detector compares it
// with the previous reading, and the alert lands in Postgres. Readings that stay at v3 raise nothing.
// The target also opts in to the management-port probe: telnet, SSH and HTTP closed read as disabled;
// a real telnet daemon (BusyBox telnetd, Debian's busybox-static) started on the device's telnet port
// during the same change makes the next reading "telnet enabled" in the same alert.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import { pool } from "@/lib/db/pool";
import { createLogger } from "@/lib/log";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import { loadCollectorConfig } from "@/lib/telemetry/collector-config";
import type { Clock } from "@/workers/clock";
import { snmpConfigSchema, startSnmpPoller } from "@/workers/collectors/snmp-poller";
import type { TelemetrySink } from "@/workers/collectors/telemetry-sink";
import { createDetectionPipeline } from "@/workers/detection-pipeline";
import { DeviceRegistry } from "@/workers/device-registry";
import { postgresPipelineStore } from "@/workers/pipeline-store";
import { TelemetryRouter } from "@/workers/telemetry-router";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { waitFor } from "../wait-for";
import { COMMUNITY, V3, startSnmpd, type Snmpd } from "./snmpd";

const log = createLogger("test:snmp-facts", { level: "error" });
const MINUTE = 60_000;

/** A loopback TCP port that was free a moment ago: nothing listening answers a connect with RST. */
async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** BusyBox telnetd in the foreground on 127.0.0.1:port (runs unprivileged on a high port), ready when it accepts. */
async function startTelnetd(port: number): Promise<ChildProcess> {
  let applets = "";
  try {
    applets = execFileSync("busybox", ["--list"], { encoding: "utf8" });
  } catch {
    // reported below
  }
  if (!applets.split("\n").includes("telnetd")) throw new Error("busybox with the telnetd applet is required (apt-get install busybox-static)");
  const proc = spawn("busybox", ["telnetd", "-F", "-b", `127.0.0.1:${port}`, "-l", "/bin/cat"], { stdio: "ignore" });
  const exited = new Promise<never>((_, reject) => proc.once("exit", (code) => reject(new Error(`telnetd exited with ${code}`))));
  exited.catch(() => undefined);
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port });
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => (s.destroy(), resolve(false)));
    });
  await Promise.race([exited, waitFor("telnetd listening", accepts, 5000)]);
  return proc;
}

let t: TestDatabase;
let agent: Snmpd;
let telnetd: ChildProcess | undefined;
beforeAll(async () => {
  t = await createTestDatabase();
  agent = await startSnmpd({ v2c: false });
}, 60_000);
afterAll(async () => {
  telnetd?.kill("SIGKILL");
  await agent?.stop();
  await t?.drop();
});

describe("SNMP configuration facts", () => {
  it("an agent that starts accepting v2c next to v3, with telnet switched on, is one unauthorized_change (SNMP downgraded from v3 to v2c, telnet enabled) in Postgres; polls at v3 with telnet off raise nothing", { timeout: 60_000 }, async () => {
    // the router flushes on a clock ahead of the polls, so every polled minute is complete when asked
    const clock = { ahead: 0 };
    const c: Clock = { now: () => Date.now() + clock.ahead, sleep: async () => undefined };
    const registry = await DeviceRegistry.load(t.prisma, log, { maxNewPerHour: 100, trustedRelays: [], now: () => c.now() });
    const pipeline = createDetectionPipeline({ store: postgresPipelineStore(t.prisma, pool()), lookupDevice: (id) => registry.get(id), log, clock: c });
    const router = new TelemetryRouter({ pipeline, registry, clock: c, log, isInternal: createSubnetMatcher(["10.0.0.0/8"]), failureKeywords: () => [] });
    const readings: DeviceConfigFacts[] = [];
    const sink: TelemetrySink = {
      flows: (r) => router.flows(r),
      syslog: (m, a) => router.syslog(m, a),
      deviceMetrics: (d, ts, v) => router.deviceMetrics(d, ts, v),
      deviceReachability: (d, r, at) => router.deviceReachability(d, r, at),
      deviceFacts: (d, ts, facts) => {
        readings.push(facts);
        router.deviceFacts(d, ts, facts);
      },
    };
    // the target as an engineer writes it in the worker's config file
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tw-snmp-facts-")), "collectors.json");
    const v3 = { user: V3.user, level: "authPriv", authProtocol: "sha", authKey: V3.authKey, privProtocol: "aes", privKey: V3.privKey };
    // the device's management ports, high ones here: nothing listens on them yet
    const mgmt = { telnet: await freeTcpPort(), ssh: await freeTcpPort(), http: await freeTcpPort() };
    fs.writeFileSync(
      file,
      JSON.stringify({
        snmp: { targets: [{ name: "core-sw-1", address: "127.0.0.1", port: agent.port, version: "3", v3, v2cProbeCommunity: COMMUNITY, probeManagementPorts: mgmt }] },
      }),
    );
    const [target] = loadCollectorConfig(file).snmp.targets;
    expect(target).toMatchObject({ v2cProbeCommunity: COMMUNITY, probeManagementPorts: mgmt });
    const poller = await startSnmpPoller({
      // polled every 2 s here (the file's minimum is 5); a silent agent is given up on after 1 s
      config: snmpConfigSchema.parse({ targets: [{ ...target, intervalSec: 2, timeoutMs: 1000, retries: 0 }] }),
      sink,
      log,
      now: () => Date.now(),
    });
    try {
      await waitFor("two readings at v3", () => readings.length >= 2, 20_000);
      expect(readings.every((f) => f.snmpVersion === "v3")).toBe(true);
      // closed ports answer with RST: the services are off, not unknown
      expect(readings.every((f) => f.telnetEnabled === false && f.sshEnabled === false && f.httpMgmtEnabled === false)).toBe(true);
      clock.ahead = 3 * MINUTE;
      await router.flush();
      expect(await t.prisma.alert.count({ where: { alertType: "unauthorized_change" } })).toBe(0);

      // someone adds a v2c community on the device and switches telnet on; a poll that finds the agent
      // away ends any poll (and probe) answered before the change, so no reading mixes the two states
      await agent.halt();
      const unanswered = () => poller.stats()["core-sw-1"]!.polls.timeout + poller.stats()["core-sw-1"]!.polls.error;
      const before = unanswered();
      await waitFor("a poll without an answer", () => unanswered() > before, 10_000);
      const beforeChange = readings.length;
      telnetd = await startTelnetd(mgmt.telnet);
      agent.setV2c(true);
      await agent.resume();
      await waitFor("a reading at v2c", () => readings.at(-1)?.snmpVersion === "v2c", 20_000);
      expect(readings.slice(beforeChange)).toEqual([{ snmpVersion: "v2c", telnetEnabled: true, sshEnabled: false, httpMgmtEnabled: false }]);
      expect(poller.stats()["core-sw-1"]!.managementProbes).toMatchObject({ open: 1, timeout: 0, unreachable: 0, error: 0 });
      clock.ahead = 6 * MINUTE;
      await router.flush();

      const alerts = await t.prisma.alert.findMany({ where: { alertType: "unauthorized_change" }, include: { device: { select: { name: true } } } });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.device.name).toBe("core-sw-1");
      expect(alerts[0]!.severity).toBe("high");
      expect(alerts[0]!.explanation).toContain("SNMP downgraded from v3 to v2c, telnet enabled since the previous reading");
      expect(alerts[0]!.evidence).toMatchObject({
        weakened: [
          { fact: "snmpVersion", from: "v3", to: "v2c" },
          { fact: "telnetEnabled", from: "false", to: "true" },
        ],
      });
    } finally {
      await poller.stop();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
