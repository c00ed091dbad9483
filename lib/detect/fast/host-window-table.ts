// The fast path's state: per destination host (inside `isInternal`), counters over the current short
// window and what the host's earlier windows taught (EWMA and decaying peak per rate). Flows go in
// with their arrival time; `advance` (the worker ticks it every second) judges the open window's
// counts so far, so a flood is reported as soon as it has sent enough, not only when its window ends
// (a flood starting late in a window would otherwise wait for the next one); when a window closes,
// every host with traffic in it is judged by the fast-flood detector and the window is learnt (a window that raised a finding is not, so a flood does
// not become its own baseline, until it has lasted `relearnAfterWindows`: then it is the new normal).
// Memory is bounded: at most `maxHosts` hosts, least recently seen evicted first, and hosts still in
// their warm-up (what random spoofed destinations are) before any host with a baseline; evictions are
// counted. Pure: time comes in with the flows and `advance`.
import type { Detection } from "@/lib/detect/detector";
import { SEVERITY_RANK, type Severity } from "@/lib/detect/severity";
import {
  fastFloodDetector,
  WINDOW_RATES,
  windowRates,
  type FastFloodConfig,
  type HostWindow,
  type HostWindowBaseline,
  type WindowRate,
} from "@/lib/detect/detectors/flow/fast-flood-detector";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { HyperLogLog } from "@/lib/telemetry/sketch/hyper-log-log";
import { SpaceSaving } from "@/lib/telemetry/sketch/space-saving";

const everyAddress = () => true;

export interface HostWindowTableOptions {
  windowMs: number;
  /** Hosts tracked at once (default 20,000). */
  maxHosts?: number;
  isInternal: (address: string) => boolean;
  /** Overrides of the detector's settings (validated by it). */
  config?: unknown;
  /** EWMA weight of a new window (default 0.05: about the last 20 windows). */
  alpha?: number;
  /** Windows for a peak to halve (default 720: an hour of 5 s windows). */
  peakHalfLifeWindows?: number;
  /** While a flood lasts, a finding is reported again at most every this many windows (default 12). */
  reportEveryWindows?: number;
  /** Flagged windows are learnt once a run of them lasts this long (default 120). */
  relearnAfterWindows?: number;
  /** Top sources and ports named in evidence (default 5). */
  topN?: number;
}

export interface FastFinding {
  host: string;
  window: HostWindow;
  detection: Detection;
}

interface Counters {
  packetsIn: number;
  bytesIn: number;
  flowsIn: number;
  synFlowsIn: number;
  packetsOut: number;
  bytesOut: number;
  sources: HyperLogLog;
  topSources: SpaceSaving<string>;
  topPorts: SpaceSaving<string>;
}

interface HostState {
  host: string;
  windows: number;
  /** Start of the newest window learnt (or decayed over); NaN before the first. */
  learntAt: number;
  mean: Record<WindowRate, number>;
  peak: Record<WindowRate, number>;
  current: Counters | null;
  /** Consecutive flagged windows ending with the last closed one, and when the run last reported. */
  flaggedRun: number;
  reportedAtRun: number;
  /** Start of the window whose finding was reported already (early, while it was open). */
  reportedWindow: number;
  /** Severity of the run's latest report (null outside a run): a stronger window is reported at once. */
  reportedSeverity: Severity | null;
}

const zeros = (): Record<WindowRate, number> => ({ packetsPerSec: 0, inboundBps: 0, flowsPerSec: 0, distinctSources: 0, outboundBps: 0 });
const SKETCH_CAPACITY = 16;

export class HostWindowTable {
  private readonly config: FastFloodConfig;
  private readonly maxHosts: number;
  private readonly alpha: number;
  private readonly peakDecay: number;
  private readonly reportEvery: number;
  private readonly relearnAfter: number;
  private readonly topN: number;
  // Map order is least recently seen first; hosts move to `established` once warmed up.
  private readonly warming = new Map<string, HostState>();
  private readonly established = new Map<string, HostState>();
  /** Hosts with traffic in the current window. */
  private readonly active = new Set<HostState>();
  private windowStart = -Infinity;
  /** Hosts forgotten to stay within `maxHosts`. */
  evictions = 0;

  constructor(private readonly o: HostWindowTableOptions) {
    if (!(o.windowMs >= 1000)) throw new RangeError("windowMs must be at least 1000");
    this.config = fastFloodDetector.resolveConfig(o.config);
    this.maxHosts = o.maxHosts ?? 20_000;
    this.alpha = o.alpha ?? 0.05;
    this.peakDecay = Math.pow(0.5, 1 / (o.peakHalfLifeWindows ?? 720));
    this.reportEvery = o.reportEveryWindows ?? 12;
    this.relearnAfter = o.relearnAfterWindows ?? 120;
    this.topN = o.topN ?? 5;
  }

