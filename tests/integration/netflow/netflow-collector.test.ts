import dgram from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { encodeIpfix } from "@/lib/telemetry/netflow/encode-ipfix";
import { encodeNetflowV5 } from "@/lib/telemetry/netflow/encode-netflow-v5";
import { encodeNetflowV9 } from "@/lib/telemetry/netflow/encode-netflow-v9";
import {
  collectorDroppedTotal,
  collectorUp,
  flowEstimatedLostTotal,
  flowPacketsTotal,
  flowRecordsTotal,
} from "@/workers/collectors/collector-metrics";
import { netflowCollector, netflowConfigSchema } from "@/workers/collectors/netflow-collector";
import { sampleFlows } from "../../unit/telemetry/netflow/flow-mutations";
import { startTestCollector, type TestCollector } from "./collector-harness";

// recent (records far from the arrival time are dropped as clock_skew), whole seconds (IPFIX export time)
const EXPORT_MS = Math.floor(Date.now() / 1000) * 1000;

async function counter(metric: { get(): Promise<{ values: { labels: Record<string, string | number>; value: number }[] }> }, labels: Record<string, string>) {
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val))?.value ?? 0;
}

let running: TestCollector | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe("netflow collector", () => {
  it("has the documented config defaults", () => {
    expect(netflowConfigSchema.parse({})).toMatchObject({ port: 2055, host: "0.0.0.0", templateTimeoutSec: 1800 });
    expect(netflowCollector.name).toBe("netflow");
  });

  it("decodes v5, v9 and IPFIX datagrams into the sink and counts them in the Prometheus metrics", async () => {
    running = await startTestCollector();
    const t = running;
    expect(t.port).toBeGreaterThan(0);
    expect(await counter(collectorUp, { collector: "netflow" })).toBe(1);
    const before = {
      r5: await counter(flowRecordsTotal, { version: "5" }),
      r9: await counter(flowRecordsTotal, { version: "9" }),
      r10: await counter(flowRecordsTotal, { version: "10" }),
      d10: await counter(flowPacketsTotal, { version: "10" }),
    };
    const v4 = sampleFlows(40, EXPORT_MS).filter((f) => !f.srcAddr.includes(":"));
    const all = sampleFlows(40, EXPORT_MS);
    await t.send(encodeNetflowV5(v4, { exportMs: EXPORT_MS }).datagrams);
    await t.send(encodeNetflowV9(all, { exportMs: EXPORT_MS, maxDatagramBytes: 600 }).datagrams.slice(0, 1)); // templates first
    await t.send(encodeNetflowV9(all, { exportMs: EXPORT_MS, maxDatagramBytes: 600 }).datagrams.slice(1));
    const ipfix = encodeIpfix(all, { exportMs: EXPORT_MS, samplingInterval: 10 }).datagrams;
    await t.send(ipfix);
    const expected = v4.length + 2 * all.length;
    await t.waitFor(() => t.flows.length >= expected, 5000, `${expected} flows`);
    expect(t.flows).toHaveLength(expected);
    expect(t.flows.every((f) => f.exporter === "127.0.0.1")).toBe(true);
    expect(t.flows.slice(-all.length).every((f) => f.samplingRate === 10)).toBe(true);
    expect(await counter(flowRecordsTotal, { version: "5" })).toBe(before.r5 + v4.length);
    expect(await counter(flowRecordsTotal, { version: "9" })).toBe(before.r9 + all.length);
    expect(await counter(flowRecordsTotal, { version: "10" })).toBe(before.r10 + all.length);
    expect(await counter(flowPacketsTotal, { version: "10" })).toBe(before.d10 + ipfix.length);
    expect(t.collector.stats()).toMatchObject({ records: expected, sinkErrors: 0, estimatedLost: 0 });
  });

  it("estimates loss from sequence gaps", async () => {
    running = await startTestCollector();
    const t = running;
    const lostBefore = await counter(flowEstimatedLostTotal, { version: "5" });
    const v4 = sampleFlows(150, EXPORT_MS).filter((f) => !f.srcAddr.includes(":"));
    const datagrams = encodeNetflowV5(v4, { exportMs: EXPORT_MS, sequence: 1000 }).datagrams; // 4 of 30
    await t.send([datagrams[0]!]);
    await t.waitFor(() => t.collector.stats().datagrams === 1);
    await t.send([datagrams[2]!]); // the second one is "lost"
    await t.waitFor(() => t.collector.stats().datagrams === 2);
    await t.send([datagrams[3]!]);
    await t.waitFor(() => t.collector.stats().datagrams === 3);
    expect(t.collector.stats().estimatedLost).toBe(30);
    expect(await counter(flowEstimatedLostTotal, { version: "5" })).toBe(lostBefore + 30);
  });

  it("survives a sink that throws: logs at most once per interval and keeps serving", async () => {
    running = await startTestCollector();
    const t = running;
    let calls = 0;
    t.onFlows = () => {
      calls++;
      throw new Error("database down");
    };
    const datagrams = encodeNetflowV5(sampleFlows(300, EXPORT_MS).filter((f) => !f.srcAddr.includes(":")), { exportMs: EXPORT_MS }).datagrams;
    await t.send(datagrams);
    await t.waitFor(() => calls === datagrams.length, 5000, "every datagram reaching the sink");
    expect(t.collector.stats().sinkErrors).toBe(datagrams.length);
    expect(t.logs.filter((l) => l.msg === "telemetry sink rejected flows")).toHaveLength(1);
    t.onFlows = (records) => void t.flows.push(...records);
    await t.send(datagrams.slice(0, 1));
    await t.waitFor(() => t.flows.length === 30, 5000, "flows after the sink recovered");
  });

  it("counts undecodable datagrams by reason", async () => {
    running = await startTestCollector();
    const t = running;
    const before = await counter(collectorDroppedTotal, { collector: "netflow", reason: "bad_version" });
    await t.send([Buffer.from([0, 1, 2, 3]), Buffer.from([0]), Buffer.from("hello world")]);
    await t.waitFor(() => t.collector.stats().datagrams === 3);
    expect(t.collector.stats().drops).toEqual({ bad_version: 2, truncated: 1 });
    expect(await counter(collectorDroppedTotal, { collector: "netflow", reason: "bad_version" })).toBe(before + 2);
    expect(await counter(flowPacketsTotal, { version: "unknown" })).toBeGreaterThanOrEqual(3);
  });

  it("stop() closes the socket and frees the port", async () => {
    const t = await startTestCollector();
    await t.stop();
    expect(await counter(collectorUp, { collector: "netflow" })).toBe(0);
    const s = dgram.createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.bind(t.port, "127.0.0.1", resolve);
    });
    s.close();
  });
});
