import { describe, expect, it } from "vitest";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { decodeFlowDatagram } from "@/lib/telemetry/netflow/decode-flow-datagram";
import { DropTally } from "@/lib/telemetry/netflow/drop-tally";
import { encodeIpfix } from "@/lib/telemetry/netflow/encode-ipfix";
import { encodeNetflowV5 } from "@/lib/telemetry/netflow/encode-netflow-v5";
import { encodeNetflowV9 } from "@/lib/telemetry/netflow/encode-netflow-v9";
import { TemplateCache } from "@/lib/telemetry/netflow/template-cache";
import { mutate, rng, sampleFlows, seedDatagrams } from "./flow-mutations";

const EXPORT_MS = 1_700_000_000_000;
const NOW = 1_800_000_000_000;

function wellFormed(r: FlowRecord): boolean {
  // Garbage in, garbage out is allowed (a v9 packet with its version flipped to 5 decodes as
  // nonsense v5 flows), but never a value downstream code cannot handle.
  const counts = [r.srcPort, r.dstPort, r.protocol, r.bytes, r.packets, r.tcpFlags, r.inputIf, r.outputIf, r.samplingRate];
  return (
    typeof r.srcAddr === "string" &&
    typeof r.dstAddr === "string" &&
    r.srcAddr.length > 0 &&
    r.dstAddr.length > 0 &&
    counts.every((n) => Number.isFinite(n) && n >= 0) &&
    Number.isFinite(r.startMs) &&
    Number.isFinite(r.endMs) &&
    r.samplingRate >= 1
  );
}

describe("decodeFlowDatagram", () => {
  it.each([
    { name: "v5", datagram: encodeNetflowV5(sampleFlows(4, EXPORT_MS), { exportMs: EXPORT_MS }).datagrams[0]!, version: 5, records: 4 },
    { name: "v9", datagram: encodeNetflowV9(sampleFlows(5, EXPORT_MS), { exportMs: EXPORT_MS }).datagrams[0]!, version: 9, records: 5 },
    { name: "IPFIX", datagram: encodeIpfix(sampleFlows(5, EXPORT_MS), { exportMs: EXPORT_MS }).datagrams[0]!, version: 10, records: 5 },
    { name: "NetFlow v1", datagram: Buffer.from([0, 1, 0, 0]), version: null, records: 0, reason: "bad_version" },
    { name: "one byte", datagram: Buffer.from([0]), version: null, records: 0, reason: "truncated" },
    { name: "empty", datagram: Buffer.alloc(0), version: null, records: 0, reason: "truncated" },
  ])("dispatches by version: $name", ({ datagram, version, records, reason }) => {
    const result = decodeFlowDatagram(datagram, "192.0.2.1", NOW, new TemplateCache());
    expect(result.version).toBe(version);
    expect(result.records).toHaveLength(records);
    expect(result.drops).toEqual(reason ? [{ reason, count: 1 }] : []);
  });

  it("survives 50,000 random and mutated datagrams, keeps its state bounded, and still decodes valid input", () => {
    const r = rng(20240607);
    const seeds = seedDatagrams(EXPORT_MS);
    const cache = new TemplateCache({ pendingMaxSets: 200 });
    const reasons = new DropTally();
    let records = 0;
    for (let i = 0; i < 50_000; i++) {
      const d = mutate(r, seeds);
      const result = decodeFlowDatagram(d, `10.0.0.${i % 4}`, NOW + i, cache);
      reasons.addAll(result.drops);
      records += result.records.length;
      for (const rec of result.records) {
        if (!wellFormed(rec)) throw new Error(`malformed record from ${d.toString("hex")}: ${JSON.stringify(rec)}`);
      }
    }
    expect(records).toBeGreaterThan(0);
    const seen = new Set(reasons.toArray().map((d) => d.reason));
    for (const reason of ["truncated", "bad_version", "count_overrun", "bad_template", "bad_field_length", "pending_overflow"]) {
      expect(seen, reason).toContain(reason);
    }
    const stats = cache.stats();
    expect(stats.pendingSets).toBeLessThanOrEqual(4 * 200);
    expect(stats.templates).toBeLessThanOrEqual(4 * 256);

    // the junk templates each fuzzed exporter defined hold its quota (new ids are refused, counted)
    // until they expire; then it decodes valid input again
    expect(seen).toContain("template_overflow");
    const later = NOW + 50_000 + cache.templateTimeoutMs + 1;
    cache.sweep(later, reasons);
    const fresh = sampleFlows(3, EXPORT_MS).filter((f) => !f.srcAddr.includes(":"));
    for (const datagram of [
      encodeNetflowV5(fresh, { exportMs: EXPORT_MS }).datagrams[0]!,
      encodeNetflowV9(fresh, { exportMs: EXPORT_MS, sourceId: 0xabcdef }).datagrams[0]!,
      encodeIpfix(fresh, { exportMs: EXPORT_MS, observationDomainId: 0xabcdef }).datagrams[0]!,
    ]) {
      const result = decodeFlowDatagram(datagram, "10.0.0.1", later, cache);
      expect(result.records.map((rec) => [rec.srcAddr, rec.bytes])).toEqual(fresh.map((f) => [f.srcAddr, f.bytes]));
    }
  });
});
