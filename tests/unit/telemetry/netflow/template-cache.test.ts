import { describe, expect, it } from "vitest";
import { compileTemplate, type CompiledTemplate } from "@/lib/telemetry/netflow/compile-template";
import { DropTally } from "@/lib/telemetry/netflow/drop-tally";
import { EXPIRED, TemplateCache, type PendingSet } from "@/lib/telemetry/netflow/template-cache";

function template(id: number): CompiledTemplate {
  const result = compileTemplate(id, [{ id: 8, length: 4, enterprise: false }], false, new Uint8Array([id >> 8, id & 255]), false);
  if (!result.ok) throw new Error("fixture template must compile");
  return result.template;
}

const pending = (templateId: number, receivedAt: number, size = 10): PendingSet => ({
  version: 9,
  domain: 0,
  templateId,
  body: new Uint8Array(size),
  receivedAt,
  exportMs: 0,
  uptimeRef: 0,
  expired: false,
  cut: false,
});

describe("TemplateCache", () => {
  it("looks templates up by exporter, domain and id, and reports expiry once", () => {
    const cache = new TemplateCache({ templateTimeoutMs: 1000 });
    const tally = new DropTally();
    cache.define("a", 1, template(256), 0, tally);
    expect(cache.lookup("a", 1, 256, 1000)).toBeDefined();
    expect(cache.lookup("a", 2, 256, 0)).toBeUndefined();
    expect(cache.lookup("b", 1, 256, 0)).toBeUndefined();
    expect(cache.lookup("a", 1, 256, 1001)).toBe(EXPIRED);
    expect(cache.lookup("a", 1, 256, 1001)).toBeUndefined();
    expect(tally.empty).toBe(true);
  });

  it("refuses new template ids beyond the per-exporter limit until some expire; redefinitions still pass", () => {
    const cache = new TemplateCache({ maxTemplatesPerExporter: 2, templateTimeoutMs: 1000 });
    const tally = new DropTally();
    expect(cache.define("a", 0, template(256), 0, tally)).toBe(true);
    expect(cache.define("a", 0, template(257), 1, tally)).toBe(true);
    expect(cache.hasRoom("a", 0, 258)).toBe(false);
    expect(cache.define("a", 0, template(258), 3, tally)).toBe(false);
    expect(tally.toArray()).toEqual([{ reason: "template_overflow", count: 1 }]);
    expect(cache.define("a", 0, template(257), 4, tally)).toBe(true); // a known id is replaced
    expect(cache.define("b", 0, template(258), 4, tally)).toBe(true); // other exporters are unaffected
    expect(cache.peek("a", 0, 258)).toBeUndefined();
    // once 256 expires there is room again
    cache.sweep(1002, tally);
    expect(cache.define("a", 0, template(258), 1003, tally)).toBe(true);
  });

  it("bounds held data sets by count, bytes and age", () => {
    const cache = new TemplateCache({ pendingMaxSets: 3, pendingMaxBytes: 25, pendingMaxAgeMs: 100 });
    const tally = new DropTally();
    expect(cache.hold("a", pending(300, 0), 0, tally)).toBe(true);
    expect(cache.hold("a", pending(301, 0), 0, tally)).toBe(true);
    expect(cache.hold("a", pending(302, 0), 0, tally)).toBe(false); // 30 bytes > 25
    expect(tally.toArray()).toEqual([{ reason: "pending_overflow", count: 1 }]);
    // Once the first two are stale, they are counted and make room.
    expect(cache.hold("a", pending(303, 150), 150, tally)).toBe(true);
    expect(tally.toArray()).toEqual([
      { reason: "unknown_template", count: 2 },
      { reason: "pending_overflow", count: 1 },
    ]);
    expect(cache.takePending("a", 0, 303, 9)).toHaveLength(1);
    expect(cache.takePending("a", 0, 303, 9)).toHaveLength(0);
    expect(cache.stats()).toMatchObject({ pendingSets: 0, pendingBytes: 0 });
  });

  it("sweeps expired templates and forgets idle exporters", () => {
    const cache = new TemplateCache({ templateTimeoutMs: 1000 });
    const tally = new DropTally();
    cache.define("a", 0, template(256), 0, tally);
    cache.define("b", 0, template(256), 900, tally);
    cache.sweep(1500, tally);
    expect(cache.stats()).toMatchObject({ templates: 1 });
    expect(cache.peek("b", 0, 256)).toBeDefined();
  });

  it("withdraws all templates of one domain only", () => {
    const cache = new TemplateCache();
    const tally = new DropTally();
    cache.define("a", 1, template(256), 0, tally);
    cache.define("a", 1, template(257), 0, tally);
    cache.define("a", 2, template(256), 0, tally);
    expect(cache.withdrawAll("a", 1, false)).toBe(2);
    expect(cache.stats().templates).toBe(1);
  });

  it("limits the number of exporters, dropping the oldest one's held sets", () => {
    const cache = new TemplateCache({ maxExporters: 2 });
    const tally = new DropTally();
    cache.hold("a", pending(300, 0), 0, tally);
    cache.hold("b", pending(300, 0), 0, tally);
    cache.hold("c", pending(300, 0), 0, tally);
    expect(cache.stats()).toMatchObject({ exporters: 2, pendingSets: 2 });
    expect(tally.toArray()).toEqual([{ reason: "unknown_template", count: 1 }]);
    expect(cache.evicted.exporters).toBe(1);
  });

  it("bounds templates across all exporters, evicting the least recently used", () => {
    const cache = new TemplateCache({ maxTemplates: 1000, maxTemplatesPerExporter: 4096 });
    const tally = new DropTally();
    cache.define("legit", 0, template(256), 0, tally);
    const templates = Array.from({ length: 4096 }, (_, i) => template(256 + i));
    // 100 forged exporters × 4,096 templates each; the real exporter's template is in use throughout
    for (let e = 0; e < 100; e++) {
      for (let id = 256; id < 256 + 4096; id++) {
        cache.define(`forged-${e}`, 0, templates[id - 256]!, 0, tally);
        // the real exporter's data keeps arriving meanwhile (more often than the budget turns over)
        if (id % 500 === 0) expect(cache.lookup("legit", 0, 256, 0)).toBeDefined();
      }
    }
    expect(cache.stats()).toMatchObject({ templates: 1000, exporters: 101 });
    expect(cache.evicted.templates).toBe(100 * 4096 + 1 - 1000);
    expect(tally.empty).toBe(true);
  });

  it("keeps one exporter to its own template limit: the first ones stay, the rest are counted", () => {
    const cache = new TemplateCache({ maxTemplatesPerExporter: 10 });
    const tally = new DropTally();
    for (let id = 256; id < 300; id++) cache.define("a", 0, template(id), 0, tally);
    expect(cache.stats().templates).toBe(10);
    expect(tally.toArray()).toEqual([{ reason: "template_overflow", count: 34 }]);
    expect(cache.peek("a", 0, 256)).toBeDefined();
    expect(cache.peek("a", 0, 299)).toBeUndefined();
  });

  it("bounds domains' announced options across all exporters (they outlive their templates)", () => {
    const cache = new TemplateCache({ maxTemplates: 100 });
    const tally = new DropTally();
    cache.domainState("legit", 7, tally).defaultSamplingRate = 100;
    for (let e = 0; e < 50; e++) for (let d = 0; d < 50; d++) cache.domainState(`forged-${e}`, d, tally);
    expect(cache.stats().domains).toBe(100);
    expect(cache.evicted.domains).toBe(2_501 - 100);
    // the most recently active exporters keep theirs; the newest domain is never the one evicted
    expect(cache.domainState("forged-49", 49, tally)).toBeDefined();
    expect(cache.stats().domains).toBe(100);
    // an active exporter keeps its domain state: the legit exporter was forgotten while idle, and
    // starts again from the defaults
    expect(cache.domainState("legit", 7, tally).defaultSamplingRate).toBe(0);
  });

  it("bounds held sets across all exporters: the oldest anywhere is dropped as pending_overflow", () => {
    const cache = new TemplateCache({ maxPendingSets: 50, maxPendingBytes: 10_000, pendingMaxSets: 1000 });
    const tally = new DropTally();
    for (let e = 0; e < 100; e++) cache.hold(`forged-${e}`, pending(300, 0), 0, tally);
    expect(cache.stats()).toMatchObject({ pendingSets: 50, pendingBytes: 500 });
    expect(tally.toArray()).toEqual([{ reason: "pending_overflow", count: 50 }]);
    expect(cache.evicted.pendingSets).toBe(50);
    // the newest are the ones kept, and still decode when their template arrives
    expect(cache.takePending("forged-0", 0, 300, 9)).toHaveLength(0);
    expect(cache.takePending("forged-99", 0, 300, 9)).toHaveLength(1);
    // bytes are bounded too
    expect(cache.hold("big", pending(301, 0, 9_990), 0, tally)).toBe(true);
    expect(cache.stats().pendingBytes).toBeLessThanOrEqual(10_000);
    expect(cache.hold("huge", pending(301, 0, 10_001), 0, tally)).toBe(false);
  });
});
