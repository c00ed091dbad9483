// The detection evaluation harness. Runs a labelled scenario through the worker's pipeline on a
// simulated clock (scripts/eval/run-scenario.ts) and prints, per detector and overall, precision,
// recall, F1, false-positive share, alerts per device-day and detection latency, with the
// static-threshold reference from the same run, the false-positive reduction against it and the
// raised alerts per device-day on ordinary traffic (device-days with no label and no maintenance).
// Usage:
//   npm run eval                                   the built-in labelled suite (simulator scenarios)
//   npm run eval -- --scenario FILE [--json OUT]   a JSON Lines scenario (format in the README)
//   npm run eval -- --kpi DIR [--json OUT]         a labelled KPI dataset (train/, test/, test_label/;
//                                                  lib/eval/kpi-dataset.ts), scored event-level
//   npm run eval -- --csv FILE… [--json OUT]       NAB-style series timestamp,value[,label]
//                                                  (lib/eval/csv-series.ts), scored event-level
//   npm run eval -- --export DIR                   writes the built-in suite as scenario files
//   npm run eval -- --config '{"one-class-svm":{"enabled":true}}' [--only NAME]   a what-if run
//   DATABASE_URL=… npm run eval -- --save-labels    also stores each run's labelled alerts (true or
//                                                  false positive by score) for the tuning page's curves
import { createWriteStream, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { CSV_SERIES_METRIC, loadCsvSeries } from "@/lib/eval/csv-series";
import { KPI_COLUMN_METRICS, KPI_ROW_MS, KPI_START, loadKpiDataset } from "@/lib/eval/kpi-dataset";
import { NAB_PROBATION_PERCENT } from "@/lib/eval/nab-scorer";
import { parseScenario, scenarioMetricKey } from "@/lib/eval/scenario";
import { scenarioLines, scenarioSourceOf, type ScenarioSource, type StreamedScenarioSource } from "@/lib/eval/scenario-source";
import { falsePositiveReduction, metricsOfCounts, SEGMENT_MATCHING, type ScoreCounts, type ScoreMetrics } from "@/lib/eval/score-alerts";
import { labelledScenario } from "@/lib/simulator/labelled-scenario";
import { count, num, pct } from "@/scripts/eval/report-format";
import { figuresOf, runScenario, type RunScenarioOptions, type ScenarioRunResult } from "@/scripts/eval/run-scenario";

/** The built-in suite. Its seeds are the ones detectors were developed against; tests hold out others. */
export const BUILT_IN_SUITE = [
  { name: "hq-dc-branch-12-flows", seed: 101, devices: 12, days: 35, flows: true },
  { name: "fleet-24-metrics-only", seed: 202, devices: 24, days: 35, flows: false },
] as const;
const SUITE_START = new Date("2026-01-05T00:00:00Z");

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scenario: { type: "string" },
    /** A labelled KPI dataset folder (train/, test/, test_label/). */
    kpi: { type: "string" },
    /** NAB-style CSV series; further files may follow as plain arguments (`--csv data/*.csv`). */
    csv: { type: "string", multiple: true },
    json: { type: "string" },
    export: { type: "string" },
    quiet: { type: "boolean", default: false },
    /** Detector config overrides as JSON, e.g. '{"one-class-svm":{"enabled":true}}' (what-if runs). */
    config: { type: "string" },
    /** Only the built-in scenarios whose name contains this. */
    only: { type: "string" },
    /** Store each run's labelled alerts in DATABASE_URL (scenario labels for the tuning curves). */
    "save-labels": { type: "boolean", default: false },
  },
});

function builtIn(): { name: string; source: () => ScenarioSource }[] {
  return BUILT_IN_SUITE.map((s) => ({
    name: s.name,
    source: () => labelledScenario({ seed: s.seed, devices: s.devices, days: s.days, flows: s.flows, start: SUITE_START }),
  }));
}

const secs = (x: number | null) => (x === null ? "–" : `${Math.round(x)} s`);

function row(name: string, m: ScoreMetrics): string {
  return `| ${name} | ${pct(m.precision)} | ${pct(m.recall)} | ${num(m.f1, 2)} | ${pct(m.falsePositiveShare)} | ${num(m.alertsPerDeviceDay, 3)} | ${secs(m.latencyMedianS)} | ${secs(m.latencyP95S)} | ${m.tp} | ${m.fp} | ${m.suppressed} | ${m.detected}/${m.labels} |`;
}

