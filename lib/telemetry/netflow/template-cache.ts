// NetFlow v9 / IPFIX decoding state per exporter: templates keyed by exporter address + source id
// (v9) or observation domain id (IPFIX) + template id, what options records announced (sampling
// rates, system init time), and data sets held while their template has not arrived yet.
//
// Everything is bounded: templates expire when not refreshed (default 30 min), each exporter keeps
// at most `maxTemplatesPerExporter` templates (least recently refreshed evicted), `maxDomainsPerExporter`
// domains, and `pendingMaxSets` / `pendingMaxBytes` held sets no older than `pendingMaxAgeMs`. The
// cache has no clock: every call that depends on time is given `now` (epoch ms).
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
  maxTemplatesPerExporter?: number;
  maxDomainsPerExporter?: number;
  maxExporters?: number;
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
}

interface ExporterEntry {
  /** Keyed by domain * 65536 + template id; insertion order = least recently refreshed first. */
  templates: Map<number, StoredTemplate>;
  domains: Map<number, DomainState>;
  pending: PendingSet[];
  pendingBytes: number;
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
  private readonly exporters = new Map<string, ExporterEntry>();

  constructor(options: TemplateCacheOptions = {}) {
    this.templateTimeoutMs = options.templateTimeoutMs ?? 30 * 60_000;
    this.pendingMaxSets = options.pendingMaxSets ?? 1000;
    this.pendingMaxBytes = options.pendingMaxBytes ?? 4 * 1024 * 1024;
    this.pendingMaxAgeMs = options.pendingMaxAgeMs ?? 60_000;
    this.maxTemplatesPerExporter = options.maxTemplatesPerExporter ?? 4096;
    this.maxDomainsPerExporter = options.maxDomainsPerExporter ?? 1024;
    this.maxExporters = options.maxExporters ?? 10_000;
  }

  /** The template for a data set, EXPIRED when it timed out (it is then forgotten), or undefined. */
  lookup(exporter: string, domain: number, templateId: number, now: number): CompiledTemplate | typeof EXPIRED | undefined {
    const entry = this.exporters.get(exporter);
    if (!entry) return undefined;
    const k = key(domain, templateId);
    const stored = entry.templates.get(k);
    if (!stored) return undefined;
    if (now - stored.refreshedAt > this.templateTimeoutMs) {
      entry.templates.delete(k);
      return EXPIRED;
    }
    return stored.template;
  }

  /** The stored template regardless of age (to recognise a refresh), without side effects. */
  peek(exporter: string, domain: number, templateId: number): CompiledTemplate | undefined {
    return this.exporters.get(exporter)?.templates.get(key(domain, templateId))?.template;
  }

  /** Stores (or replaces) a template and marks it refreshed at `now`. */
  define(exporter: string, domain: number, template: CompiledTemplate, now: number, tally: DropTally): void {
    const entry = this.entry(exporter, tally);
    const k = key(domain, template.id);
    entry.templates.delete(k);
    entry.templates.set(k, { template, domain, refreshedAt: now });
    while (entry.templates.size > this.maxTemplatesPerExporter) {
      const oldest = entry.templates.keys().next().value;
      if (oldest === undefined) break;
      entry.templates.delete(oldest);
    }
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
  }

  /** IPFIX template withdrawal of one template id. */
  withdraw(exporter: string, domain: number, templateId: number): boolean {
    return this.exporters.get(exporter)?.templates.delete(key(domain, templateId)) ?? false;
  }

  /** IPFIX "withdraw all" (template id 2 or 3 with no fields): every (options) template of the domain. */
  withdrawAll(exporter: string, domain: number, options: boolean): number {
    const entry = this.exporters.get(exporter);
    if (!entry) return 0;
    let n = 0;
    for (const [k, stored] of entry.templates) {
      if (stored.domain === domain && stored.template.options === options) {
        entry.templates.delete(k);
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
      while (entry.domains.size > this.maxDomainsPerExporter) {
        const oldest = entry.domains.keys().next().value;
        if (oldest === undefined) break;
        entry.domains.delete(oldest);
      }
    }
    return state;
  }

  /** Holds a data set until its template arrives; counts `pending_overflow` when the exporter's quota is full. */
  hold(exporter: string, set: PendingSet, now: number, tally: DropTally): boolean {
    const entry = this.entry(exporter, tally);
    this.expirePending(entry, now, tally);
    if (entry.pending.length >= this.pendingMaxSets || entry.pendingBytes + set.body.length > this.pendingMaxBytes) {
      tally.add("pending_overflow");
      return false;
    }
    entry.pending.push(set);
    entry.pendingBytes += set.body.length;
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
      for (const [k, stored] of entry.templates) {
        if (now - stored.refreshedAt > this.templateTimeoutMs) entry.templates.delete(k);
      }
      this.expirePending(entry, now, tally);
      if (entry.templates.size === 0 && entry.pending.length === 0 && entry.domains.size === 0) {
        this.exporters.delete(exporter);
      }
    }
  }

  stats(): { exporters: number; templates: number; pendingSets: number; pendingBytes: number } {
    let templates = 0;
    let pendingSets = 0;
    let pendingBytes = 0;
    for (const e of this.exporters.values()) {
      templates += e.templates.size;
      pendingSets += e.pending.length;
      pendingBytes += e.pendingBytes;
    }
    return { exporters: this.exporters.size, templates, pendingSets, pendingBytes };
  }

  private entry(exporter: string, tally: DropTally): ExporterEntry {
    let entry = this.exporters.get(exporter);
    if (!entry) {
      if (this.exporters.size >= this.maxExporters) {
        const oldest = this.exporters.entries().next().value;
        if (oldest) {
          this.exporters.delete(oldest[0]);
          for (const p of oldest[1].pending) tally.add(p.expired ? "template_expired" : "unknown_template");
        }
      }
      entry = { templates: new Map(), domains: new Map(), pending: [], pendingBytes: 0 };
      this.exporters.set(exporter, entry);
    }
    return entry;
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
      } else keep.push(p);
    }
    entry.pending = keep;
  }
}
