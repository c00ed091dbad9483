// Tidewatch on NAB v1.1 (the Numenta Anomaly Benchmark). Runs the worker's streaming detection over each of
// NAB's 58 series (lib/eval/nab-detection.ts: cold start, rows in order, labels never seen), scores it with
// NAB's rules (lib/eval/nab-scorer.ts) and prints, as markdown: the three normalised scores at NAB's
// corpus-wide optimised thresholds beside the published scoreboard (results/final_results.json), the scores
// per category, and the scores of the worker's own alerts at its default settings (no optimisation).
// Usage:
//   npm run eval:nab [-- --out DIR] [--data DIR] [--json OUT]
//   --data DIR   the NAB directory (default ../shared/datasets/nab from the repository root)
//   --out DIR    also writes NAB's results layout DIR/tidewatch/<category>/tidewatch_<file>.csv
//                (timestamp,value,anomaly_score,label), which NAB's own scorer reads unchanged
//   --json OUT   writes the figures as JSON
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadNabCorpus, type NabCorpusFile } from "@/lib/eval/nab-corpus";
import { detectNabSeries } from "@/lib/eval/nab-detection";
import {
  evaluateNab,
  evaluateNabDetections,
  NAB_PROFILE_NAMES,
  normaliseNabTally,
  sumNabTallies,
  type NabProfileName,
  type NabProfileResult,
  type NabProfiles,
  type NabTally,
} from "@/lib/eval/nab-scorer";
import { count, num } from "@/scripts/eval/report-format";

const DETECTOR = "tidewatch";
const repoRoot = path.resolve(import.meta.dirname, "..");

const { values: args } = parseArgs({
  options: {
    data: { type: "string", default: path.resolve(repoRoot, "../shared/datasets/nab") },
    out: { type: "string" },
    json: { type: "string" },
  },
});

type ByProfile<T> = Record<NabProfileName, T>;

const profileHeader = (first: string, extra = "") =>
  `| ${first} | ${NAB_PROFILE_NAMES.join(" | ")} |${extra}\n|---|${NAB_PROFILE_NAMES.map(() => "---:").join("|")}|${extra ? "---|" : ""}`;

/** Row i is inside a labelled window (NAB's labeler: start <= timestamp <= end). */
function labelsOf(f: NabCorpusFile): number[] {
  return f.timestamps.map((t) => (f.windows.some((w) => t >= w.start && t <= w.end) ? 1 : 0));
}

async function writeResultsLayout(dir: string, files: NabCorpusFile[], scores: number[][]): Promise<string> {
  const root = path.join(dir, DETECTOR);
  for (const [k, f] of files.entries()) {
    const [category, base] = f.name.split("/") as [string, string];
    await mkdir(path.join(root, category), { recursive: true });
    const label = labelsOf(f);
    const lines = f.rows.map((r, i) => {
      const s = scores[k]![i]!;
      return `${r.timestamp},${r.value},${Number.isNaN(s) ? "nan" : s},${label[i]}`;
    });
    await writeFile(path.join(root, category, `${DETECTOR}_${base}`), ["timestamp,value,anomaly_score,label", ...lines].join("\n") + "\n");
  }
  return root;
}

/** A category's tally per profile: its files' raw figures summed, normalised over its own windows. */
function byCategory(files: NabCorpusFile[], results: ByProfile<NabProfileResult>, profiles: NabProfiles) {
  const categories = [...new Set(files.map((f) => f.category))];
  return categories.map((category) => {
    const inCategory = (name: string) => name.startsWith(`${category}/`);
    const perProfile = Object.fromEntries(
      NAB_PROFILE_NAMES.map((p) => {
        const tally = sumNabTallies(results[p].bySeries.filter((s) => inCategory(s.name)));
        return [p, { ...tally, normalised: normaliseNabTally(tally, profiles[p]) }];
      }),
    ) as ByProfile<NabTally & { normalised: number | null }>;
    return { category, files: files.filter((f) => inCategory(f.name)).length, ...perProfile };
  });
}

const figures = (r: NabProfileResult) => ({
  threshold: r.threshold,
  normalised: r.normalised,
  raw: r.total.score,
  windows: r.total.windows,
  detectedWindows: r.total.detectedWindows,
  falsePositives: r.total.falsePositives,
});