/** The alert volume on ordinary traffic, ours and the static reference (same device-days for both). */
function ordinaryLine(ours: ScoreMetrics, reference: ScoreMetrics, scoredDeviceDays: number): string {
  return (
    `Raised alerts per device-day on ordinary traffic (device-days with no label and no maintenance window): ` +
    `ours ${num(ours.ordinaryAlertsPerDeviceDay, 3)} (${ours.ordinaryRaised} alerts), ` +
    `static thresholds ${num(reference.ordinaryAlertsPerDeviceDay, 3)} (${reference.ordinaryRaised} alerts), ` +
    `over ${count(ours.ordinaryDeviceDays, 1)} ordinary device-days of ${count(scoredDeviceDays, 1)} scored`
  );
}

const scoredDeviceDaysOf = (r: ScenarioRunResult) => r.devices * (Math.max(0, r.span.end.getTime() - r.trainingEnd.getTime()) / 86_400_000);

const HEADER =
  "| detector | precision | recall | F1 | FP share | alerts/device-day | latency median | latency p95 | TP | FP | suppressed | labels detected |\n" +
  "|---|---|---|---|---|---|---|---|---|---|---|---|";

/** A run to make: its source, options, and (labelled datasets) what the output must say about them. */
interface RunSpec {
  name: string;
  load: () => Promise<{ source: ScenarioSource | StreamedScenarioSource; options?: RunScenarioOptions; notes?: string[] }>;
}

/** Labelled datasets (KPI, CSV series): rows and labelled segments rather than device-minutes and labels. */
function printRun(name: string, r: ScenarioRunResult, notes?: readonly string[]): void {
  const dataset = notes !== undefined;
  console.log(`\n### ${name}`);
  console.log(
    `${r.devices} devices, ${count(r.deviceMinutes)} ${dataset ? "metric rows" : "device-minutes"}, ${count(r.flows)} flows, ` +
      (r.syslogLines > 0 ? `${count(r.syslogLines)} syslog lines${r.syslogRefused > 0 ? ` (${count(r.syslogRefused)} refused by the parser)` : ""}, ` : "") +
      `${r.labels} ${dataset ? "labelled segments" : "labels"} (${r.ours.overall.labels} scored); scored from ${r.trainingEnd.toISOString()} to ${r.span.end.toISOString()}; ` +
      `${r.retrains} trainings, ${r.heldBuckets} baseline buckets held by the growth cap; ${(r.elapsedMs / 1000).toFixed(1)} s\n`,
  );
  for (const note of notes ?? []) console.log(`- ${note}`);
  if (dataset) console.log("");
  console.log(HEADER);
  for (const [detector, m] of Object.entries(r.ours.byDetector)) console.log(row(detector, m));
  console.log(row("**overall (ours)**", r.ours.overall));
  console.log(row("static thresholds (reference)", r.reference.overall));
  console.log(`\nFalse positives reduced against the static thresholds: ${pct(r.falsePositiveReduction)}`);
  console.log(ordinaryLine(r.ours.overall, r.reference.overall, scoredDeviceDaysOf(r)));
  console.log(`Campaigns correlated: ${r.campaigns.length} (${r.campaigns.map((c) => `${c.devices.join("+")}: ${c.types.join("+")} → ${c.severity}`).join("; ") || "none"})`);
  const missed = r.ours.labels.filter((l) => !l.detected);
  if (dataset) {
    // the segments carry no type: no recall by type
    if (missed.length > 0) console.log(`Missed segments (device, first row): ${missed.map((l) => `${l.label.device} ${l.label.start.toISOString()}`).join(", ")}`);
    return;
  }
  if (missed.length > 0) {
    console.log(`Missed labels: ${missed.map((l) => `${l.label.type}@${l.label.device} ${l.label.start.toISOString()}`).join(", ")}`);
  }
  console.log(`Recall by label type: ${recallLine(recallByType([r]))}`);
}

/** Scored labels and detected ones per label type, over runs (in the order types first appear). */
function recallByType(runs: readonly ScenarioRunResult[]): Map<string, { n: number; detected: number }> {
  const byType = new Map<string, { n: number; detected: number }>();
  for (const r of runs) {
    for (const l of r.ours.labels) {
      const t = byType.get(l.label.type) ?? { n: 0, detected: 0 };
      t.n++;
      if (l.detected) t.detected++;
      byType.set(l.label.type, t);
    }
  }
  return byType;
}

const recallLine = (byType: Map<string, { n: number; detected: number }>) =>
  [...byType].map(([t, c]) => `${t} ${c.detected}/${c.n} (${pct(c.detected / c.n)})`).join(", ");

