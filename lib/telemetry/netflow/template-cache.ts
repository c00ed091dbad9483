// NetFlow v9 / IPFIX decoding state per exporter: templates keyed by exporter address + source id
// (v9) or observation domain id (IPFIX) + template id, what options records announced (sampling
// rates, system init time), and data sets held while their template has not arrived yet.
//
// Everything is bounded, per exporter and across all of them, because any host that can reach the
// port can invent exporters and templates:
// - templates expire when not refreshed (default 30 min);
// - an exporter keeps at most `maxTemplatesPerExporter` templates: new ids beyond it are refused
//   (`template_overflow`) until some expire, so its templates in use are never displaced by its own
//   junk, and a flood of ids costs no compiling; and at most `maxDomainsPerExporter` domains;
// - all exporters together keep at most `maxTemplates` templates (the least recently used evicted)
//   and as many domains' announced options (a domain outlives its templates, so forged ones would
//   pile up otherwise), and `maxPendingSets` / `maxPendingBytes` held sets (the oldest dropped as
//   `pending_overflow`);
// - at most `maxExporters` exporters are tracked (the least recently active forgotten).
// Evictions are counted in `evicted`. The cache has no clock: every call that depends on time is
// given `now` (epoch ms).
import type { CompiledTemplate } from "./compile-template";
import type { DropTally } from "./drop-tally";

export interface TemplateCacheOptions {
  /** A template not refreshed for this long is expired (default 30 min). */
  templateTimeoutMs?: number;
  /** Data sets held per exporter while waiting for their template (default 1000). */
  pendingMaxSets?: number;
  /** Bytes of held data sets per exporter (default 4 MiB). */
  pendingMaxBytes?: number;
  /** How long a held data set waits for its template (default 60 s). */
  pendingMaxAgeMs?: number;
  /** Default 256: real exporters define a few dozen at most. */
  maxTemplatesPerExporter?: number;
  maxDomainsPerExporter?: number;
  /** Exporters tracked (default 10,000). */
  maxExporters?: number;
  /** Templates across all exporters (default 20,000: 1,000 exporters × 20; about 4 KB each in the worker). */
  maxTemplates?: number;
  /** Held data sets across all exporters (default 20,000). */
  maxPendingSets?: number;
  /** Bytes of held data sets across all exporters (default 32 MiB). */
  maxPendingBytes?: number;
}

/** What options records announced for one exporter + source id / observation domain. */
export interface DomainState {
  /** Sampling rate announced without a sampler id (0 = none). */
  defaultSamplingRate: number;
  /** Rates announced per sampler id / selector id. */
  samplerRates: Map<number, number> | null;
  /** IPFIX systemInitTimeMilliseconds (epoch ms), NaN until announced. */
  systemInitMs: number;
}

/** A data set that arrived before its template. */
export interface PendingSet {
  version: 9 | 10;
  domain: number;
  templateId: number;
  /** Copy of the set's records (without the set header). */
  body: Uint8Array;
  receivedAt: number;
  /** Header time and uptime of the datagram that carried it. */
  exportMs: number;
  uptimeRef: number;
  /** The template had been known but expired: dropped as `template_expired` rather than `unknown_template`. */
  expired: boolean;
  /** The set was cut short by its datagram (already counted as `truncated`). */
  cut: boolean;
}

interface StoredTemplate {
  template: CompiledTemplate;
  domain: number;
  refreshedAt: number;
  key: number;
  entry: ExporterEntry;
}

interface ExporterEntry {
  /** Keyed by domain * 65536 + template id; insertion order = least recently refreshed first. */
  templates: Map<number, StoredTemplate>;
  domains: Map<number, DomainState>;
  pending: PendingSet[];
  pendingBytes: number;
}

