// The syslog collector against the real peer: util-linux `logger` sending over UDP and TCP, in both
// formats and both TCP framings; then hostile input — 100,000 random and mutated datagrams, TCP
// garbage — after which valid messages must still arrive.
import { execFile, execFileSync } from "node:child_process";
import dgram from "node:dgram";
import net from "node:net";
import os from "node:os";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@/lib/log";
import type { SyslogMessage } from "@/lib/telemetry/syslog-message";
import type { TelemetrySink } from "@/workers/collectors/telemetry-sink";
import {
  startSyslogCollector,
  syslogConfigSchema,
  syslogCollector,
  type RunningSyslogCollector,
} from "@/workers/collectors/syslog-collector";

const run = promisify(execFile);
const log = createLogger("test:syslog", { level: "error" });

interface Received {
  message: SyslogMessage;
  source: string;
}

function recordingSink(): TelemetrySink & { received: Received[] } {
  const received: Received[] = [];
  return {
    received,
    syslog: (message, source) => void received.push({ message, source }),
    flows: () => undefined,
    deviceMetrics: () => undefined,
    deviceReachability: () => undefined,
  };
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const nonce = () => Math.random().toString(36).slice(2, 10);

async function start(overrides: Record<string, unknown> = {}) {
  const sink = recordingSink();
  const collector = await startSyslogCollector({
    config: syslogConfigSchema.parse({ port: 0, host: "127.0.0.1", ...overrides }),
    sink,
    log,
    now: () => Date.now(),
  });
  return { sink, collector };
}

function sendUdp(port: number, payloads: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket("udp4");
    let pending = payloads.length;
    if (pending === 0) return resolve();
    for (const p of payloads) {
      sock.send(p, port, "127.0.0.1", (err) => {
        if (err) reject(err);
        if (--pending === 0) sock.close(() => resolve());
      });
    }
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: "127.0.0.1" }, () => resolve(s));
    s.once("error", reject);
  });
}

let sink: ReturnType<typeof recordingSink>;
let collector: RunningSyslogCollector;

beforeAll(async () => {
  try {
    execFileSync("logger", ["--version"], { stdio: "pipe" });
  } catch (err) {
    throw new Error(`util-linux \`logger\` is required for these tests (apt-get install bsdutils): ${String(err)}`);
  }
  ({ sink, collector } = await start());
});

afterAll(async () => {
  await collector?.stop();
});

describe("syslog collector with logger(1)", () => {
  it("listens on UDP and TCP on the same port number", () => {
    expect(collector.ports.udp).toBeGreaterThan(0);
    expect(collector.ports.tcp).toBe(collector.ports.udp);
    expect(syslogCollector.name).toBe("syslog");
  });

  const combos = [
    { transport: "udp", format: "rfc3164", flags: ["--udp", "--rfc3164"] },
    { transport: "udp", format: "rfc5424", flags: ["--udp", "--rfc5424"] },
    { transport: "tcp", format: "rfc3164", flags: ["--tcp", "--rfc3164"] },
    { transport: "tcp", format: "rfc5424", flags: ["--tcp", "--rfc5424"] },
    { transport: "tcp", format: "rfc3164", flags: ["--tcp", "--octet-count", "--rfc3164"] },
    { transport: "tcp", format: "rfc5424", flags: ["--tcp", "--octet-count", "--rfc5424"] },
  ] as const;

  it.each(combos)("$transport $format $flags arrives parsed", async ({ transport, format, flags }) => {
    const text = `link on eth3 went down ${nonce()}`;
    const before = collector.stats().messages[transport];
    const sentAt = Date.now();
    await run("logger", ["--server", "127.0.0.1", "--port", String(collector.ports.tcp), ...flags, "-p", "local0.err", "-t", "myapp", text]);
    const got = await waitFor(`"${text}"`, () => sink.received.find((r) => r.message.message === text));
    expect(got.source).toBe("127.0.0.1");
    expect(got.message).toMatchObject({
      format,
      facility: 16, // local0
      severity: "err",
      hostname: os.hostname(),
      appName: "myapp",
      message: text,
    });
    // BSD stamps have whole seconds in the sender's (= our) zone; RFC 5424 ones are exact.
    expect(Math.abs(got.message.timestampMs! - sentAt)).toBeLessThan(3000);
    expect(collector.stats().messages[transport]).toBe(before + 1);
  });

  it("every line of a multi-line TCP send is its own message", async () => {
    const tag = nonce();
    const lines = [`first ${tag}`, `second ${tag}`, `third ${tag}`];
    await run("sh", ["-c", `printf '%s\\n' "$@" | logger --server 127.0.0.1 --port ${collector.ports.tcp} --tcp --octet-count --rfc5424 -p local3.warning -t multi`, "sh", ...lines]);
    const got = await waitFor("three lines", () => {
      const r = sink.received.filter((x) => x.message.message.endsWith(tag));
      return r.length === 3 ? r : undefined;
    });
    expect(got.map((r) => r.message.message)).toEqual(lines);
    expect(got.every((r) => r.message.facility === 19 && r.message.severity === "warning" && r.message.appName === "multi")).toBe(true);
  });

  it("structured data with an escaped ] and a MSGID stay out of the message text", async () => {
    const text = `sd test ${nonce()}`;
    await run("logger", [
      "--server", "127.0.0.1", "--port", String(collector.ports.udp), "--udp", "--rfc5424",
      "--sd-id", "tw@32473", "--sd-param", 'zone="dmz\\]1"', "--msgid", "IFDOWN", "-p", "daemon.crit", "-t", "sdapp", text,
    ]);
    const got = await waitFor(`"${text}"`, () => sink.received.find((r) => r.message.message === text));
    expect(got.message).toMatchObject({ format: "rfc5424", facility: 3, severity: "crit", appName: "sdapp", message: text });
  });

  it("a sender without hostname (--rfc5424=nohost) has a null hostname and is known by its address", async () => {
    const text = `nohost ${nonce()}`;
    await run("logger", ["--server", "127.0.0.1", "--port", String(collector.ports.udp), "--udp", "--rfc5424=nohost", "-p", "user.notice", "-t", "x", text]);
    const got = await waitFor(`"${text}"`, () => sink.received.find((r) => r.message.message === text));
    expect(got.message.hostname).toBeNull();
    expect(got.source).toBe("127.0.0.1");
  });

  it("a message that is not UTF-8 is kept and counted", async () => {
    const id = nonce();
    const before = collector.stats().nonUtf8;
    await sendUdp(collector.ports.udp!, [Buffer.concat([Buffer.from(`<11>Nov 21 00:00:00 legacy-sw app: Schnittstelle ${id} gest`), Buffer.from([0xf6, 0x72, 0x74])])]);
    const got = await waitFor("latin-1 message", () => sink.received.find((r) => r.message.message.includes(id)));
    expect(got.message.message).toBe(`Schnittstelle ${id} gestört`);
    expect(got.message.hostname).toBe("legacy-sw");
    expect(collector.stats().nonUtf8).toBe(before + 1);
  });
});

