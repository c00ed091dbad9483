// COLLECTOR_ALLOWED_SOURCES at the flow collector: datagrams from exporters outside the allowed CIDRs
// are dropped before decoding (counted as source_not_allowed, no exporter state, no flows), while an
// allowed exporter's flows still arrive.
import dgram from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { encodeNetflowV5 } from "@/lib/telemetry/netflow/encode-netflow-v5";
import { sampleFlows } from "../../unit/telemetry/netflow/flow-mutations";
import { startTestCollector, type TestCollector } from "./collector-harness";

let running: TestCollector | undefined;
/** IPv4 sample flows (v5 carries no IPv6). */
const v4Flows = (n: number, now: number) => sampleFlows(n * 2, now).filter((f) => !f.srcAddr.includes(":")).slice(0, n);
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** Sends from a socket bound to `from` (any 127/8 address is the loopback's). */
function sendFrom(from: string, port: number, datagrams: readonly Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket("udp4");
    sock.once("error", reject);
    sock.bind(0, from, () => {
      let left = datagrams.length;
      for (const d of datagrams) {
        sock.send(d, port, "127.0.0.1", (err) => {
          if (err) reject(err);
          if (--left === 0) sock.close(() => resolve());
        });
      }
    });
  });
}

describe("netflow collector with allowed sources", () => {
  it("drops and counts datagrams from exporters outside the allowed CIDRs, keeps the allowed one's", async () => {
    running = await startTestCollector({ allowedSources: ["127.0.0.1/32", "192.0.2.0/24"] });
    const now = Date.now();
    const datagrams = encodeNetflowV5(v4Flows(60, now), { exportMs: now }).datagrams;
    await sendFrom("127.0.0.7", running.port, datagrams);
    await sendFrom("127.0.0.1", running.port, datagrams);
    await running.waitFor(() => running!.collector.stats().datagrams === 2 * datagrams.length, 5000, "all datagrams");
    const stats = running.collector.stats();
    expect(stats.drops.source_not_allowed).toBe(datagrams.length);
    expect(running.flows.length).toBe(60);
    expect(new Set(running.flows.map((f) => f.exporter))).toEqual(new Set(["127.0.0.1"]));
  });

  it("accepts every exporter when no CIDR is given (the default)", async () => {
    running = await startTestCollector();
    const now = Date.now();
    const datagrams = encodeNetflowV5(v4Flows(30, now), { exportMs: now }).datagrams;
    await sendFrom("127.0.0.7", running.port, datagrams);
    await running.waitFor(() => running!.flows.length === 30, 5000, "flows");
    expect(running.collector.stats().drops.source_not_allowed).toBeUndefined();
  });
});
