// The management-service probe of the SNMP poller: its setting (off unless a target opts in, ports per
// service, a bad port refused naming the field, in the worker config file and the poller alike) and what
// one TCP connect says about a service (accepted → enabled, refused → disabled, silence → unknown),
// against real loopback sockets.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadCollectorConfig } from "@/lib/telemetry/collector-config";
import { enabledOf, failedConnectOutcome, managementProbeSchema, probeManagementServices, probeTcpPort } from "@/lib/telemetry/mgmt-probe";
import { snmpConfigSchema } from "@/workers/collectors/snmp-poller";

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function configFile(target: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-mgmt-probe-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "collectors.json");
  fs.writeFileSync(file, JSON.stringify({ snmp: { targets: [{ name: "sw-1", address: "127.0.0.1", ...target }] } }));
  return file;
}

describe("probeManagementPorts setting", () => {
  it("is off unless the target opts in; true probes telnet 23, SSH 22 and HTTP 80", () => {
    expect(loadCollectorConfig(configFile({})).snmp.targets[0]!.probeManagementPorts).toBeUndefined();
    expect(loadCollectorConfig(configFile({ probeManagementPorts: false })).snmp.targets[0]!.probeManagementPorts).toBeUndefined();
    expect(loadCollectorConfig(configFile({ probeManagementPorts: true })).snmp.targets[0]!.probeManagementPorts).toEqual({ telnet: 23, ssh: 22, http: 80 });
  });

  it("takes a port per service, false skipping one, the rest at their defaults; the poller reads the file's target unchanged", () => {
    const [target] = loadCollectorConfig(configFile({ probeManagementPorts: { telnet: 2323, ssh: false } })).snmp.targets;
    expect(target!.probeManagementPorts).toEqual({ telnet: 2323, ssh: false, http: 80 });
    // the worker hands the file's (already parsed) targets to the poller's own schema
    expect(snmpConfigSchema.parse({ targets: [target] }).targets[0]!.probeManagementPorts).toEqual({ telnet: 2323, ssh: false, http: 80 });
    expect(snmpConfigSchema.parse({ targets: [{ name: "a", address: "10.0.0.1" }] }).targets[0]!.probeManagementPorts).toBeUndefined();
  });

  it.each([
    [{ telnet: 70000 }, /snmp\.targets\.0\.probeManagementPorts\.telnet: /],
    [{ ssh: 0 }, /snmp\.targets\.0\.probeManagementPorts\.ssh: /],
    [{ http: "80" }, /snmp\.targets\.0\.probeManagementPorts\.http: /],
    [{ http: 80.5 }, /snmp\.targets\.0\.probeManagementPorts\.http: /],
    [{ telnt: 23 }, /snmp\.targets\.0\.probeManagementPorts: Unrecognized key: "telnt"/],
    ["yes", /snmp\.targets\.0\.probeManagementPorts: /],
  ])("%j is refused naming the field", (value, message) => {
    expect(() => loadCollectorConfig(configFile({ probeManagementPorts: value }))).toThrow(message);
  });

  it("the poller's own schema refuses a bad port naming the field too", () => {
    const parsed = snmpConfigSchema.safeParse({ targets: [{ name: "a", address: "10.0.0.1", probeManagementPorts: { ssh: -22 } }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(["targets", 0, "probeManagementPorts", "ssh"]);
    expect(managementProbeSchema.safeParse({ telnet: 65536 }).error!.issues[0]!.path).toEqual(["telnet"]);
  });
});

describe("failedConnectOutcome / enabledOf", () => {
  it.each([
    ["ECONNREFUSED", "refused", false],
    ["ECONNRESET", "refused", false],
    ["EHOSTUNREACH", "unreachable", null],
    ["ENETUNREACH", "unreachable", null],
    ["ETIMEDOUT", "unreachable", null],
    ["ENOTFOUND", "unreachable", null],
    ["EMFILE", "error", null],
    [undefined, "error", null],
  ] as const)("%s → %s → fact %s", (code, outcome, fact) => {
    expect(failedConnectOutcome(code)).toBe(outcome);
    expect(enabledOf(failedConnectOutcome(code))).toBe(fact);
  });

  it("only an accepted connection is enabled; a timeout is unknown, not disabled", () => {
    expect(enabledOf("open")).toBe(true);
    expect(enabledOf("timeout")).toBeNull();
    expect(enabledOf(undefined)).toBeNull();
  });
});

/** A loopback TCP listener; `accepted` counts connections it saw. */
async function listener(): Promise<{ port: number; accepted: () => number }> {
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    socket.on("error", () => undefined);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as net.AddressInfo).port, accepted: () => accepted };
}

/** A loopback port nobody listens on (it was free a moment ago): the kernel answers a SYN with RST. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A port that never answers a SYN, as behind a firewall that drops: a listener in a stopped process
 * whose accept queue is full, so the kernel drops further SYNs. (A TEST-NET address is not silent on
 * every machine: here 192.0.2.0/24 is the machine's own LAN and other unroutable addresses are answered
 * by the sandbox's proxy, so a test cannot count on an outside address staying silent.)
 */
async function silentPort(): Promise<number> {
  const child = spawn(process.execPath, ["-e", `const s=require("net").createServer();s.listen({port:0,host:"127.0.0.1",backlog:1},()=>console.log(s.address().port))`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  cleanups.push(() => void child.kill("SIGKILL"));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.stdout!.once("data", (d: Buffer) => resolve(Number(String(d).trim())));
  });
  child.kill("SIGSTOP");
  // fill the accept queue: connects succeed until it is full
  const fillers: net.Socket[] = [];
  cleanups.push(() => fillers.forEach((s) => s.destroy()));
  for (let i = 0; i < 8; i++) {
    const s = net.connect({ host: "127.0.0.1", port });
    s.on("error", () => undefined);
    fillers.push(s);
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      s.once("connect", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) return port;
  }
  throw new Error("the accept queue never filled");
}

describe("probeTcpPort / probeManagementServices", () => {
  it("a listening port is open, a closed one refused, a silent one a timeout after the timeout", async () => {
    const open = await listener();
    expect(await probeTcpPort("127.0.0.1", open.port, { timeoutMs: 1000 })).toBe("open");
    expect(await probeTcpPort("127.0.0.1", await closedPort(), { timeoutMs: 1000 })).toBe("refused");
    const silent = await silentPort();
    const t0 = Date.now();
    expect(await probeTcpPort("127.0.0.1", silent, { timeoutMs: 250 })).toBe("timeout");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it("one connection per probed port, nothing sent; the facts: telnet on, SSH off, HTTP unknown (silent)", async () => {
    const telnet = await listener();
    const received: Buffer[] = [];
    // what a probe sends, if anything, lands here
    const spy = net.createServer((socket) => {
      socket.on("data", (d) => received.push(d));
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => spy.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => spy.close(() => resolve())));
    const spyPort = (spy.address() as net.AddressInfo).port;

    const result = await probeManagementServices("127.0.0.1", { telnet: telnet.port, ssh: await closedPort(), http: await silentPort() }, { timeoutMs: 300 });
    expect(result).toEqual({ telnetEnabled: true, sshEnabled: false, httpMgmtEnabled: null, outcomes: { telnet: "open", ssh: "refused", http: "timeout" } });
    await new Promise((r) => setTimeout(r, 50));
    expect(telnet.accepted()).toBe(1);

    expect(await probeManagementServices("127.0.0.1", { telnet: spyPort, ssh: false, http: false }, { timeoutMs: 300 })).toEqual({
      telnetEnabled: true,
      sshEnabled: null,
      httpMgmtEnabled: null,
      outcomes: { telnet: "open" },
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(Buffer.concat(received).length).toBe(0);
  });

  it("an abort ends a probe in flight at once, as unknown", async () => {
    const silent = await silentPort();
    const abort = new AbortController();
    const t0 = Date.now();
    const pending = probeTcpPort("127.0.0.1", silent, { timeoutMs: 5000, signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    expect(await pending).toBe("error");
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(enabledOf(await probeTcpPort("127.0.0.1", silent, { timeoutMs: 5000, signal: abort.signal }))).toBeNull();
  });
});