/** How often each global budget had to evict (since the cache was created). */
export interface TemplateCacheEvictions {
  /** Templates evicted by the per-exporter or the global template budget. */
  templates: number;
  /** Held data sets dropped to make room under the global budget. */
  pendingSets: number;
  /** Exporters forgotten (with their templates and held sets) to make room for a new one. */
  exporters: number;
  /** Domains' announced options forgotten to keep all exporters' domains within the budget. */
  domains: number;
}

export const EXPIRED = "expired" as const;

const key = (domain: number, templateId: number) => domain * 65536 + templateId;

export class TemplateCache {
  readonly templateTimeoutMs: number;
  readonly pendingMaxSets: number;
  readonly pendingMaxBytes: number;
  readonly pendingMaxAgeMs: number;
  private readonly maxTemplatesPerExporter: number;
  private readonly maxDomainsPerExporter: number;
  private readonly maxExporters: number;
  private readonly maxTemplates: number;
  private readonly maxPendingSets: number;
  private readonly maxPendingBytesTotal: number;
  /** Insertion order = least recently active first. */
  private readonly exporters = new Map<string, ExporterEntry>();
  /** Every stored template; insertion order = least recently used (defined, refreshed or looked up) first. */
  private readonly lru = new Set<StoredTemplate>();
  /** Every held set in arrival order, with its exporter. */
  private readonly pendingOrder = new Map<PendingSet, ExporterEntry>();
  private pendingBytesTotal = 0;
  private domainCount = 0;
  readonly evicted: TemplateCacheEvictions = { templates: 0, pendingSets: 0, exporters: 0, domains: 0 };

  constructor(options: TemplateCacheOptions = {}) {
    this.templateTimeoutMs = options.templateTimeoutMs ?? 30 * 60_000;
    this.pendingMaxSets = options.pendingMaxSets ?? 1000;
    this.pendingMaxBytes = options.pendingMaxBytes ?? 4 * 1024 * 1024;
    this.pendingMaxAgeMs = options.pendingMaxAgeMs ?? 60_000;
    this.maxTemplatesPerExporter = options.maxTemplatesPerExporter ?? 256;
    this.maxDomainsPerExporter = options.maxDomainsPerExporter ?? 1024;
    this.maxExporters = options.maxExporters ?? 10_000;
    this.maxTemplates = options.maxTemplates ?? 20_000;
    this.maxPendingSets = options.maxPendingSets ?? 20_000;
    this.maxPendingBytesTotal = options.maxPendingBytes ?? 32 * 1024 * 1024;
  }

  /** The template for a data set, EXPIRED when it timed out (it is then forgotten), or undefined. */
  lookup(exporter: string, domain: number, templateId: number, now: number): CompiledTemplate | typeof EXPIRED | undefined {
    const entry = this.exporters.get(exporter);
    if (!entry) return undefined;
    const k = key(domain, templateId);
    const stored = entry.templates.get(k);
    if (!stored) return undefined;
    if (now - stored.refreshedAt > this.templateTimeoutMs) {
      this.forget(stored);
      return EXPIRED;
    }
    // in use: the last to go when the global budget evicts
    this.lru.delete(stored);
    this.lru.add(stored);
    return stored.template;
  }

  /** The stored template regardless of age (to recognise a refresh), without side effects. */
  peek(exporter: string, domain: number, templateId: number): CompiledTemplate | undefined {
    return this.exporters.get(exporter)?.templates.get(key(domain, templateId))?.template;
  }

  /** Whether `define` would store this template: a known id always, a new one only under the exporter's limit. */
  hasRoom(exporter: string, domain: number, templateId: number): boolean {
    const entry = this.exporters.get(exporter);
    return !entry || entry.templates.size < this.maxTemplatesPerExporter || entry.templates.has(key(domain, templateId));
  }