async function main(): Promise<void> {
  const started = performance.now();
  const corpus = await loadNabCorpus(args.data);
  const { files, profiles, published } = corpus;
  const rowCount = files.reduce((n, f) => n + f.rows.length, 0);
  const windowCount = files.reduce((n, f) => n + f.windows.length, 0);

  const detectStarted = performance.now();
  const detected = files.map((f) => {
    const r = detectNabSeries(f);
    if (r.scores.length !== f.rows.length || r.alerts.length !== f.rows.length) {
      throw new Error(`${f.name}: detectNabSeries returned ${r.scores.length} scores and ${r.alerts.length} alerts for ${f.rows.length} rows`);
    }
    return r;
  });
  const detectMs = performance.now() - detectStarted;

  const scoreStarted = performance.now();
  const optimised = evaluateNab(
    files.map((f, k) => ({ name: f.name, timestamps: f.timestamps, windows: f.windows, scores: detected[k]!.scores })),
    profiles,
  );
  const atDefaults = evaluateNabDetections(
    files.map((f, k) => ({ name: f.name, timestamps: f.timestamps, windows: f.windows, detections: detected[k]!.alerts })),
    profiles,
  );
  const scoreMs = performance.now() - scoreStarted;
  const categories = byCategory(files, optimised, profiles);
  const resultsDir = args.out ? await writeResultsLayout(args.out, files, detected.map((d) => d.scores)) : null;
  const elapsedMs = performance.now() - started;

  console.log(`## Tidewatch on NAB v1.1\n`);
  console.log(
    `${files.length} files, ${count(rowCount)} rows, ${windowCount} windows (${args.data}). Each series runs through ` +
      `detectNabSeries from its first row, cold, labels unseen; the first 15% of each file (at most 750 rows) is ` +
      `NAB's unscored probationary period.\n`,
  );

  console.log(`### Normalised scores (NAB's corpus-wide optimised threshold per profile)\n`);
  console.log(profileHeader("detector"));
  const board = [
    ...Object.entries(published).map(([name, s]) => ({ name, scores: s, ours: false })),
    {
      name: `**${DETECTOR} (this run)**`,
      scores: Object.fromEntries(NAB_PROFILE_NAMES.map((p) => [p, optimised[p].normalised ?? Number.NaN])) as ByProfile<number>,
      ours: true,
    },
  ].sort((a, b) => b.scores.standard - a.scores.standard);
  for (const d of board) {
    const cells = NAB_PROFILE_NAMES.map((p) => (d.ours ? `**${num(d.scores[p], 1)}**` : num(d.scores[p] ?? null, 1)));
    console.log(`| ${d.name} | ${cells.join(" | ")} |`);
  }
  console.log(`\nOther detectors: the published scores in results/final_results.json, not re-run here.\n`);
  console.log(profileHeader(`${DETECTOR}, optimised`));
  const detail = (label: string, f: (r: NabProfileResult) => string) =>
    console.log(`| ${label} | ${NAB_PROFILE_NAMES.map((p) => f(optimised[p])).join(" | ")} |`);
  detail("threshold", (r) => (r.threshold === null ? "–" : String(Number(r.threshold.toPrecision(6)))));
  detail("raw score", (r) => r.total.score.toFixed(2));
  detail("windows detected", (r) => `${r.total.detectedWindows}/${r.total.windows}`);
  detail("false positives (rows)", (r) => count(r.total.falsePositives));

  console.log(`\n### By category (at the corpus-wide thresholds above)\n`);
  console.log(
    `A category's score: its files' raw NAB scores at the corpus threshold, normalised over that category's own ` +
      `windows (0 = all its windows missed and no FP, 100 = each detected at its first row). A category without ` +
      `windows has nothing to normalise by: its raw score (the FP cost) is shown instead.\n`,
  );
  console.log(`| category | files | windows | ${NAB_PROFILE_NAMES.join(" | ")} | detected (standard) | FPs (standard) |`);
  console.log(`|---|---:|---:|${NAB_PROFILE_NAMES.map(() => "---:").join("|")}|---:|---:|`);
  for (const c of categories) {
    const cells = NAB_PROFILE_NAMES.map((p) => (c[p].normalised === null ? `raw ${c[p].score.toFixed(2)}` : num(c[p].normalised, 1)));
    console.log(
      `| ${c.category} | ${c.files} | ${c.standard.windows} | ${cells.join(" | ")} | ${c.standard.detectedWindows}/${c.standard.windows} | ${count(c.standard.falsePositives)} |`,
    );
  }

  console.log(`\n### At the worker's default alerts (its own alert flags; no threshold optimisation)\n`);
  console.log(profileHeader(`${DETECTOR}, default alerts`));
  const defaults = (label: string, f: (r: NabProfileResult) => string) =>
    console.log(`| ${label} | ${NAB_PROFILE_NAMES.map((p) => f(atDefaults[p])).join(" | ")} |`);
  defaults("normalised score", (r) => num(r.normalised, 1));
  defaults("raw score", (r) => r.total.score.toFixed(2));
  defaults("windows detected", (r) => `${r.total.detectedWindows}/${r.total.windows}`);
  defaults("false positives (rows)", (r) => count(r.total.falsePositives));

  const rowsPerSecond = rowCount / (detectMs / 1000);
  console.log(
    `\nWall time ${(elapsedMs / 1000).toFixed(1)} s (detection ${(detectMs / 1000).toFixed(1)} s = ${count(rowsPerSecond)} rows/s, ` +
      `scoring ${(scoreMs / 1000).toFixed(2)} s), one thread, Node ${process.version}.`,
  );
  if (resultsDir) console.log(`Wrote NAB's results layout to ${resultsDir}`);

  if (args.json) {
    const report = {
      detector: DETECTOR,
      dataDir: args.data,
      files: files.length,
      rows: rowCount,
      windows: windowCount,
      optimised: Object.fromEntries(NAB_PROFILE_NAMES.map((p) => [p, figures(optimised[p])])),
      atDefaultAlerts: Object.fromEntries(NAB_PROFILE_NAMES.map((p) => [p, figures(atDefaults[p])])),
      byCategory: categories,
      byFile: files.map((f, k) => ({
        name: f.name,
        ...Object.fromEntries(NAB_PROFILE_NAMES.map((p) => {
          const { name: _, ...t } = optimised[p].bySeries[k]!;
          return [p, t];
        })),
      })),
      published,
      elapsedMs,
      detectMs,
      scoreMs,
      rowsPerSecond,
    };
    await writeFile(args.json, JSON.stringify(report, null, 2));
    console.log(`Wrote ${args.json}`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
