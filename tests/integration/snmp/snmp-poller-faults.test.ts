// The SNMP poller facing peers that do not behave: a port nobody answers, a UDP socket answering
// random bytes, and one echoing the poller's own requests back mangled. The poller must report
// state changes once, count what it could not use, keep polling, and stop cleanly.
import dgram from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "@/lib/log";
import { snmpConfigSchema, startSnmpPoller, type RunningSnmpPoller } from "@/workers/collectors/snmp-poller";
import type { DeviceRef, TelemetrySink } from "@/workers/collectors/telemetry-sink";
import { snmpPollsTotal } from "@/workers/collectors/collector-metrics";
import { freeUdpPort } from "./snmpd";

const log = createLogger("test:snmp-faults", { level: "error" });

function recordingSink() {
  const samples: Array<{ ref: DeviceRef; values: object }> = [];
  const reachability: Array<{ ref: DeviceRef; reachable: boolean; at: Date }> = [];
  const sink: TelemetrySink = {
    flows: () => undefined,
    syslog: () => undefined,
    deviceMetrics: (ref, _ts, values) => void samples.push({ ref, values }),
    deviceReachability: (ref, reachable, at) => void reachability.push({ ref, reachable, at }),
  };
  return { sink, samples, reachability };
}

async function waitFor(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A UDP "agent" that answers every datagram with `reply(request)`. */
async function misbehavingPeer(reply: (request: Buffer, n: number) => Buffer[]) {
  const sock = dgram.createSocket("udp4");
  let requests = 0;
  sock.on("message", (msg, rinfo) => {
    requests++;
    for (const r of reply(msg, requests)) sock.send(r, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
  return {
    port: sock.address().port,
    requests: () => requests,
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
}

let seed = 1;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));

const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

async function startPoller(targets: unknown[]) {
  const rec = recordingSink();
  const poller: RunningSnmpPoller = await startSnmpPoller({ config: snmpConfigSchema.parse({ targets }), sink: rec.sink, log, now: () => Date.now() });
  running.push(poller);
  return { ...rec, poller };
}

const pollCount = async (result: string) => (await snmpPollsTotal.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

describe("SNMP poller with faulty peers", () => {
  it("a port nobody answers: timeouts counted, reported unreachable exactly once", { timeout: 30_000 }, async () => {
    const port = await freeUdpPort();
    const timeoutsBefore = await pollCount("timeout");
    const { poller, samples, reachability } = await startPoller([
      { name: "silent", address: "127.0.0.1", port, community: "public", intervalSec: 1, timeoutMs: 200, retries: 1, unreachableAfter: 3 },
    ]);
    await waitFor("six polls", () => poller.stats().silent!.polls.timeout >= 6, 20_000);
    const st = poller.stats().silent!;
    expect(reachability).toHaveLength(1);
    expect(reachability[0]).toMatchObject({ ref: { address: "127.0.0.1", name: "silent" }, reachable: false });
    expect(st).toMatchObject({ reachable: false, polls: { ok: 0, error: 0 } });
    expect(st.consecutiveFailures).toBe(st.polls.timeout);
    expect(st.lastError).toMatch(/^timeout/);
    expect(samples).toEqual([]);
    expect((await pollCount("timeout")) - timeoutsBefore).toBeGreaterThanOrEqual(6);
  });

  it("a peer answering random bytes: counted as errors, reported unreachable once, polling goes on", { timeout: 30_000 }, async () => {
    const peer = await misbehavingPeer(() => [randomBytes(1 + Math.floor(rand() * 600)), Buffer.concat([Buffer.from([0x30, 0x82]), randomBytes(80)])]);
    running.push({ stop: peer.close });
    const silentPort = await freeUdpPort();
    const { poller, samples, reachability } = await startPoller([
      { name: "garbage", address: "127.0.0.1", port: peer.port, community: "public", intervalSec: 1, timeoutMs: 200, retries: 0, unreachableAfter: 2 },
      { name: "neighbour", address: "127.0.0.1", port: silentPort, community: "public", intervalSec: 1, timeoutMs: 200, retries: 0, unreachableAfter: 100 },
    ]);
    await waitFor("five polls of the garbage peer", () => poller.stats().garbage!.polls.error >= 5, 20_000);
    const st = poller.stats().garbage!;
    expect(st.drops.garbage_response).toBeGreaterThanOrEqual(10); // two datagrams per request
    expect(st.polls.ok).toBe(0);
    expect(peer.requests()).toBeGreaterThanOrEqual(5);
    expect(reachability.filter((r) => r.ref.name === "garbage").map((r) => r.reachable)).toEqual([false]);
    expect(samples).toEqual([]);
    // The other target kept its own schedule.
    expect(poller.stats().neighbour!.polls.timeout).toBeGreaterThanOrEqual(3);
  });

  it("a peer echoing the poller's requests back mangled: never crashes, keeps polling, stops cleanly", { timeout: 30_000 }, async () => {
    const mutate = (req: Buffer, n: number): Buffer[] => {
      const out: Buffer[] = [];
      // As is (a GetBulkRequest where a response belongs), as a "response" (PDU tag 0xa5 → 0xa2),
      // with bytes flipped, truncated, and with lengths inflated.
      const asResponse = Buffer.from(req);
      const tag = asResponse.indexOf(0xa5);
      if (tag >= 0) asResponse[tag] = 0xa2;
      // Whichever comes first ends the request; vary it.
      out.push(...(n % 3 === 0 ? [asResponse, req] : [req, asResponse]));
      for (let k = 0; k < 4; k++) {
        const b = Buffer.from(n % 2 ? asResponse : req);
        for (let f = 0; f < 1 + Math.floor(rand() * 4); f++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        out.push(b);
      }
      out.push(asResponse.subarray(0, Math.floor(rand() * asResponse.length)));
      const inflated = Buffer.from(asResponse);
      inflated[1] = 0xff;
      out.push(inflated);
      return out;
    };
    const peer = await misbehavingPeer(mutate);
    running.push({ stop: peer.close });
    const { poller } = await startPoller([
      { name: "echo", address: "127.0.0.1", port: peer.port, community: "public", intervalSec: 1, timeoutMs: 300, retries: 1 },
      {
        name: "echo-v3",
        address: "127.0.0.1",
        port: peer.port,
        version: "3",
        v3: { user: "tw", authKey: "authpass123", privKey: "privpass123" },
        intervalSec: 1,
        timeoutMs: 300,
        retries: 1,
      },
    ]);
    const polls = (name: string) => {
      const p = poller.stats()[name]!.polls;
      return p.ok + p.timeout + p.error;
    };
    await waitFor("eight polls each", () => polls("echo") >= 8 && polls("echo-v3") >= 8, 25_000);
    expect(peer.requests()).toBeGreaterThanOrEqual(16);
    const drops = { ...poller.stats().echo!.drops, ...poller.stats()["echo-v3"]!.drops };
    expect(drops.garbage_response).toBeGreaterThan(0);
    expect(drops.invalid_response).toBeGreaterThan(0);
    const t = Date.now();
    await poller.stop();
    expect(Date.now() - t).toBeLessThan(2_000);
    // Stopped means stopped: no more requests arrive.
    const after = peer.requests();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(peer.requests()).toBe(after);
  });
});
