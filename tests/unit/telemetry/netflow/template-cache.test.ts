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

  it("evicts the least recently refreshed template beyond the per-exporter limit", () => {
    const cache = new TemplateCache({ maxTemplatesPerExporter: 2 });
    const tally = new DropTally();
    cache.define("a", 0, template(256), 0, tally);
    cache.define("a", 0, template(257), 1, tally);
    cache.touch("a", 0, 256, 2);
    cache.define("a", 0, template(258), 3, tally);
    expect(cache.peek("a", 0, 256)).toBeDefined();
    expect(cache.peek("a", 0, 257)).toBeUndefined();
    expect(cache.peek("a", 0, 258)).toBeDefined();
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
  });
});