  get size(): number {
    return this.warming.size + this.established.size;
  }

  /** Start of the window flows arriving now are counted in. */
  get currentWindowStart(): number {
    return this.windowStart;
  }

  /**
   * Counts a flow that arrived at `arrivalMs`; findings of a window this arrival closed come back.
   * `counts` limits which of its endpoints this table keeps (distributed mode: a flow reaches a worker
   * once per partition it belongs to, and each endpoint is counted in its own partition only).
   */
  add(flow: FlowRecord, arrivalMs: number, counts: (address: string) => boolean = everyAddress): FastFinding[] {
    // only a window change here: judging open windows per flow would cost every active host each time
    const start = Math.floor(arrivalMs / this.o.windowMs) * this.o.windowMs;
    const closed = start > this.windowStart ? this.advance(arrivalMs) : [];
    if (this.o.isInternal(flow.dstAddr) && counts(flow.dstAddr)) {
      const c = this.countersOf(flow.dstAddr);
      c.packetsIn += flow.packets;
      c.bytesIn += flow.bytes;
      c.flowsIn += 1;
      if (flow.protocol === 6 && (flow.tcpFlags & 0x02) !== 0) c.synFlowsIn += 1;
      c.sources.add(flow.srcAddr);
      c.topSources.add(flow.srcAddr, flow.bytes);
      c.topPorts.add(`${flow.protocol}/${flow.dstPort}`, flow.packets);
    }
    if (this.o.isInternal(flow.srcAddr) && flow.srcAddr !== flow.dstAddr && counts(flow.srcAddr)) {
      const c = this.countersOf(flow.srcAddr);
      c.packetsOut += flow.packets;
      c.bytesOut += flow.bytes;
    }
    return closed;
  }

  /**
   * Closes the current window when `nowMs` lies past its end, else judges its counts so far; the
   * findings either way.
   */
  advance(nowMs: number): FastFinding[] {
    const start = Math.floor(nowMs / this.o.windowMs) * this.o.windowMs;
    if (!Number.isFinite(start)) return [];
    if (start <= this.windowStart) return this.judgeOpen(nowMs);
    const findings = this.windowStart === -Infinity ? [] : this.closeWindow();
    this.windowStart = start;
    return findings;
  }

  /**
   * The open window's hosts whose counts so far already hold a flood (each reported once per window,
   * unless it has grown more severe since: an early judgement sees a flood's first seconds only).
   */
  private judgeOpen(nowMs: number): FastFinding[] {
    const findings: FastFinding[] = [];
    const start = this.windowStart;
    for (const s of this.active) {
      if (s.reportedWindow === start && s.reportedSeverity === "critical") continue;
      const window = this.windowOf(s, start, Math.min(nowMs, start + this.o.windowMs));
      const [detection] = fastFloodDetector.detect({ window, baseline: this.baselineAt(s, start) }, this.config);
      if (!detection) continue;
      const escalates = this.escalates(s, detection);
      if (!escalates && (s.reportedWindow === start || !this.reportsAt(s, s.flaggedRun + 1))) continue;
      s.reportedWindow = start;
      s.reportedSeverity = detection.severity;
      findings.push({ host: s.host, window, detection });
    }
    return findings;
  }

  /** Whether the `run`-th flagged window in a row is reported: the first, then every `reportEvery`. */
  private reportsAt(s: HostState, run: number): boolean {
    return run === 1 || run - s.reportedAtRun >= this.reportEvery;
  }

  /** Whether a finding is more severe than the run's latest report (the alert then escalates at once). */
  private escalates(s: HostState, detection: Detection): boolean {
    return s.reportedSeverity !== null && SEVERITY_RANK[detection.severity] > SEVERITY_RANK[s.reportedSeverity];
  }

  private windowOf(s: HostState, start: number, judgedAtMs: number): HostWindow {
    const c = s.current!;
    return {
      host: s.host,
      startMs: start,
      windowMs: this.o.windowMs,
      judgedAtMs,
      packetsIn: c.packetsIn,
      bytesIn: c.bytesIn,
      flowsIn: c.flowsIn,
      synFlowsIn: c.synFlowsIn,
      distinctSources: c.flowsIn === 0 ? 0 : c.sources.estimate(),
      packetsOut: c.packetsOut,
      bytesOut: c.bytesOut,
      topSources: c.topSources.top(this.topN).map((t) => ({ peer: t.key, bytes: Math.round(t.count) })),
      topPorts: c.topPorts.top(this.topN).map((t) => ({ port: t.key, packets: Math.round(t.count) })),
    };
  }

