// The inventory under forged syslog, end to end: the real syslog collector feeding the real router,
// device registry and Postgres, with senders on many loopback addresses (any 127/8 address is the
// loopback's) and util-linux `logger` as the legitimate peer:
// - 2,000 forged sources with 2 KB names holding terminal escape codes and markup: every name is
//   refused, discovery adds no more than its hourly cap and lists the rest as seen but not added;
// - a HOSTNAME naming another device from a different address does not feed that device; from the
//   device's own address or a trusted relay it does;
// - TCP connection floods (from one source, and from many) are refused and counted while a legitimate
//   sender still gets through;
// - senders outside the allowed sources are dropped and counted, and add no device.
import { execFile } from "node:child_process";
import dgram from "node:dgram";
import net from "node:net";
import os from "node:os";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { createLogger } from "@/lib/log";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import type { Clock } from "@/workers/clock";
import { startSyslogCollector, syslogConfigSchema, type RunningSyslogCollector } from "@/workers/collectors/syslog-collector";
import { createDetectionPipeline } from "@/workers/detection-pipeline";
import { DeviceRegistry, type DeviceRegistryOptions } from "@/workers/device-registry";
import { postgresPipelineStore } from "@/workers/pipeline-store";
import { TelemetryRouter } from "@/workers/telemetry-router";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { waitFor } from "../wait-for";

const run = promisify(execFile);
const log = createLogger("test:syslog-inventory", { level: "error" });
const MINUTE = 60_000;

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

interface Rig {
  collector: RunningSyslogCollector;
  registry: DeviceRegistry;
  router: TelemetryRouter;
  clock: { t: number };
  /** Flushes every minute received so far into Postgres. */
  store(): Promise<void>;
}
const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.collector.stop();
});

async function rig(options: { registry?: Partial<DeviceRegistryOptions>; collector?: Record<string, unknown> } = {}): Promise<Rig> {
  const clock = { t: Date.now() };
  const c: Clock = { now: () => clock.t, sleep: async () => undefined };
  const registry = await DeviceRegistry.load(t.prisma, log, { maxNewPerHour: 1000, trustedRelays: [], now: () => clock.t, ...options.registry });
  const pipeline = createDetectionPipeline({ store: postgresPipelineStore(t.prisma, pool()), lookupDevice: (id) => registry.get(id), log, clock: c });
  const router = new TelemetryRouter({
    pipeline,
    registry,
    clock: c,
    log,
    isInternal: createSubnetMatcher(["10.0.0.0/8"]),
    failureKeywords: () => [],
  });
  const collector = await startSyslogCollector({
    config: syslogConfigSchema.parse({ port: 0, host: "127.0.0.1", ...options.collector }),
    sink: router,
    log,
    now: () => Date.now(),
  });
  const r: Rig = {
    collector,
    registry,
    router,
    clock,
    async store() {
      clock.t += 3 * MINUTE;
      await router.flush();
    },
  };
  rigs.push(r);
  return r;
}

/** Sends datagrams to the collector from a socket bound to `from`. */
function sendUdpFrom(from: string, port: number, payloads: readonly Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket("udp4");
    sock.once("error", reject);
    sock.bind(0, from, () => {
      let left = payloads.length;
      for (const p of payloads) {
        sock.send(p, port, "127.0.0.1", (err) => {
          if (err) reject(err);
          if (--left === 0) sock.close(() => resolve());
        });
      }
    });
  });
}

const rfc5424 = (hostname: string, text: string) => Buffer.from(`<11>1 ${new Date().toISOString()} ${hostname} app - - - ${text}`, "latin1");

/** A TCP connection from `from`; resolves with the socket and a promise of its close. */
function connectFrom(from: string, port: number): Promise<{ socket: net.Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1", localAddress: from });
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    socket.on("error", () => undefined);
    socket.once("connect", () => resolve({ socket, closed }));
    closed.then(() => reject(new Error("closed before connecting")), () => undefined);
  });
}

async function syslogCountOf(name: string): Promise<number> {
  const device = await t.prisma.device.findUnique({ where: { name } });
  if (!device) return 0;
  const rows = await t.prisma.syslogRollup.findMany({ where: { deviceId: device.id } });
  return rows.reduce((n, r) => n + r.total, 0);
}