describe("syslog collector under hostile input", () => {
  it("survives 100,000 random and mutated datagrams, then still delivers a valid one", { timeout: 120_000 }, async () => {
    const templates = [
      "<131>Nov 21 00:02:51 vm myapp: hello 3164",
      '<131>1 2026-11-21T00:02:51.157145+00:00 vm myapp - - [timeQuality tzKnown="1" isSynced="0"] hello 5424',
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="App\\]"] text',
      "<189>45: *Jan 12 10:11:12.345 UTC: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down",
    ].map((t) => Buffer.from(t));
    let seed = 20261121;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const int = (n: number) => Math.floor(rand() * n);
    const fuzz = (): Buffer => {
      const kind = int(6);
      if (kind === 0) {
        const b = Buffer.alloc(int(1500));
        for (let i = 0; i < b.length; i++) b[i] = int(256);
        return b;
      }
      const b = Buffer.from(templates[int(templates.length)]!);
      if (kind === 1) for (let n = 1 + int(8); n > 0; n--) b[int(b.length)] = int(256); // flip bytes
      if (kind === 2) return b.subarray(0, int(b.length + 1)); // truncate anywhere
      if (kind === 3) return Buffer.concat([b.subarray(0, int(b.length)), Buffer.from([0x3c, 0x5b, 0x22, 0x5c, 0x5d, 0x00, 0xff]), b.subarray(int(b.length))]);
      if (kind === 4) return Buffer.from(`<${int(2) ? 192 + int(800) : `${int(10)}x`}>${b.subarray(5).toString("latin1")}`, "latin1"); // bad PRI
      return Buffer.concat([b, Buffer.alloc(int(3000), int(256))]); // long tail
    };

    const seen = () => {
      const st = collector.stats();
      return st.messages.udp + Object.values(st.drops).reduce((a, b) => a + b, 0);
    };
    const seenBefore = seen();
    const TOTAL = 100_000;
    const sock = dgram.createSocket("udp4");
    // Paced so that the kernel's receive buffer (the collector runs in this process) is not what
    // gets tested: at most 64 datagrams in flight.
    for (let sent = 0; sent < TOTAL; ) {
      while (sent - (seen() - seenBefore) > 64) await new Promise((r) => setImmediate(r));
      const batch = Math.min(16, TOTAL - sent);
      await Promise.all(
        Array.from({ length: batch }, () => new Promise<void>((resolve) => sock.send(fuzz(), collector.ports.udp!, "127.0.0.1", () => resolve()))),
      );
      sent += batch;
    }
    await new Promise<void>((r) => sock.close(() => r()));
    // Drained: nothing new for 200 ms.
    for (let last = -1; last !== seen(); ) {
      last = seen();
      await new Promise((r) => setTimeout(r, 200));
    }

    const text = `after the storm ${nonce()}`;
    await run("logger", ["--server", "127.0.0.1", "--port", String(collector.ports.udp), "--udp", "--rfc3164", "-p", "local0.err", "-t", "myapp", text]);
    const got = await waitFor(`"${text}"`, () => sink.received.find((r) => r.message.message === text), 10_000);
    expect(got.message.hostname).toBe(os.hostname());

    const after = collector.stats();
    // The collector really processed the storm (datagrams are lost only if the kernel drops them).
    expect(seen() - seenBefore).toBeGreaterThan(TOTAL * 0.98);
    expect(after.drops.missing_pri ?? 0).toBeGreaterThan(1000);
    expect(after.drops.bad_pri ?? 0).toBeGreaterThan(1000);
    expect(after.drops.pri_out_of_range ?? 0).toBeGreaterThan(1000);
    expect(after.nonUtf8).toBeGreaterThan(1000);
    // It still serves TCP too.
    const tcpText = `tcp after storm ${nonce()}`;
    await run("logger", ["--server", "127.0.0.1", "--port", String(collector.ports.tcp), "--tcp", "--rfc5424", "-t", "myapp", tcpText]);
    await waitFor(`"${tcpText}"`, () => sink.received.find((r) => r.message.message === tcpText));
  });

  it("a TCP connection sending garbage then valid frames is resynchronised; other connections are unaffected", async () => {
    const id = nonce();
    const bystander = await connect(collector.ports.tcp!);
    const noisy = await connect(collector.ports.tcp!);
    let seed = 5;
    const garbage = Buffer.alloc(20_000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const frame = (m: string) => Buffer.from(`${Buffer.byteLength(m)} ${m}`);

    noisy.write(garbage);
    bystander.write(`<13>Nov 21 00:00:00 calm app: bystander one ${id}\n`);
    noisy.write("\n12 not a frame\n");
    noisy.write(Buffer.concat([frame(`<13>1 - noisy app - - - octet after garbage ${id}`), Buffer.from(`<13>Nov 21 00:00:00 noisy app: line after garbage ${id}\n`)]));
    bystander.write(frame(`<13>1 - calm app - - - bystander two ${id}`));

    const got = await waitFor("all four", () => {
      const r = sink.received.filter((x) => x.message.message.endsWith(id)).map((x) => x.message.message);
      return r.length >= 4 ? r : undefined;
    });
    expect(got.sort()).toEqual(
      [`bystander one ${id}`, `bystander two ${id}`, `line after garbage ${id}`, `octet after garbage ${id}`].sort(),
    );
    expect(noisy.destroyed).toBe(false);
    noisy.destroy();
    bystander.destroy();
  });

  it("closes a connection that sends nothing but garbage, without touching the others", async () => {
    const { sink: s2, collector: c2 } = await start({ maxConsecutiveBadFrames: 20 });
    try {
      const bystander = await connect(c2.ports.tcp!);
      const noisy = await connect(c2.ports.tcp!);
      const closed = new Promise<void>((resolve) => noisy.on("close", () => resolve()));
      noisy.on("error", () => undefined);
      for (let i = 0; i < 50; i++) noisy.write(`garbage line ${i}\n`);
      await closed;
      expect(c2.stats().connectionsClosedForGarbage).toBe(1);
      bystander.write("<13>Nov 21 00:00:00 calm app: still here\n");
      await waitFor("bystander message", () => s2.received.find((r) => r.message.message === "still here"));
      bystander.destroy();
    } finally {
      await c2.stop();
    }
  });

  it("refuses connections beyond maxConnections and counts them", async () => {
    const { sink: s2, collector: c2 } = await start({ maxConnections: 2, udp: false });
    try {
      expect(c2.ports.udp).toBeUndefined();
      const a = await connect(c2.ports.tcp!);
      const b = await connect(c2.ports.tcp!);
      await waitFor("two open", () => (c2.stats().connectionsOpen === 2 ? true : undefined));
      const third = await connect(c2.ports.tcp!);
      third.on("error", () => undefined);
      await new Promise<void>((resolve) => third.on("close", () => resolve()));
      expect(c2.stats().drops.too_many_connections).toBe(1);
      a.write("<13>Nov 21 00:00:00 h app: from a\n");
      await waitFor("message from a", () => s2.received.find((r) => r.message.message === "from a"));
      a.destroy();
      b.destroy();
    } finally {
      await c2.stop();
    }
  });

  it("stop() closes the listeners and open connections", async () => {
    const { collector: c2 } = await start();
    const conn = await connect(c2.ports.tcp!);
    const closed = new Promise<void>((resolve) => conn.on("close", () => resolve()));
    conn.on("error", () => undefined);
    await c2.stop();
    await closed;
    await expect(connect(c2.ports.tcp!)).rejects.toThrow(/ECONNREFUSED/);
  });
});