/** Sums the counts of several runs and recomputes the ratios (latencies pooled over all labels). */
function combine(runs: ScenarioRunResult[], pick: (r: ScenarioRunResult) => ScenarioRunResult["ours"]): ScoreMetrics {
  const sum: ScoreCounts = { tp: 0, fp: 0, raised: 0, suppressed: 0, labels: 0, detected: 0, ordinaryRaised: 0, ordinaryDeviceDays: 0 };
  const latencies: number[] = [];
  for (const r of runs) {
    const m = pick(r).overall;
    for (const k of Object.keys(sum) as (keyof ScoreCounts)[]) sum[k] += m[k];
    for (const l of pick(r).labels) if (l.latencyS !== null) latencies.push(l.latencyS);
  }
  return metricsOfCounts(sum, latencies, runs.reduce((n, r) => n + scoredDeviceDaysOf(r), 0));
}

async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  for (const line of lines) if (!out.write(line + "\n")) await once(out, "drain");
  out.end();
  await once(out, "finish");
}

async function main(): Promise<void> {
  if (args.export) {
    await mkdir(args.export, { recursive: true });
    for (const s of builtIn()) {
      const file = path.join(args.export, `${s.name}.jsonl`);
      await writeLines(file, scenarioLines(s.source()));
      console.log(`wrote ${file}`);
    }
    return;
  }

  const csvFiles = [...(args.csv ?? []), ...(args.csv ? positionals : [])];
  if (positionals.length > 0 && !args.csv) throw new Error(`unexpected argument "${positionals[0]}"`);
  if ([args.scenario, args.kpi, args.csv].filter((x) => x !== undefined).length > 1) {
    throw new Error("give one of --scenario, --kpi and --csv");
  }
  const scenarios: RunSpec[] = args.scenario
    ? [{ name: path.basename(args.scenario), load: async () => ({ source: scenarioSourceOf(parseScenario(readFileSync(args.scenario!, "utf8"))) }) }]
    : args.kpi
      ? [kpiRun(args.kpi)]
      : args.csv
        ? [csvRun(csvFiles)]
        : builtIn()
            .filter((s) => !args.only || s.name.includes(args.only))
            .map((s) => ({ name: s.name, load: async () => ({ source: s.source() }) }));
  const detectorConfigs = args.config ? (JSON.parse(args.config) as Record<string, Record<string, unknown>>) : undefined;
  const builtInSuite = !args.scenario && !args.kpi && !args.csv;
  console.log(`## Detection evaluation${builtInSuite ? ": built-in labelled suite" : ""}`);
  const runs: { name: string; result: ScenarioRunResult; notes?: string[] }[] = [];
  for (const s of scenarios) {
    const { source, options, notes } = await s.load();
    const result = await runScenario(source, {
      ...options,
      ...(detectorConfigs ? { detectorConfigs } : {}),
      onProgress: args.quiet ? undefined : ({ day, days, alerts }) => process.stderr.write(`\r${s.name}: day ${day + 1}/${days}, ${alerts} alerts `),
    });
    if (!args.quiet) process.stderr.write("\n");
    printRun(s.name, result, notes);
    runs.push({ name: s.name, result, ...(notes ? { notes } : {}) });
  }
  let suite: { ours: ScoreMetrics; reference: ScoreMetrics; heldBuckets: number } | undefined;
  if (runs.length > 1) {
    const results = runs.map((r) => r.result);
    suite = {
      ours: combine(results, (r) => r.ours),
      reference: combine(results, (r) => r.reference),
      heldBuckets: results.reduce((n, r) => n + r.heldBuckets, 0),
    };
    console.log(`\n### Whole suite\n\n${results.length} runs, ${suite.heldBuckets} baseline buckets held by the growth cap\n\n${HEADER}`);
    console.log(row("**overall (ours)**", suite.ours));
    console.log(row("static thresholds (reference)", suite.reference));
    console.log(`\nFalse positives reduced against the static thresholds: ${pct(falsePositiveReduction(suite.reference.fp, suite.ours.fp))}`);
    console.log(ordinaryLine(suite.ours, suite.reference, results.reduce((n, r) => n + scoredDeviceDaysOf(r), 0)));
    console.log(`Recall by label type: ${recallLine(recallByType(results))}`);
  }

  if (args["save-labels"]) await saveLabels(runs);

  if (args.json) {
    const report = {
      scenarios: runs.map(({ name, result: r, notes }) => ({
        name,
        ...(notes ? { notes } : {}),
        trainingEnd: r.trainingEnd,
        span: r.span,
        devices: r.devices,
        labels: r.labels,
        heldBuckets: r.heldBuckets,
        overall: figuresOf(r.ours.overall),
        recallByType: Object.fromEntries([...recallByType([r])].map(([t, c]) => [t, { labels: c.n, detected: c.detected }])),
        byDetector: Object.fromEntries(Object.entries(r.ours.byDetector).map(([d, m]) => [d, figuresOf(m)])),
        staticThreshold: figuresOf(r.reference.overall),
        falsePositiveReduction: r.falsePositiveReduction,
        alerts: r.alerts.map((a) => ({ ts: a.ts, device: a.device, detector: a.detector, type: a.type, severity: a.severity, score: a.score, status: a.status })),
      })),
      ...(suite
        ? { suite: { heldBuckets: suite.heldBuckets, overall: figuresOf(suite.ours), staticThreshold: figuresOf(suite.reference) } }
        : {}),
    };
    await writeFile(args.json, JSON.stringify(report, null, 2));
    console.log(`\nwrote ${args.json}`);
  }
}

