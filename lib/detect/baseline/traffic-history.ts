// One device's outbound traffic per UTC day and hour, for detectors that need more than the last hour:
// a slow exfiltration adds a few percent to the same hours day after day, invisible minute by minute
// but plain in the hour totals compared across days. Pure: time comes only from the samples, and
// memory is bounded (a few hundred numbers per retained day).
import type { DeviceMinuteFlows } from "@/lib/telemetry/flow-rollup";
import type { MetricSample } from "@/lib/telemetry/metrics";

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
const HOURS_PER_DAY = 24;
/** A minute sample covers 60 s; its bandwidth is in bits per second. */
const BYTES_PER_BPS_MINUTE = 60 / 8;

/** Enough for a four-week reference plus the week being judged. */
export const DEFAULT_RETENTION_DAYS = 35;

/** One UTC day of a device's outbound traffic. Hour arrays are indexed by UTC hour of day (0..23). */
export interface DailyTraffic {
  /** Days since 1970-01-01 (UTC). */
  readonly day: number;
  /** Start of the day, epoch ms. */
  readonly start: number;
  /** Minutes with a finite outbound bandwidth. */
  readonly minutes: number;
  /** Outbound bytes (bandwidthOutBps × 60 s / 8 per minute). */
  readonly outBytes: number;
  /** Minutes that came with a flow rollup counting external bytes. */
  readonly flowMinutes: number;
  /** Outbound bytes to peers outside the internal subnets, over `flowMinutes`. */
  readonly externalOutBytes: number;
  readonly hourMinutes: ArrayLike<number>;
  readonly hourOutBytes: ArrayLike<number>;
  readonly hourExternalOutBytes: ArrayLike<number>;
}

/** Totals of one hour (`hour` = epoch ms / 1 h, floored). */
export interface HourlyTraffic {
  readonly hour: number;
  readonly minutes: number;
  readonly outBytes: number;
  readonly externalOutBytes: number;
}

/** What detectors read: the history without the means to change it. */
export interface TrafficHistoryView {
  /** Retained days, oldest first. */
  days(): readonly DailyTraffic[];
  /** Totals of one hour (epoch hours), undefined when no sample fell in it or it is no longer retained. */
  hour(hour: number): HourlyTraffic | undefined;
  /** Timestamp (epoch ms) of the newest sample added; -Infinity before the first. */
  readonly latest: number;
}

export interface TrafficHistoryOptions {
  /** Days kept, counting the newest sample's day (default 35). */
  retentionDays?: number;
}

interface DayRecord extends DailyTraffic {
  minutes: number;
  outBytes: number;
  flowMinutes: number;
  externalOutBytes: number;
  hourMinutes: Uint8Array;
  hourOutBytes: Float64Array;
  hourExternalOutBytes: Float64Array;
}

export class TrafficHistory implements TrafficHistoryView {
  private readonly retentionDays: number;
  /** Oldest first; at most `retentionDays` entries. */
  private readonly records: DayRecord[] = [];
  latest = Number.NEGATIVE_INFINITY;

  constructor(options: TrafficHistoryOptions = {}) {
    const retention = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    if (!Number.isInteger(retention) || retention < 1) throw new RangeError("retentionDays must be an integer ≥ 1");
    this.retentionDays = retention;
  }

  /**
   * Adds one device-minute (and its flow rollup, when there was one). Samples must come in time order:
   * one not newer than the latest already added is ignored, so a replayed minute is never counted twice.
   */
  add(sample: MetricSample, flows?: Pick<DeviceMinuteFlows, "bytesOutExternal">): void {
    const ts = sample.ts.getTime();
    if (!Number.isFinite(ts) || ts <= this.latest) return;
    this.latest = ts;

    const day = Math.floor(ts / MS_PER_DAY);
    const record = this.recordFor(day);
    const hourOfDay = Math.floor((ts - day * MS_PER_DAY) / MS_PER_HOUR);
    const outBps = sample.values.bandwidthOutBps;
    if (outBps !== null && Number.isFinite(outBps) && outBps >= 0) {
      const bytes = outBps * BYTES_PER_BPS_MINUTE;
      record.minutes += 1;
      record.outBytes += bytes;
      // Uint8 holds 60: one sample per minute at most, enforced by the time-order check above.
      record.hourMinutes[hourOfDay] = (record.hourMinutes[hourOfDay] ?? 0) + 1;
      record.hourOutBytes[hourOfDay] = (record.hourOutBytes[hourOfDay] ?? 0) + bytes;
    }
    const external = flows?.bytesOutExternal;
    if (external !== undefined && Number.isFinite(external) && external >= 0) {
      record.flowMinutes += 1;
      record.externalOutBytes += external;
      record.hourExternalOutBytes[hourOfDay] = (record.hourExternalOutBytes[hourOfDay] ?? 0) + external;
    }
  }

  days(): readonly DailyTraffic[] {
    return this.records;
  }

  hour(hour: number): HourlyTraffic | undefined {
    const day = Math.floor(hour / HOURS_PER_DAY);
    const record = this.find(day);
    if (!record) return undefined;
    const h = hour - day * HOURS_PER_DAY;
    const minutes = record.hourMinutes[h] ?? 0;
    const externalOutBytes = record.hourExternalOutBytes[h] ?? 0;
    if (minutes === 0 && externalOutBytes === 0) return undefined;
    return { hour, minutes, outBytes: record.hourOutBytes[h] ?? 0, externalOutBytes };
  }

  private find(day: number): DayRecord | undefined {
    // Retained days are few and the newest are asked for most: search from the end.
    for (let i = this.records.length - 1; i >= 0; i--) {
      const r = this.records[i]!;
      if (r.day === day) return r;
      if (r.day < day) return undefined;
    }
    return undefined;
  }

  private recordFor(day: number): DayRecord {
    const last = this.records[this.records.length - 1];
    if (last && last.day === day) return last;
    // Samples only move forward, so a new day is always the newest.
    const record: DayRecord = {
      day,
      start: day * MS_PER_DAY,
      minutes: 0,
      outBytes: 0,
      flowMinutes: 0,
      externalOutBytes: 0,
      hourMinutes: new Uint8Array(HOURS_PER_DAY),
      hourOutBytes: new Float64Array(HOURS_PER_DAY),
      hourExternalOutBytes: new Float64Array(HOURS_PER_DAY),
    };
    this.records.push(record);
    while (this.records.length > 0 && this.records[0]!.day <= day - this.retentionDays) this.records.shift();
    return record;
  }
}

/** Epoch hour (ms / 1 h, floored) of a time. */
export function epochHour(ms: number): number {
  return Math.floor(ms / MS_PER_HOUR);
}
