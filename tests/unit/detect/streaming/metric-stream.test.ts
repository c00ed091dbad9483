import { describe, expect, it } from "vitest";
import { MetricStream, type ScoredSample } from "@/lib/detect/streaming/metric-stream";

const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 5); // a Monday

/** A deterministic pseudo-random source (mulberry32), so the series are the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A daily rhythm (busy by day, quiet at night) with noise. */
function dailyTraffic(ts: number, rand: () => number): number {
  const hour = (ts / 3_600_000) % 24;
  return 100 + 60 * Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI)) + 8 * (rand() - 0.5);
}

interface Run {
  scored: { ts: number; s: ScoredSample }[];
  /** Samples past the alerting bar (surprise ≥ 3 and ≥ 3 spreads out). */
  alerts: number[];
}

function run(points: { ts: number; value: number }[]): Run {
  const stream = new MetricStream();
  const scored: Run["scored"] = [];
  const alerts: number[] = [];
  for (const p of points) {
    const s = stream.observe(p.ts, p.value);
    if (!s) continue;
    scored.push({ ts: p.ts, s });
    if (s.surprise >= 3 && s.raw >= 3) alerts.push(p.ts);
  }
  return { scored, alerts };
}

function series(days: number, stepMs: number, value: (ts: number, i: number) => number): { ts: number; value: number }[] {
  const out: { ts: number; value: number }[] = [];
  for (let i = 0, ts = START; ts < START + days * 86_400_000; i++, ts += stepMs) out.push({ ts, value: value(ts, i) });
  return out;
}

/** Alert episodes: alerts more than 15 minutes apart count separately (the alert store's cooldown). */
function episodes(alerts: number[]): number {
  let n = 0;
  let last = -Infinity;
  for (const t of alerts) {
    if (t - last > 15 * MINUTE) n++;
    last = t;
  }
  return n;
}

describe("MetricStream", () => {
  it.each([
    { name: "1-minute samples", step: MINUTE },
    { name: "5-minute samples", step: 5 * MINUTE },
  ])("cold start on $name: quiet on normal traffic from the first hours, and a real spike on day 1 is caught", ({ step }) => {
    const rand = random(7);
    const spikeAt = START + 20 * 3_600_000; // 20:00 on the first day
    const points = series(3, step, (ts) => dailyTraffic(ts, rand) * (ts >= spikeAt && ts < spikeAt + 3 * step ? 4 : 1));
    const { alerts, scored } = run(points);
    // scoring starts within the first hour
    expect(scored[0]!.ts - START).toBeLessThanOrEqual(3_600_000);
    // the spike is found while it happens
    expect(alerts.some((t) => t >= spikeAt && t < spikeAt + 3 * step)).toBe(true);
    // and, outside it, three days of ordinary traffic make at most three alert episodes (a cold device
    // may flag its first morning ramp before it has seen a day)
    expect(episodes(alerts.filter((t) => t < spikeAt || t >= spikeAt + 3 * 3_600_000))).toBeLessThanOrEqual(3);
  });

  it("learns the daily rhythm: after a few days the evening ramp is expected from the day profile", () => {
    const rand = random(11);
    const { scored } = run(series(6, 5 * MINUTE, (ts) => dailyTraffic(ts, rand)));
    const lastDay = scored.filter((x) => x.ts >= START + 5 * 86_400_000);
    const dayBased = lastDay.filter((x) => x.s.basis === "day profile").length;
    expect(dayBased / lastDay.length).toBeGreaterThan(0.5);
    // predictions on the last day are close to the truth: the mean error is within the noise
    const meanAbs = lastDay.reduce((sum, x) => sum + Math.abs(x.s.residual), 0) / lastDay.length;
    expect(meanAbs).toBeLessThan(6);
  });

  it("handles irregular polling and gaps: no alerts from the timing alone, a spike after a gap still caught", () => {
    const rand = random(3);
    const points: { ts: number; value: number }[] = [];
    let ts = START;
    while (ts < START + 4 * 86_400_000) {
      points.push({ ts, value: 50 + 4 * (rand() - 0.5) });
      // between 1 and 9 minutes apart, with a 6-hour outage on day 2
      ts += (1 + Math.floor(rand() * 9)) * MINUTE;
      if (ts > START + 1.5 * 86_400_000 && ts < START + 1.5 * 86_400_000 + 10 * MINUTE) ts += 6 * 3_600_000;
    }
    const quiet = run(points);
    expect(episodes(quiet.alerts)).toBeLessThanOrEqual(1);
    const spikeAt = points.findIndex((p) => p.ts > START + 3 * 86_400_000);
    const withSpike = points.map((p, i) => (i === spikeAt ? { ...p, value: 120 } : p));
    expect(run(withSpike).alerts).toContain(points[spikeAt]!.ts);
  });

  it("follows a genuine level shift without a flood of alerts, and the old level becomes the surprise", () => {
    const rand = random(5);
    const shiftAt = START + 7 * 86_400_000;
    const points = series(10, 5 * MINUTE, (ts) => (ts >= shiftAt ? 200 : 100) + 6 * (rand() - 0.5));
    const { alerts, scored } = run(points);
    const after = alerts.filter((t) => t >= shiftAt);
    // the shift is noticed at once …
    expect(after[0]).toBeLessThan(shiftAt + 15 * MINUTE);
    // … as one incident, not a flood: alerts stop within a few hours and do not come back
    expect(episodes(after)).toBeLessThanOrEqual(2);
    expect(after.every((t) => t < shiftAt + 12 * 3_600_000)).toBe(true);
    // the model now expects the new level
    const last = scored[scored.length - 1]!.s;
    expect(Math.abs(last.expected - 200)).toBeLessThan(10);
  });

  it("does not alert on one-sample bursts that are ordinary for a noisy link, but on a burst beyond all of them", () => {
    const rand = random(9);
    // heavy-tailed: every ~2 hours a one-sample burst of 2–3× the level
    const points = series(8, 5 * MINUTE, () => 100 + 10 * (rand() - 0.5) + (rand() < 1 / 24 ? 100 + 100 * rand() : 0));
    const quiet = run(points.filter((p) => p.ts < START + 7 * 86_400_000));
    const lastWeek = quiet.alerts.filter((t) => t >= START + 3 * 86_400_000);
    expect(episodes(lastWeek)).toBeLessThanOrEqual(2);
    const bigAt = points.findIndex((p) => p.ts >= START + 7.5 * 86_400_000);
    const big = points.map((p, i) => (i === bigAt ? { ...p, value: 1_500 } : p));
    expect(run(big).alerts).toContain(points[bigAt]!.ts);
  });

  it("ignores non-finite values and samples that are not after the previous one", () => {
    const stream = new MetricStream();
    for (let i = 0; i < 30; i++) stream.observe(START + i * MINUTE, 10 + (i % 3));
    const count = stream.count;
    expect(stream.observe(START + 40 * MINUTE, Number.NaN)).toBeUndefined();
    expect(stream.observe(START + 10 * MINUTE, 500)).toBeUndefined();
    expect(stream.count).toBe(count);
    expect(stream.observe(START + 41 * MINUTE, 11)?.surprise).toBeGreaterThanOrEqual(0);
  });
});