const SEGMENT_SCORING =
  "event-level scoring, no point-adjust: a labelled segment is detected when a raised alert of any type on its device falls inside " +
  "[first row, last row + row interval), no grace after it; a raised alert inside no segment is a false positive";

/** A labelled KPI dataset: train rows unscored, scoring from the first test row. */
function kpiRun(dir: string): RunSpec {
  return {
    name: path.basename(path.resolve(dir)),
    load: async () => {
      const source = await loadKpiDataset(dir);
      const used = Math.min(source.columns, KPI_COLUMN_METRICS.length);
      const mapping = KPI_COLUMN_METRICS.slice(0, used).map((m, i) => `c${i + 1}→${scenarioMetricKey(m)}`).join(", ");
      return {
        source,
        options: { trainingEnd: source.scoredFrom, matching: SEGMENT_MATCHING },
        notes: [
          `${count(source.rows.train)} train rows (unscored history) then ${count(source.rows.test)} test rows per service, ` +
            `one every ${KPI_ROW_MS / 60_000} min from ${KPI_START.toISOString()} (a Monday; the files carry no timestamps)`,
          `columns → metrics: ${mapping}` +
            (source.columns > used ? `; columns ${used + 1}–${source.columns} ignored` : "") +
            ". Which column is which metric is not published: this is the mapping the issue's figures were measured with",
          `${source.labels.length} labelled segments; scoring starts at the first test row, ${source.scoredFrom.toISOString()}`,
          SEGMENT_SCORING,
        ],
      };
    },
  };
}

/** NAB-style series: scoring after the first 15% of each file's rows. */
function csvRun(files: string[]): RunSpec {
  return {
    name: files.length === 1 ? path.basename(files[0]!) : `${files.length} CSV series`,
    load: async () => {
      const source = await loadCsvSeries(files);
      return {
        source,
        options: { trainingEnd: source.scoredFrom, matching: SEGMENT_MATCHING },
        notes: [
          ...source.files.map(
            (f) =>
              `${f.device}: ${count(f.rows)} rows, usually ${f.stepMs / 60_000} min apart, ` +
              `${f.labelled ? `${source.labels.filter((l) => l.device === f.device).length} labelled segments` : "no label column (nothing to detect: every raised alert counts as false)"}` +
              (f.skipped.rows > 0
                ? `; ${f.skipped.rows} rows skipped for being earlier than a row before them (the clock stepped back; first at line ${f.skipped.firstLine})`
                : ""),
          ),
          `value → ${scenarioMetricKey(CSV_SERIES_METRIC)} (${CSV_SERIES_METRIC}): a rate with no 0–100 clamp`,
          `scoring starts at ${source.scoredFrom.toISOString()}: after the first ${NAB_PROBATION_PERCENT * 100}% of each file's rows ` +
            "(NAB's probationary period, without NAB's 750-row cap: the hour-of-week baseline needs days of history)",
          SEGMENT_SCORING,
        ],
      };
    },
  };
}

/** Each run's raised alerts, labelled by the scoring, as scenario labels named after the scenario. */
async function saveLabels(runs: { name: string; result: ScenarioRunResult }[]): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error("--save-labels needs DATABASE_URL (the Tidewatch database to store the labels in)");
  const { createPrismaClient } = await import("@/lib/db/client");
  const { replaceScenarioLabels } = await import("@/lib/db/scenario-label-queries");
  const prisma = createPrismaClient(process.env.DATABASE_URL, 2);
  try {
    for (const { name, result } of runs) {
      const rows = result.ours.alerts.flatMap(({ alert, outcome }) =>
        outcome === "tp" || outcome === "fp"
          ? [
              {
                alertId: null,
                detector: alert.detector,
                deviceName: alert.device,
                deviceRole: result.deviceRoles[alert.device] ?? "unknown",
                score: alert.score,
                positive: outcome === "tp",
                observedAt: new Date(alert.ts),
              },
            ]
          : [],
      );
      await replaceScenarioLabels(prisma, `eval:${name}`, rows);
      console.log(`stored ${rows.length} labelled alerts of ${name} as scenario "eval:${name}"`);
    }
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