describe("forged syslog sources and hostnames", () => {
  it("2,000 sources with 2 KB escape-code names: every name refused, devices added stay under the cap, the rest listed as seen but not added", { timeout: 60_000 }, async () => {
    const r = await rig({ registry: { maxNewPerHour: 1000 } });
    const before = await t.prisma.device.count();
    const sources = Array.from({ length: 2000 }, (_, i) => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    // one field of 2 KB (no spaces): clears the screen, retitles the terminal, carries markup
    const forgedName = (i: number) => `\x1b[2J\x1b]0;owned\x07<img/src=x/onerror=alert(${i})>${"A".repeat(2000)}\x9b31m`;
    // in batches the collector takes before the next (the kernel's receive buffer is small here)
    for (let i = 0; i < sources.length; i += 50) {
      await Promise.all(sources.slice(i, i + 50).map((s, k) => sendUdpFrom(s, r.collector.ports.udp!, [rfc5424(forgedName(i + k), "link down")])));
      await waitFor(`${i + 50} messages`, () => r.collector.stats().messages.udp === i + 50);
    }
    await waitFor("2,000 messages", () => r.collector.stats().messages.udp === 2000);
    expect(r.collector.stats().hostnamesRejected).toBe(2000);

    await r.store();
    const added = await t.prisma.device.findMany({ where: { discoveredVia: "syslog" }, select: { name: true, managementIp: true } });
    expect(added.length).toBe(1000);
    expect((await t.prisma.device.count()) - before).toBe(1000);
    for (const d of added) {
      // known by address, never by the forged name
      expect(d.name).toBe(d.managementIp);
      expect(sources).toContain(d.name);
    }
    const report = r.registry.discoveryReport();
    expect(report).toMatchObject({ maxNewPerHour: 1000, addedLastHour: 1000, notAddedTotal: 1000 });
    expect(report.notAdded).toHaveLength(100);
    expect(report.notAdded[0]).toMatchObject({ via: "syslog", sightings: 1 });
    expect(sources).toContain(report.notAdded[0]!.name);
    const addedNames = new Set(added.map((d) => d.name));
    expect(report.notAdded.every((n) => !addedNames.has(n.name))).toBe(true);

    // an hour later the cap has room again: a source seen but not added is added on its next sighting
    const waiting = report.notAdded[0]!.name;
    r.clock.t += 61 * MINUTE;
    await sendUdpFrom(waiting, r.collector.ports.udp!, [rfc5424("-", "still here")]);
    await waitFor("one more message", () => r.collector.stats().messages.udp === 2001);
    await r.store();
    expect(await t.prisma.device.findUnique({ where: { name: waiting } })).toMatchObject({ status: "discovered", managementIp: waiting });
    expect(r.registry.discoveryReport().notAdded.some((n) => n.name === waiting)).toBe(false);
  });

  it("a HOSTNAME naming another device from a different address does not feed it; from its own address or a trusted relay it does", { timeout: 30_000 }, async () => {
    // logger(1) sends this machine's hostname from 127.0.0.1; the device of that name lives at 127.0.0.20
    const name = os.hostname();
    await t.prisma.device.create({ data: { name, role: "router", site: "hq", managementIp: "127.0.0.20" } });
    const r = await rig();
    // in the same minute: the device itself, and logger claiming its name from another address
    await sendUdpFrom("127.0.0.20", r.collector.ports.udp!, [rfc5424(name, "from the device itself")]);
    await run("logger", ["--server", "127.0.0.1", "--port", String(r.collector.ports.udp), "--udp", "--rfc5424", "-p", "local0.err", "-t", "spoof", "impersonating"]);
    await waitFor("both messages", () => r.collector.stats().messages.udp === 2);
    await r.store();
    expect(await syslogCountOf(name)).toBe(1); // its own message only
    expect(await syslogCountOf("127.0.0.1")).toBe(1); // the claim is counted for its sender
    expect(r.registry.discoveryReport().untrustedHostnames).toBe(1);

    // through a trusted relay (127.0.0.1 here), logger's message feeds the named device
    const relayed = await rig({ registry: { trustedRelays: ["127.0.0.1/32"] } });
    await run("logger", ["--server", "127.0.0.1", "--port", String(relayed.collector.ports.udp), "--udp", "--rfc5424", "-p", "local0.err", "-t", "relay", "relayed"]);
    await waitFor("relayed message", () => relayed.collector.stats().messages.udp === 1);
    await relayed.store();
    expect(await syslogCountOf(name)).toBe(2);
    expect(relayed.registry.discoveryReport().untrustedHostnames).toBe(0);
    expect(await syslogCountOf("127.0.0.1")).toBe(1);
  });
});

describe("syslog TCP connection budgets", () => {
  it("a flood of 1,000 connections from one source is refused past the per-source cap and counted; logger still gets through", { timeout: 60_000 }, async () => {
    const r = await rig({ collector: { maxConnectionsPerSource: 8, maxConnections: 100, udp: false } });
    const port = r.collector.ports.tcp!;
    const flood = await Promise.all(Array.from({ length: 1000 }, () => connectFrom("127.0.0.30", port).catch(() => undefined)));
    await waitFor("refusals counted", () => (r.collector.stats().drops.too_many_connections_from_source ?? 0) === 992);
    expect(r.collector.stats().connectionsOpen).toBe(8);

    const text = `legitimate ${Math.random().toString(36).slice(2)}`;
    await run("logger", ["--server", "127.0.0.1", "--port", String(port), "--tcp", "--rfc5424", "-p", "local0.info", "-t", "app", text]);
    await waitFor("logger's message", () => r.collector.stats().messages.tcp === 1);
    for (const c of flood) c?.socket.destroy();
  });

  it("connections from many sources stop at the total cap, counted; UDP and, once they close, TCP senders get through", { timeout: 60_000 }, async () => {
    const r = await rig({ collector: { maxConnectionsPerSource: 4, maxConnections: 50 } });
    const port = r.collector.ports.tcp!;
    const flood: { socket: net.Socket; closed: Promise<void> }[] = [];
    for (let s = 0; s < 30; s++) {
      for (let k = 0; k < 4; k++) {
        const c = await connectFrom(`127.0.2.${s + 1}`, port).catch(() => undefined);
        if (c) flood.push(c);
      }
    }
    await waitFor("total cap counted", () => (r.collector.stats().drops.too_many_connections ?? 0) === 70);
    expect(r.collector.stats().connectionsOpen).toBe(50);

    await run("logger", ["--server", "127.0.0.1", "--port", String(port), "--udp", "--rfc5424", "-t", "app", "over udp"]);
    await waitFor("udp message", () => r.collector.stats().messages.udp === 1);

    for (const c of flood) c.socket.destroy();
    await waitFor("flood closed", () => r.collector.stats().connectionsOpen === 0);
    await run("logger", ["--server", "127.0.0.1", "--port", String(port), "--tcp", "--rfc5424", "-t", "app", "over tcp"]);
    await waitFor("tcp message", () => r.collector.stats().messages.tcp === 1);
  });
});

describe("allowed sources", () => {
  it("drops and counts datagrams and connections from outside COLLECTOR_ALLOWED_SOURCES; they add no device", { timeout: 30_000 }, async () => {
    const r = await rig({ collector: { allowedSources: ["127.0.0.1/32"] } });
    const port = r.collector.ports.udp!;
    await sendUdpFrom("127.0.0.40", port, [rfc5424("outsider", "one"), rfc5424("outsider", "two")]);
    const refused = await connectFrom("127.0.0.40", port);
    refused.socket.write(`${rfc5424("outsider", "three").toString()}\n`);
    await refused.closed;
    await waitFor("drops counted", () => r.collector.stats().drops.source_not_allowed === 3);

    await run("logger", ["--server", "127.0.0.1", "--port", String(port), "--udp", "--rfc5424", "-t", "app", "inside"]);
    await waitFor("allowed message", () => r.collector.stats().messages.udp === 1);
    await r.store();
    expect(r.collector.stats().messages.tcp).toBe(0);
    expect(await t.prisma.device.findUnique({ where: { name: "outsider" } })).toBeNull();
    expect(await t.prisma.device.findUnique({ where: { name: "127.0.0.40" } })).toBeNull();
  });
});
