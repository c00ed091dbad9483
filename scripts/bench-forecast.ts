// Forecast cost, Prophet vs MSTL (not a test): times forecastMetric (fit + predict of the history plus
// a 7-day horizon at 95 %, exactly what the worker would run) for one device-metric with 14 and 28
// days of hourly history, then for a batch of distinct series one after another, as an hourly refit
// would. Prints markdown tables with per-series times, the batch total, the projection to
// --project series and the process RSS (WebAssembly memory included) before and after the batch.
//   node --import tsx scripts/bench-forecast.ts [--series 100] [--reps 5] [--days 14,28] [--project 5000]
import { parseArgs } from "node:util";
import { loadAugurs } from "@/lib/detect/models/augurs-runtime";
import { forecastMetric, type ForecastMethod, type HistoryPoint } from "@/lib/detect/models/metric-forecast";
import { mulberry32 } from "@/lib/simulator/prng";

const { values } = parseArgs({
  options: {
    series: { type: "string", default: "100" },
    reps: { type: "string", default: "5" },
    days: { type: "string", default: "14,28" },
    project: { type: "string", default: "5000" },
  },
});
const seriesCount = Number(values.series);
const reps = Number(values.reps);
const dayCounts = values.days.split(",").map(Number);
const projectedSeries = Number(values.project);
const METHODS: readonly ForecastMethod[] = ["prophet", "mstl"];
const HOUR_MS = 3_600_000;
const START = Date.UTC(2026, 0, 5); // a Monday
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

/** Hourly bandwidth-like series: business-day hump, weekend dip, slow drift, 5 % noise; varied by seed. */
function series(days: number, seed: number): HistoryPoint[] {
  const rng = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const base = 20e6 + 400e6 * rng();
  const peak = base * (1 + 3 * rng());
  const drift = (rng() - 0.3) * 0.01;
  return Array.from({ length: days * 24 }, (_, h) => {
    const ts = new Date(START + h * HOUR_MS);
    const daytime = Math.max(0, Math.sin(((ts.getUTCHours() - 6) / 14) * Math.PI));
    const weekend = (ts.getUTCDay() + 6) % 7 >= 5 ? 0.6 : 1;
    const usual = (base + (peak - base) * daytime) * weekend * (1 + drift * (h / 24));
    return { ts, value: Math.max(0, usual * (1 + 0.05 * gaussian())) };
  });
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const loadStarted = performance.now();
await loadAugurs();
console.log(`WebAssembly load (augurs prophet + mstl + Stan optimizer): ${(performance.now() - loadStarted).toFixed(0)} ms\n`);

console.log(`## One device-metric, fit + predict history + 168 h (${reps} runs after a warm-up)\n`);
console.log("| method | history | points | median ms | min ms | max ms |");
console.log("|---|---|---|---|---|---|");
for (const days of dayCounts) {
  const history = series(days, 1);
  for (const method of METHODS) {
    await forecastMetric(history, { method }); // warm-up: first call JIT-compiles the WebAssembly paths
    const times: number[] = [];
    for (let r = 0; r < reps; r++) times.push((await forecastMetric(history, { method })).fitMs);
    console.log(
      `| ${method} | ${days} days | ${history.length} | ${median(times).toFixed(0)} | ${Math.min(...times).toFixed(0)} | ${Math.max(...times).toFixed(0)} |`,
    );
  }
}

console.log(`\n## ${seriesCount} distinct series one after another (28 days each, wall clock incl. input preparation)\n`);
console.log(`| method | series | total s | per series ms | projected ${projectedSeries.toLocaleString("en")} series, min | RSS before MB | RSS after MB |`);
console.log("|---|---|---|---|---|---|---|");
const batch = Array.from({ length: seriesCount }, (_, i) => series(28, 1000 + i));
for (const method of METHODS) {
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  for (const history of batch) await forecastMetric(history, { method });
  const totalMs = performance.now() - started;
  const perSeries = totalMs / seriesCount;
  console.log(
    `| ${method} | ${seriesCount} | ${(totalMs / 1000).toFixed(1)} | ${perSeries.toFixed(0)} | ${((perSeries * projectedSeries) / 60_000).toFixed(1)} | ${mb(rssBefore)} | ${mb(process.memoryUsage().rss)} |`,
  );
}
