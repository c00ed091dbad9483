// Floods a single host on the network can send to the flow port, against the real collector over
// real UDP: future-dated NetFlow v5 (the export clock says 2096), v9 templates and template-less data
// from 100 forged exporters, and one exporter inventing sequence streams. Each budget holds (the
// structures' sizes, as the collector reports them, stay at their limits), what was dropped or
// evicted is counted in the worker's Prometheus metrics, and a legitimate exporter's flows keep
// decoding during and after the flood.
import { afterEach, describe, expect, it } from "vitest";
import { encodeNetflowV5 } from "@/lib/telemetry/netflow/encode-netflow-v5";
import { encodeNetflowV9 } from "@/lib/telemetry/netflow/encode-netflow-v9";
import { collectorDroppedTotal, flowBudgetEvictionsTotal, flowExporterClockSkewSeconds, metricsRegistry } from "@/workers/collectors/collector-metrics";
import { sampleFlows } from "../../unit/telemetry/netflow/flow-mutations";
import { startTestCollector, type TestCollector } from "./collector-harness";
import { forgedExporter, futureDatedV5, sendFrom, v9TemplateFlood, v9UnknownTemplateData } from "./hostile-traffic";

const MB = 1024 * 1024;

async function counter(metric: { get(): Promise<{ values: { labels: Record<string, string | number>; value: number }[] }> }, labels: Record<string, string>) {
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val))?.value ?? 0;
}

/** Legitimate v5 traffic from 127.0.0.1: `n` recent flows (whole seconds, as an exporter would send). */
function legitV5(n: number, offset: number) {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const flows = sampleFlows(n, now, offset).filter((f) => !f.srcAddr.includes(":"));
  return { flows, datagrams: encodeNetflowV5(flows, { exportMs: now, sequence: offset }).datagrams };
}