  /** The host's baseline as of window `start`: decayed over the windows since the last learnt one, which carried nothing. */
  private baselineAt(s: HostState, start: number): HostWindowBaseline {
    const missed = Number.isNaN(s.learntAt) ? 0 : Math.round((start - s.learntAt) / this.o.windowMs) - 1;
    if (missed <= 0) return { windows: s.windows, mean: { ...s.mean }, peak: { ...s.peak } };
    const meanKeep = Math.pow(1 - this.alpha, missed);
    const peakKeep = Math.pow(this.peakDecay, missed);
    const mean = zeros();
    const peak = zeros();
    for (const r of WINDOW_RATES) {
      mean[r] = s.mean[r] * meanKeep;
      peak[r] = s.peak[r] * peakKeep;
    }
    return { windows: s.windows, mean, peak };
  }

  private countersOf(host: string): Counters {
    let s = this.warming.get(host) ?? this.established.get(host);
    if (s) {
      // re-insert: Map order is the LRU order
      const map = s.windows >= this.config.warmupWindows ? this.established : this.warming;
      map.delete(host);
      map.set(host, s);
    } else {
      if (this.size >= this.maxHosts) this.evictOne();
      s = { host, windows: 0, learntAt: NaN, mean: zeros(), peak: zeros(), current: null, flaggedRun: 0, reportedAtRun: 0, reportedWindow: NaN, reportedSeverity: null };
      (this.config.warmupWindows > 0 ? this.warming : this.established).set(host, s);
    }
    if (!s.current) {
      s.current = {
        packetsIn: 0,
        bytesIn: 0,
        flowsIn: 0,
        synFlowsIn: 0,
        packetsOut: 0,
        bytesOut: 0,
        sources: new HyperLogLog(),
        topSources: new SpaceSaving(SKETCH_CAPACITY),
        topPorts: new SpaceSaving(SKETCH_CAPACITY),
      };
      this.active.add(s);
    }
    return s.current;
  }

  /** Forgets the least recently seen host still warming up, else the least recently seen one. */
  private evictOne(): void {
    const map = this.warming.size > 0 ? this.warming : this.established;
    const oldest = map.values().next().value;
    if (!oldest) return;
    map.delete(oldest.host);
    this.active.delete(oldest);
    this.evictions += 1;
  }

  private closeWindow(): FastFinding[] {
    const findings: FastFinding[] = [];
    const start = this.windowStart;
    const end = start + this.o.windowMs;
    for (const s of this.active) {
      const window = this.windowOf(s, start, end);
      s.current = null;
      const baseline = this.baselineAt(s, start);
      const [detection] = fastFloodDetector.detect({ window, baseline }, this.config);
      if (detection) {
        s.flaggedRun += 1;
        const escalates = this.escalates(s, detection);
        if (this.reportsAt(s, s.flaggedRun) || escalates) {
          s.reportedAtRun = s.flaggedRun;
          if (s.reportedWindow !== start || escalates) {
            findings.push({ host: s.host, window, detection });
            s.reportedSeverity = detection.severity;
          }
        }
        if (s.flaggedRun < this.relearnAfter) {
          // skipped, not idle: the baseline stays as it was, and the next window must not decay over this one
          s.mean = { ...baseline.mean };
          s.peak = { ...baseline.peak };
          if (!Number.isNaN(s.learntAt)) s.learntAt = start;
          continue;
        }
      } else {
        s.flaggedRun = 0;
        s.reportedAtRun = 0;
        s.reportedSeverity = null;
      }
      s.mean = { ...baseline.mean };
      s.peak = { ...baseline.peak };
      this.learn(s, windowRates(window), start);
    }
    this.active.clear();
    return findings;
  }

  private learn(s: HostState, rates: Record<WindowRate, number>, start: number): void {
    const first = s.windows === 0;
    for (const r of WINDOW_RATES) {
      s.mean[r] = first ? rates[r] : s.mean[r] + this.alpha * (rates[r] - s.mean[r]);
      s.peak[r] = Math.max(s.peak[r] * this.peakDecay, rates[r]);
    }
    s.windows += 1;
    s.learntAt = start;
    if (s.windows === this.config.warmupWindows && this.warming.delete(s.host)) this.established.set(s.host, s);
  }
}