  /**
   * Stores (or replaces) a template and marks it refreshed at `now`; a new id beyond the exporter's
   * limit is refused (`template_overflow`, returns false).
   */
  define(exporter: string, domain: number, template: CompiledTemplate, now: number, tally: DropTally): boolean {
    if (!this.hasRoom(exporter, domain, template.id)) {
      tally.add("template_overflow");
      return false;
    }
    const entry = this.entry(exporter, tally);
    const k = key(domain, template.id);
    const old = entry.templates.get(k);
    if (old) this.forget(old);
    const stored: StoredTemplate = { template, domain, refreshedAt: now, key: k, entry };
    entry.templates.set(k, stored);
    this.lru.add(stored);
    while (this.lru.size > this.maxTemplates) {
      const oldest = this.lru.values().next().value;
      if (oldest === undefined) break;
      this.forget(oldest);
      this.evicted.templates++;
    }
    return true;
  }

  /** Marks an unchanged template refreshed. */
  touch(exporter: string, domain: number, templateId: number, now: number): void {
    const entry = this.exporters.get(exporter);
    const k = key(domain, templateId);
    const stored = entry?.templates.get(k);
    if (!entry || !stored) return;
    stored.refreshedAt = now;
    entry.templates.delete(k);
    entry.templates.set(k, stored);
    this.lru.delete(stored);
    this.lru.add(stored);
  }

  /** IPFIX template withdrawal of one template id. */
  withdraw(exporter: string, domain: number, templateId: number): boolean {
    const stored = this.exporters.get(exporter)?.templates.get(key(domain, templateId));
    if (!stored) return false;
    this.forget(stored);
    return true;
  }

  /** IPFIX "withdraw all" (template id 2 or 3 with no fields): every (options) template of the domain. */
  withdrawAll(exporter: string, domain: number, options: boolean): number {
    const entry = this.exporters.get(exporter);
    if (!entry) return 0;
    let n = 0;
    for (const stored of entry.templates.values()) {
      if (stored.domain === domain && stored.template.options === options) {
        this.forget(stored);
        n++;
      }
    }
    return n;
  }

  /** Announced options state for a domain (created on first use). */
  domainState(exporter: string, domain: number, tally: DropTally): DomainState {
    const entry = this.entry(exporter, tally);
    let state = entry.domains.get(domain);
    if (!state) {
      state = { defaultSamplingRate: 0, samplerRates: null, systemInitMs: NaN };
      entry.domains.set(domain, state);
      this.domainCount++;
      while (entry.domains.size > this.maxDomainsPerExporter) {
        const oldest = entry.domains.keys().next().value;
        if (oldest === undefined) break;
        entry.domains.delete(oldest);
        this.domainCount--;
      }
      // across all exporters: the least recently active exporters' oldest domains go first
      for (const other of this.exporters.values()) {
        if (this.domainCount <= this.maxTemplates) break;
        for (const d of other.domains.keys()) {
          if (this.domainCount <= this.maxTemplates || (other === entry && d === domain)) break;
          other.domains.delete(d);
          this.domainCount--;
          this.evicted.domains++;
        }
      }
    }
    return state;
  }

  /**
   * Holds a data set until its template arrives; counts `pending_overflow` when the exporter's quota
   * is full. When all exporters together hold too much, the oldest held set anywhere makes room.
   */
  hold(exporter: string, set: PendingSet, now: number, tally: DropTally): boolean {
    const entry = this.entry(exporter, tally);
    this.expirePending(entry, now, tally);
    const size = set.body.length;
    if (
      entry.pending.length >= this.pendingMaxSets ||
      entry.pendingBytes + size > this.pendingMaxBytes ||
      size > this.maxPendingBytesTotal ||
      this.maxPendingSets === 0
    ) {
      tally.add("pending_overflow");
      return false;
    }
    while (this.pendingOrder.size >= this.maxPendingSets || this.pendingBytesTotal + size > this.maxPendingBytesTotal) {
      const oldest = this.pendingOrder.entries().next().value;
      if (oldest === undefined) break;
      const [p, owner] = oldest;
      const i = owner.pending.indexOf(p);
      if (i >= 0) owner.pending.splice(i, 1);
      owner.pendingBytes -= p.body.length;
      this.unhold(p);
      tally.add("pending_overflow");
      this.evicted.pendingSets++;
    }
    entry.pending.push(set);
    entry.pendingBytes += size;
    this.pendingOrder.set(set, entry);
    this.pendingBytesTotal += size;
    return true;
  }