let running: TestCollector | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe("netflow collector under hostile floods", () => {
  it("drops 4,000 future-dated v5 datagrams as clock_skew, names the exporter, and keeps decoding real flows", { timeout: 30_000 }, async () => {
    running = await startTestCollector();
    const t = running;
    const skewedBefore = await counter(collectorDroppedTotal, { collector: "netflow", reason: "clock_skew" });
    const heapBefore = process.memoryUsage().heapUsed;
    const flood = futureDatedV5(4000);
    let legitSent = 0;
    let datagramsSent = 0;
    // a real exporter keeps sending while the flood runs; each burst is taken in before the next, so
    // a busy machine's socket buffer never overflows and every count below is exact
    for (let i = 0; i < flood.length; i += 100) {
      const burst = flood.slice(i, i + 100);
      await sendFrom("127.0.0.9", t.port, burst, "127.0.0.1");
      datagramsSent += burst.length;
      if (i % 500 === 0) {
        const legit = legitV5(30, legitSent);
        await t.send(legit.datagrams);
        legitSent += legit.flows.length;
        datagramsSent += legit.datagrams.length;
      }
      await t.waitFor(() => t.collector.stats().datagrams >= datagramsSent, 10_000, `the first ${datagramsSent} datagrams`);
    }
    const stats = t.collector.stats();
    expect(stats.drops.clock_skew).toBe(4000 * 30);
    // nothing dated 2096 reached the rollup; every legitimate flow did
    expect(t.flows.filter((f) => f.exporter === "127.0.0.9")).toHaveLength(0);
    expect(t.flows.filter((f) => f.exporter === "127.0.0.1")).toHaveLength(legitSent);
    expect(await counter(collectorDroppedTotal, { collector: "netflow", reason: "clock_skew" })).toBe(skewedBefore + 120_000);
    // the exporter with the broken clock is named, for the Overview and in the metrics
    const [skewed] = t.collector.report().clockSkew;
    expect(skewed).toMatchObject({ exporter: "127.0.0.9", records: 120_000 });
    expect(skewed!.skewSec).toBeGreaterThan(60 * 365 * 86_400);
    // the sweep publishes the gauge (every 5 s by default); read it from the registry's text as Prometheus would
    await new Promise((r) => setTimeout(r, 5_200));
    const text = await metricsRegistry.metrics();
    expect(text).toMatch(/tidewatch_flow_exporter_clock_skew_seconds\{exporter="127\.0\.0\.9"\} \d{10}/);
    expect(await counter(flowExporterClockSkewSeconds, { exporter: "127.0.0.9" })).toBeGreaterThan(0);
    // 1.4 MB of datagrams held nothing: generous margin for the harness's own flows and GC timing
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * MB);
  });

  it("holds templates from 100 exporters × 1,024 within the per-exporter and global budgets, a real exporter unharmed", { timeout: 60_000 }, async () => {
    running = await startTestCollector({ maxTemplates: 10_000, maxTemplatesPerExporter: 512 });
    const t = running;
    const evictedBefore = await counter(flowBudgetEvictionsTotal, { budget: "templates" });
    const now = Date.now();
    // the real v9 exporter: templates once, then data (each data set is a template lookup: in use)
    const real = sampleFlows(20, Math.floor(now / 1000) * 1000).filter((f) => !f.srcAddr.includes(":"));
    const encoded = encodeNetflowV9(real, { exportMs: Math.floor(now / 1000) * 1000, sourceId: 7 });
    await t.send(encoded.datagrams);
    await t.waitFor(() => t.flows.length >= real.length, 5000, "the real exporter's flows");
    const dataOnly = encodeNetflowV9(real, { exportMs: Math.floor(now / 1000) * 1000, sourceId: 7, templates: "none" }).datagrams;

    let sent = encoded.datagrams.length;
    for (let e = 0; e < 100; e++) {
      const flood = v9TemplateFlood(1024, e, now);
      await sendFrom(forgedExporter(e), t.port, flood, "127.0.0.1");
      sent += flood.length;
      await t.send(dataOnly);
      sent += dataOnly.length;
      await t.waitFor(() => t.collector.stats().datagrams >= sent, 10_000, `exporter ${e}'s templates`);
    }
    const { state, evictions, drops } = t.collector.stats();
    expect(state.templates).toBeLessThanOrEqual(10_000);
    expect(state.exporters).toBe(101);
    // 102,400 forged templates: beyond 512 per exporter refused (never compiled), the rest share 10,000 by LRU
    expect(drops.template_overflow).toBe(100 * 512);
    expect(evictions.templates).toBeGreaterThanOrEqual(100 * 512 - 10_000);
    expect(await counter(flowBudgetEvictionsTotal, { budget: "templates" })).toBe(evictedBefore + evictions.templates);
    // the real exporter's data never waited for a template: all 101 rounds decoded
    expect(t.flows).toHaveLength(real.length * 101);
    expect(t.collector.stats().drops.unknown_template ?? 0).toBe(0);
  });

  it("bounds data held for unknown templates across 100 exporters, dropping the oldest, and forgets exporters beyond the budget", { timeout: 30_000 }, async () => {
    running = await startTestCollector({ maxPendingSets: 2_000, maxPendingBytes: 4 * MB, maxExporters: 50 });
    const t = running;
    const before = await counter(collectorDroppedTotal, { collector: "netflow", reason: "pending_overflow" });
    const now = Date.now();
    let sent = 0;
    for (let e = 0; e < 100; e++) {
      const flood = v9UnknownTemplateData(100, e, now);
      await sendFrom(forgedExporter(e), t.port, flood, "127.0.0.1", 50);
      sent += flood.length;
      await t.waitFor(() => t.collector.stats().datagrams >= sent, 10_000, `exporter ${e}'s datagrams`);
    }
    const { state, evictions, drops } = t.collector.stats();
    expect(state.exporters).toBe(50);
    expect(state.pendingSets).toBeLessThanOrEqual(2_000);
    expect(state.pendingBytes).toBeLessThanOrEqual(4 * MB);
    expect(evictions.exporters).toBe(50);
    expect(evictions.pendingSets).toBeGreaterThan(0);
    // every held set that had to go was counted, as overflow or with its forgotten exporter
    expect((drops.pending_overflow ?? 0) + (drops.unknown_template ?? 0) + state.pendingSets).toBe(10_000);
    expect(await counter(collectorDroppedTotal, { collector: "netflow", reason: "pending_overflow" })).toBe(before + (drops.pending_overflow ?? 0));

    // a real exporter arriving after the flood is tracked and decoded
    const legit = legitV5(30, 0);
    await t.send(legit.datagrams);
    await t.waitFor(() => t.flows.length >= legit.flows.length, 5000, "the legitimate flows");
  });

  it("bounds sequence streams when one source invents thousands of engine ids, and still measures a real exporter's loss", { timeout: 30_000 }, async () => {
    running = await startTestCollector({ maxSequenceStreams: 1_000 });
    const t = running;
    const now = Math.floor(Date.now() / 1000) * 1000;
    const flows = sampleFlows(30, now).filter((f) => !f.srcAddr.includes(":"));
    const flood = Array.from({ length: 5_000 }, (_, i) =>
      encodeNetflowV5(flows, { exportMs: now, engineType: i >> 8, engineId: i & 255, sequence: i }).datagrams[0]!,
    );
    const real = (sequence: number) => encodeNetflowV5(flows, { exportMs: now, engineType: 255, engineId: 255, sequence }).datagrams;
    await t.send(real(0));
    let sent = 1;
    let seq = flows.length;
    for (let i = 0; i < flood.length; i += 250) {
      await sendFrom("127.0.0.9", t.port, flood.slice(i, i + 250), "127.0.0.1");
      await t.send(real(seq));
      seq += flows.length;
      sent += 251;
      await t.waitFor(() => t.collector.stats().datagrams >= sent, 10_000, "every datagram");
    }
    const { state, evictions } = t.collector.stats();
    expect(state.sequenceStreams).toBe(1_000);
    expect(evictions.sequenceStreams).toBe(5_001 - 1_000);
    // the real stream stayed tracked: a gap of 60 records is measured as loss
    const lostBefore = t.collector.stats().estimatedLost;
    await t.send(real(seq + 60));
    await t.waitFor(() => t.collector.stats().estimatedLost > lostBefore, 5000, "the loss estimate");
    expect(t.collector.stats().estimatedLost - lostBefore).toBe(60);
  });
});
