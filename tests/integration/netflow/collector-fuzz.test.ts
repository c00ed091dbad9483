// Throws 100,000 random and mutated datagrams (bit flips, truncations, length and count lies,
// splices, random bytes) at the running collector over real UDP, then checks it still decodes
// valid exports and counted the garbage by reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeIpfix } from "@/lib/telemetry/netflow/encode-ipfix";
import { encodeNetflowV5 } from "@/lib/telemetry/netflow/encode-netflow-v5";
import { encodeNetflowV9 } from "@/lib/telemetry/netflow/encode-netflow-v9";
import { collectorDroppedTotal } from "@/workers/collectors/collector-metrics";
import { mutate, rng, sampleFlows, seedDatagrams } from "../../unit/telemetry/netflow/flow-mutations";
import { startTestCollector, type TestCollector } from "./collector-harness";

const EXPORT_MS = Date.now();
const TOTAL = 100_000;
const BATCH = 500;

let t: TestCollector;
beforeAll(async () => {
  // Held data sets time out quickly here, so the sweep's unknown_template drops show up too.
  // Templates expire after 2 s too: the junk ones the fuzzing defines fill this exporter's template
  // quota (new ids refused as template_overflow) until they expire.
  t = await startTestCollector({ pendingMaxAgeSec: 1, templateTimeoutSec: 2, sweepIntervalSec: 0.25 });
});
afterAll(async () => {
  await t?.stop();
});

describe("netflow collector under fuzzing", () => {
  it(`keeps working after ${TOTAL.toLocaleString("en")} hostile datagrams`, { timeout: 60_000 }, async () => {
    const r = rng(0x5eed);
    const seeds = seedDatagrams(EXPORT_MS);
    let sent = 0;
    while (sent < TOTAL) {
      const batch = Array.from({ length: BATCH }, () => mutate(r, seeds));
      await t.send(batch);
      sent += batch.length;
      // Let the collector catch up so the kernel never has to drop (allow a stray loss, not a stall).
      await t.waitFor(() => t.collector.stats().datagrams >= sent - 5, 10_000, `the collector to receive ${sent} datagrams`);
    }
    const stats = t.collector.stats();
    expect(stats.datagrams).toBeGreaterThanOrEqual(TOTAL - 5);
    expect(stats.records).toBeGreaterThan(0);
    expect(stats.drops.decoder_error ?? 0).toBe(0);

    // Valid exports still decode, exactly (once the junk templates expired).
    await new Promise((r) => setTimeout(r, 2_500));
    const fresh = sampleFlows(20, EXPORT_MS, 7).filter((f) => !f.srcAddr.includes(":"));
    const before = t.flows.length;
    await t.send(encodeNetflowV5(fresh, { exportMs: EXPORT_MS }).datagrams);
    await t.send(encodeNetflowV9(fresh, { exportMs: EXPORT_MS, sourceId: 0x7e57 }).datagrams);
    await t.send(encodeIpfix(fresh, { exportMs: EXPORT_MS, observationDomainId: 0x7e57 }).datagrams);
    await t.waitFor(() => t.flows.length >= before + 3 * fresh.length, 5000, "the valid flows");
    const got = t.flows.slice(before).map((f) => [f.srcAddr, f.dstAddr, f.srcPort, f.bytes, f.packets, f.startMs, f.endMs]);
    const want = fresh.map((f) => [f.srcAddr, f.dstAddr, f.srcPort, f.bytes, f.packets, f.startMs, f.endMs]);
    expect(got).toEqual([...want, ...want, ...want]);

    // The garbage was counted, by reason, in the Prometheus counter.
    const { values } = await collectorDroppedTotal.get();
    const byReason = Object.fromEntries(values.filter((v) => v.labels.collector === "netflow").map((v) => [v.labels.reason, v.value]));
    for (const reason of ["truncated", "bad_version", "count_overrun", "bad_template", "bad_field_length", "pending_overflow", "unknown_template"]) {
      expect(byReason[reason], `drops counted as ${reason}`).toBeGreaterThan(0);
    }
  });
});