  /** Removes and returns the held sets a newly defined template decodes. */
  takePending(exporter: string, domain: number, templateId: number, version: 9 | 10): PendingSet[] {
    const entry = this.exporters.get(exporter);
    if (!entry || entry.pending.length === 0) return [];
    let taken: PendingSet[] | undefined;
    const keep: PendingSet[] = [];
    for (const p of entry.pending) {
      if (p.domain === domain && p.templateId === templateId && p.version === version) {
        (taken ??= []).push(p);
        entry.pendingBytes -= p.body.length;
        this.unhold(p);
      } else keep.push(p);
    }
    if (!taken) return [];
    entry.pending = keep;
    return taken;
  }

  /**
   * Forgets expired templates and counts held sets that waited too long (`unknown_template`, or
   * `template_expired` when their template had timed out). Call it every few seconds.
   */
  sweep(now: number, tally: DropTally): void {
    for (const [exporter, entry] of this.exporters) {
      for (const stored of entry.templates.values()) {
        if (now - stored.refreshedAt > this.templateTimeoutMs) this.forget(stored);
      }
      this.expirePending(entry, now, tally);
      if (entry.templates.size === 0 && entry.pending.length === 0 && entry.domains.size === 0) {
        this.exporters.delete(exporter);
      }
    }
  }

  stats(): { exporters: number; templates: number; domains: number; pendingSets: number; pendingBytes: number } {
    return {
      exporters: this.exporters.size,
      domains: this.domainCount,
      templates: this.lru.size,
      pendingSets: this.pendingOrder.size,
      pendingBytes: this.pendingBytesTotal,
    };
  }

  private entry(exporter: string, tally: DropTally): ExporterEntry {
    let entry = this.exporters.get(exporter);
    if (entry) {
      // active: the last to be forgotten when the exporter budget bites
      this.exporters.delete(exporter);
      this.exporters.set(exporter, entry);
      return entry;
    }
    while (this.exporters.size >= this.maxExporters) {
      const oldest = this.exporters.entries().next().value;
      if (!oldest) break;
      const [name, gone] = oldest;
      this.exporters.delete(name);
      this.domainCount -= gone.domains.size;
      for (const stored of gone.templates.values()) this.lru.delete(stored);
      for (const p of gone.pending) {
        tally.add(p.expired ? "template_expired" : "unknown_template");
        this.unhold(p);
      }
      this.evicted.exporters++;
    }
    entry = { templates: new Map(), domains: new Map(), pending: [], pendingBytes: 0 };
    this.exporters.set(exporter, entry);
    return entry;
  }

  private forget(stored: StoredTemplate): void {
    stored.entry.templates.delete(stored.key);
    this.lru.delete(stored);
  }

  private unhold(p: PendingSet): void {
    if (this.pendingOrder.delete(p)) this.pendingBytesTotal -= p.body.length;
  }

  private expirePending(entry: ExporterEntry, now: number, tally: DropTally): void {
    // Held in arrival order: nothing to do unless the oldest is stale.
    const first = entry.pending[0];
    if (!first || now - first.receivedAt <= this.pendingMaxAgeMs) return;
    const keep: PendingSet[] = [];
    for (const p of entry.pending) {
      if (now - p.receivedAt > this.pendingMaxAgeMs) {
        tally.add(p.expired ? "template_expired" : "unknown_template");
        entry.pendingBytes -= p.body.length;
        this.unhold(p);
      } else keep.push(p);
    }
    entry.pending = keep;
  }
}
