// Slow exfiltration: a few percent more upload in the same hours of the day, day after day. No single
// minute stands out (the extra is inside ordinary noise), so this detector looks at hour totals kept
// by the device's TrafficHistory instead: for the block of hours that just ended, the outbound bytes
// relative to the hour-of-week baseline (so weekdays, weekends and the backup hour compare alike),
// today and on each of the previous days in the same hours, against that ratio on earlier days
// (median and MAD: a marketing day or one large upload in the reference cannot move them). It fires
// when the block has been above the usual on several days in a row, by a margin the day-to-day spread
// cannot explain, while the far side of those days (the hours well away from the block) stayed near
// normal: a device that is simply busier all day is growth, not a hidden upload. It speaks once per
// campaign: only on the first sample of the hour in which the condition became true, and not again
// while it was true at any hour end in the previous `quietHours` (tomorrow's window included).
import { median } from "simple-statistics";
import { z } from "zod";
import { defineDetector, type Contribution, type Detection, type DetectorInput } from "@/lib/detect/detector";
import { flowFacts, round, round2 } from "@/lib/detect/detectors/flow/flow-threat-signals";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { hourOfWeek } from "@/lib/detect/baseline/hour-of-week";
import { expectedFor, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { severityFor } from "@/lib/detect/severity";
import { epochHour, type TrafficHistoryView } from "@/lib/detect/baseline/traffic-history";

export const SLOW_EXFILTRATION_DETECTOR_ID = "flow-slow-exfiltration";
export const SLOW_EXFILTRATION_ANOMALY_TYPE = "slow_exfiltration";

const MS_PER_HOUR = 3_600_000;
/** bps × 60 s / 8: bytes of one minute at a bandwidth. */
const BYTES_PER_BPS_MINUTE = 60 / 8;
/** MAD of a normal series is 0.6745 σ. */
const MAD_TO_STD = 1 / 0.6745;

export const slowExfiltrationConfigSchema = z.object({
  /** Hours judged together (the block ending with the hour that just completed). */
  blockHours: z.number().int().min(1).max(12),
  /** Consecutive days, today included, on which the block must be above the usual. */
  days: z.number().int().min(2).max(14),
  /** Each of those days' block ratio at least this many robust stds above the reference median… */
  minDayZ: z.number().finite().positive(),
  /** …and on average this many. */
  minMeanZ: z.number().finite().positive(),
  /** …and each at least this much above it (0.01 = 1 %), so a spotless series cannot alarm on crumbs. */
  minExcess: z.number().finite().min(0),
  /**
   * …and at most this much (0.3 = 30 %): a bigger rise is something loud (a marketing surge, a one-off
   * upload) for the calendar and the other detectors, not a day of a quiet, steady leak.
   */
  maxExcess: z.number().finite().positive(),
  /** Smallest day-to-day spread assumed (as a ratio; 0.005 = 0.5 %). */
  minScale: z.number().finite().positive(),
  /** Reference days start this many days back (never fewer than `days`, which are the days judged). */
  referenceGapDays: z.number().int().min(1).max(28),
  minReferenceDays: z.number().int().min(3),
  /** The far side of those days may be above its usual by at most this share of the block's excess. */
  maxBackgroundShare: z.number().finite().min(0),
  /** Hours on each side of the block left out of the far side (covers the rest of a daily upload window). */
  backgroundGapHours: z.number().int().min(0).max(11),
  /**
   * Fire only if the condition was false at each of this many previous hour ends. Over a day, so a
   * campaign that shows again in tomorrow's window is the same alert, not a new one each day.
   */
  quietHours: z.number().int().min(1).max(96),
  /** An hour counts when at least this many of its minutes were seen. */
  minHourMinutes: z.number().int().min(1).max(60),
});

export type SlowExfiltrationConfig = z.infer<typeof slowExfiltrationConfigSchema>;

interface Block {
  /** Outbound bytes over the block. */
  outBytes: number;
  /** What the baseline expects over the same minutes. */
  expectedBytes: number;
  minutes: number;
  externalOutBytes: number;
  ratio: number;
}

interface DayJudgement extends Block {
  /** Epoch hour the block ends with (inclusive). */
  endHour: number;
  z: number;
  excess: number;
}

interface Evaluation {
  judged: DayJudgement[];
  referenceDays: number;
  medianRatio: number;
  scale: number;
  meanZ: number;
  meanExcess: number;
  backgroundExcess: number;
}

/** Looks hours up in the history and the baseline, each hour-of-week's expectation computed once. */
class HourTotals {
  private readonly expectedBps = new Map<number, number | null>();
  constructor(
    private readonly history: TrafficHistoryView,
    private readonly baseline: BaselineIndex,
    private readonly minMinutes: number,
  ) {}

  /**
   * Totals over the epoch hours [endHour − hours + 1, endHour]. Incomplete hours (and hours the baseline
   * cannot place) are left out; undefined when fewer than `minComplete` (default: all) remain.
   */
  block(endHour: number, hours: number, minComplete = hours): Block | undefined {
    let outBytes = 0;
    let expectedBytes = 0;
    let minutes = 0;
    let externalOutBytes = 0;
    let complete = 0;
    for (let h = endHour - hours + 1; h <= endHour; h++) {
      const t = this.history.hour(h);
      const bps = this.expected(h);
      if (!t || t.minutes < this.minMinutes || bps === null) continue;
      complete += 1;
      outBytes += t.outBytes;
      expectedBytes += bps * t.minutes * BYTES_PER_BPS_MINUTE;
      minutes += t.minutes;
      externalOutBytes += t.externalOutBytes;
    }
    if (complete < minComplete || !(expectedBytes > 0)) return undefined;
    return { outBytes, expectedBytes, minutes, externalOutBytes, ratio: outBytes / expectedBytes };
  }

  private expected(hour: number): number | null {
    const ts = new Date(hour * MS_PER_HOUR);
    const how = hourOfWeek(ts);
    let bps = this.expectedBps.get(how);
    if (bps === undefined) {
      const e = expectedFor(this.baseline, "bandwidthOutBps", ts);
      // a pool over every hour of the week knows nothing of this hour's level: not comparable
      bps = e && e.source !== "global" && e.mean > 0 && Number.isFinite(e.mean) ? e.mean : null;
      this.expectedBps.set(how, bps);
    }
    return bps;
  }
}

function evaluate(totals: HourTotals, endHour: number, historyDays: number, config: SlowExfiltrationConfig): Evaluation | undefined {
  const reference: number[] = [];
  for (let k = firstReferenceDay(config); k < historyDays; k++) {
    const b = totals.block(endHour - 24 * k, config.blockHours);
    if (b) reference.push(b.ratio);
  }
  if (reference.length < config.minReferenceDays) return undefined;
  const medianRatio = median(reference);
  const mad = median(reference.map((r) => Math.abs(r - medianRatio)));
  const scale = Math.max(mad * MAD_TO_STD, config.minScale);

  const judged: DayJudgement[] = [];
  for (let k = 0; k < config.days; k++) {
    const end = endHour - 24 * k;
    const b = totals.block(end, config.blockHours);
    if (!b) return undefined;
    const excess = b.ratio - medianRatio;
    const z = excess / scale;
    if (z < config.minDayZ || excess < config.minExcess || excess > config.maxExcess) return undefined;
    judged.push({ ...b, endHour: end, z, excess });
  }
  const meanZ = judged.reduce((s, j) => s + j.z, 0) / judged.length;
  if (meanZ < config.minMeanZ) return undefined;
  const meanExcess = judged.reduce((s, j) => s + j.excess, 0) / judged.length;

  // The far side of each judged day: the hours at least `backgroundGapHours` away from the block on
  // both sides, so no part of a daily upload window of up to that length is in it.
  const farHours = 24 - config.blockHours - 2 * config.backgroundGapHours;
  let backgroundExcess = 0;
  if (farHours >= 1) {
    const farEnd = (end: number) => end - config.blockHours - config.backgroundGapHours;
    const farMin = Math.ceil(farHours / 2);
    const farReference: number[] = [];
    for (let k = firstReferenceDay(config); k < historyDays; k++) {
      const b = totals.block(farEnd(endHour - 24 * k), farHours, farMin);
      if (b) farReference.push(b.ratio);
    }
    let farSum = 0;
    let farCount = 0;
    for (const j of judged) {
      const b = totals.block(farEnd(j.endHour), farHours, farMin);
      if (b) {
        farSum += b.ratio;
        farCount += 1;
      }
    }
    if (farReference.length > 0 && farCount > 0) backgroundExcess = farSum / farCount - median(farReference);
  }
  if (backgroundExcess > config.maxBackgroundShare * meanExcess) return undefined;

  return { judged, referenceDays: reference.length, medianRatio, scale, meanZ, meanExcess, backgroundExcess };
}

export const slowExfiltrationDetector = defineDetector<SlowExfiltrationConfig>({
  id: SLOW_EXFILTRATION_DETECTOR_ID,
  description:
    "Slow exfiltration: the same hours of the day uploading a few percent more than usual on several days in a row (hour totals from the device's traffic history against earlier days), while the hours away from that window stay normal.",
  configSchema: slowExfiltrationConfigSchema,
  scoreField: "minMeanZ",
  alertTypes: [SLOW_EXFILTRATION_ANOMALY_TYPE],
  threatType: SLOW_EXFILTRATION_ANOMALY_TYPE,
  defaultConfig: {
    blockHours: 3,
    days: 3,
    minDayZ: 2.5,
    minMeanZ: 3.5,
    minExcess: 0.01,
    maxExcess: 0.3,
    minScale: 0.005,
    referenceGapDays: 3,
    minReferenceDays: 7,
    maxBackgroundShare: 0.5,
    backgroundGapHours: 6,
    quietHours: 30,
    minHourMinutes: 50,
  },
  detect(input, config) {
    const { sample, trafficHistory: history } = input;
    if (!history) return [];
    const hourNow = epochHour(sample.ts.getTime());
    if (!isFirstSampleOfHour(input, hourNow)) return [];

    const days = history.days();
    const oldest = days[0];
    if (!oldest) return [];
    const historyDays = Math.floor(sample.ts.getTime() / (24 * MS_PER_HOUR)) - oldest.day + 1;
    const totals = new HourTotals(history, input.baseline, config.minHourMinutes);
    const endHour = hourNow - 1;
    const found = evaluate(totals, endHour, historyDays, config);
    if (!found) return [];
    // Only the hour the condition became true: quiet while it stays (or flickers) true.
    for (let back = 1; back <= config.quietHours; back++) {
      if (evaluate(totals, endHour - back, historyDays, config)) return [];
    }
    return [describe(input, config, totals, found, endHour, historyDays)];
  },
});

function firstReferenceDay(config: SlowExfiltrationConfig): number {
  return Math.max(config.referenceGapDays, config.days);
}

function isFirstSampleOfHour(input: DetectorInput, hourNow: number): boolean {
  const previous = input.recent?.[input.recent.length - 1];
  if (previous) return epochHour(previous.ts.getTime()) < hourNow;
  return input.sample.ts.getUTCMinutes() === 0;
}

function describe(
  input: DetectorInput,
  config: SlowExfiltrationConfig,
  totals: HourTotals,
  found: Evaluation,
  endHour: number,
  historyDays: number,
): Detection {
  const { sample } = input;
  const today = found.judged[0]!;
  const avgBps = (bytes: number, minutes: number) => bytes / (minutes * BYTES_PER_BPS_MINUTE);
  const usualBps = avgBps(today.expectedBytes, today.minutes);
  const observedBps = avgBps(today.outBytes, today.minutes);
  const expectedMean = found.medianRatio * usualBps;
  const std = found.scale * usualBps;
  const low = Math.max(0, (found.medianRatio - config.minDayZ * found.scale) * usualBps);
  const high = (found.medianRatio + config.minDayZ * found.scale) * usualBps;

  const extraBytes = found.judged.map((j) => j.outBytes - found.medianRatio * j.expectedBytes);
  const totalExtra = extraBytes.reduce((s, x) => s + x, 0);

  // Trailing week and today so far, each against the same hours of the reference days.
  const weekHours = 7 * 24;
  const trailing = totals.block(endHour, weekHours, Math.ceil(weekHours / 2));
  const dayRef: number[] = [];
  for (let k = firstReferenceDay(config); k < historyDays; k++) {
    const b = totals.block(endHour - 24 * k, 24, 12);
    if (b) dayRef.push(b.ratio);
  }
  const usualDayRatio = dayRef.length > 0 ? median(dayRef) : undefined;
  const hoursToday = (endHour % 24) + 1;
  const todaySoFar = totals.block(endHour, hoursToday, Math.ceil(hoursToday / 2));
  const todayRef: number[] = [];
  for (let k = firstReferenceDay(config); k < historyDays; k++) {
    const b = totals.block(endHour - 24 * k, hoursToday, Math.ceil(hoursToday / 2));
    if (b) todayRef.push(b.ratio);
  }

  const fromHour = String((((endHour - config.blockHours + 1) % 24) + 24) % 24).padStart(2, "0");
  const toHour = String((endHour + 1) % 24).padStart(2, "0");
  const window = `${fromHour}:00–${toHour}:00 UTC`;

  const evidence: Record<string, unknown> = {
    window,
    days: found.judged.map((j, i) => ({
      date: new Date(j.endHour * MS_PER_HOUR).toISOString().slice(0, 10),
      outBytes: Math.round(j.outBytes),
      usualOutBytes: Math.round(found.medianRatio * j.expectedBytes),
      excessPct: round2(j.excess * 100),
      z: round2(j.z),
      extraBytes: Math.round(extraBytes[i]!),
    })),
    extraBytes: Math.round(totalExtra),
    reference: { days: found.referenceDays, medianRatio: round(found.medianRatio), spread: round(found.scale) },
    awayFromWindowExcessPct: round2(found.backgroundExcess * 100),
  };
  if (trailing && usualDayRatio !== undefined) {
    evidence.trailing7Days = {
      outBytes: Math.round(trailing.outBytes),
      usualOutBytes: Math.round(usualDayRatio * trailing.expectedBytes),
      excessPct: round2((trailing.ratio / usualDayRatio - 1) * 100),
    };
  }
  if (todaySoFar && todayRef.length > 0) {
    const usual = median(todayRef);
    evidence.todaySoFar = {
      hours: hoursToday,
      outBytes: Math.round(todaySoFar.outBytes),
      usualOutBytes: Math.round(usual * todaySoFar.expectedBytes),
      excessPct: round2((todaySoFar.ratio / usual - 1) * 100),
    };
  }

  const contributions: Contribution[] = [];
  const zSum = found.judged.reduce((s, j) => s + j.z, 0);
  found.judged.forEach((j, i) => {
    contributions.push({
      feature: i === 0 ? "windowOutboundRatio:today" : `windowOutboundRatio:-${i}d`,
      value: round(j.ratio),
      expected: round(found.medianRatio),
      share: Math.round((j.z / zSum) * 1000) / 1000,
    });
  });

  // Flows, where the history has them, say where the window's bytes went.
  let flowText = "";
  if (today.externalOutBytes > 0) {
    const share = today.externalOutBytes / today.outBytes;
    evidence.windowExternalShare = round2(share);
    flowText = ` Flow records put ${Math.round(share * 100)}% of today's window outbound bytes outside the internal subnets`;
  }
  if (input.flows && input.flows.flows > 0) {
    const top = flowFacts(input.flows).topOutbound[0];
    if (top) {
      evidence.currentTopDestination = top;
      flowText += flowText ? `; this minute's top destination is ${top.peer}` : ` This minute's top outbound destination is ${top.peer}`;
    }
  }
  if (flowText) flowText += ".";

  const dayText = found.judged
    .map((j, i) => `${formatPct(j.excess)} ${i === 0 ? "today" : i === 1 ? "yesterday" : `${i} days ago`}`)
    .join(", ");
  const zText = found.judged.map((j) => j.z.toFixed(1)).join(", ");
  const trailingText =
    trailing && usualDayRatio !== undefined
      ? ` Over the trailing 7 days the device sent ${formatPct(trailing.ratio / usualDayRatio - 1)} against its usual days.`
      : "";
  const explanation =
    `Outbound traffic in ${window} has been above this device's usual for that window on each of the last ` +
    `${found.judged.length} days: ${dayText} (robust z ${zText} against ${found.referenceDays} earlier days whose ` +
    `day-to-day spread is ±${(found.scale * 100).toFixed(1)}%), about ${formatBytes(totalExtra)} more than usual, while the ` +
    `hours away from that window stayed at ${formatPct(found.backgroundExcess)}.${trailingText} No single minute stands out ` +
    `(the window averaged ${formatMetricValue("bandwidthOutBps", observedBps)} today against a usual ` +
    `${formatMetricValue("bandwidthOutBps", expectedMean)}); ` +
    `the evidence is the same window's totals compared across days.` +
    flowText;

  return {
    detector: SLOW_EXFILTRATION_DETECTOR_ID,
    anomalyType: SLOW_EXFILTRATION_ANOMALY_TYPE,
    metric: "bandwidthOutBps",
    severity: severityFor(found.meanZ, config.minMeanZ),
    score: found.meanZ,
    observed: { value: observedBps, ts: sample.ts.toISOString() },
    expected: { low, high, mean: expectedMean, std, median: expectedMean, sampleCount: found.referenceDays },
    explanation,
    contributions,
    evidence,
  };
}

function formatPct(x: number): string {
  const pct = x * 100;
  return `${pct >= 0 ? "+" : "−"}${Math.abs(pct).toFixed(1)}%`;
}

function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 1e12) return `${(bytes / 1e12).toFixed(2)} TB`;
  if (abs >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (abs >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}
