// A labelled KPI dataset laid out like JumpStarter's (`train/`, `test/`, `test_label/`, one CSV per
// service, gzip or plain, no header, no timestamps, one row every 5 minutes) as a scenario source for
// the evaluation run:
// - each service is a device: its file name without extensions, role "service", site "kpi", and a
//   made-up unique 10.x address;
// - rows get timestamps: train row 0 at KPI_START (a Monday, 00:00 UTC), then every 5 minutes through
//   the train rows and on through the test rows;
// - column i becomes the i-th scenario metric key (SCENARIO_METRIC_KEYS order: bandwidth_in_bps,
//   bandwidth_out_bps, pps, flows_per_s, conns_per_s, cpu_pct, mem_pct, latency_ms, loss_pct) for the
//   first 9 columns; further columns are ignored. The datasets do not say which column is which metric:
//   this is the mapping the detection issue's figures were measured with, not a claim about the data;
// - each maximal run of `1` rows in test_label is one labelled segment [first row, last row + 5 min)
//   on its device (lib/eval/label-segments.ts);
// - the train rows are unscored history: scoring starts at the first test row (`scoredFrom`).
// Loading reads every file once to validate it (a malformed file fails here, naming file and line) and
// to count rows; the telemetry then streams from the files, one row of every device at a time.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { LabelSegments } from "@/lib/eval/label-segments";
import { readTextLines, type TextLine } from "@/lib/eval/read-text-lines";
import { SCENARIO_METRIC_KEYS, type Label, type ScenarioDevice, type ScenarioMetricName } from "@/lib/eval/scenario";
import type { ScenarioTelemetry, StreamedScenarioSource } from "@/lib/eval/scenario-source";

/** The interval between rows. */
export const KPI_ROW_MS = 5 * 60_000;
/** Where train row 0 is placed: Monday 2024-01-01 00:00 UTC (the rows carry no time of their own). */
export const KPI_START = new Date("2024-01-01T00:00:00Z");
/** Column i → metric (first 9 columns): the mapping the issue's figures were measured with. */
export const KPI_COLUMN_METRICS: readonly ScenarioMetricName[] = Object.values(SCENARIO_METRIC_KEYS);

const SPLITS = ["train", "test", "test_label"] as const;
type Split = (typeof SPLITS)[number];

export interface KpiDataset extends StreamedScenarioSource {
  /** The first test row: the train rows before it are unscored history. */
  scoredFrom: Date;
  /** Rows per device: train (the same for every device) and test (the longest). */
  rows: { train: number; test: number };
  /** Columns of the metric files, of which the first `KPI_COLUMN_METRICS.length` are used. */
  columns: number;
}

interface ServiceFiles {
  name: string;
  train: string;
  test: string;
  testLabel: string;
}

export async function loadKpiDataset(dir: string): Promise<KpiDataset> {
  const services = await listServices(dir);
  let columns: number | undefined;
  let trainRows: number | undefined;
  let testRows = 0;
  const labels: Label[] = [];
  const devices: ScenarioDevice[] = services.map((s, i) => ({ name: s.name, ip: deviceIp(i), role: "service", site: "kpi" }));

  for (const s of services) {
    const train = await scanMetricFile(s.train, columns);
    columns ??= train.columns;
    const test = await scanMetricFile(s.test, columns);
    if (trainRows === undefined) trainRows = train.rows;
    else if (train.rows !== trainRows) {
      throw new Error(
        `${s.train}: ${train.rows} rows, but ${services[0]!.train} has ${trainRows}: every service's train file must have the same number of rows (scoring starts at one time for all)`,
      );
    }
    const testStart = KPI_START.getTime() + trainRows * KPI_ROW_MS;
    labels.push(...(await scanLabelFile(s.testLabel, test.rows, s.test, testStart)).labels(s.name, KPI_ROW_MS));
    testRows = Math.max(testRows, test.rows);
  }
  const train = trainRows ?? 0;
  const scoredFrom = new Date(KPI_START.getTime() + train * KPI_ROW_MS);
  const usedColumns = Math.min(columns ?? 0, KPI_COLUMN_METRICS.length);

  return {
    config: { internalSubnets: ["10.0.0.0/8"], devices },
    calendar: [],
    maintenance: [],
    labels: labels.sort((a, b) => a.start.getTime() - b.start.getTime()),
    span: { start: KPI_START, end: new Date(KPI_START.getTime() + (train + testRows - 1) * KPI_ROW_MS) },
    scoredFrom,
    rows: { train, test: testRows },
    columns: columns ?? 0,
    async *telemetry(): AsyncGenerator<ScenarioTelemetry> {
      let firstRow = 0;
      for (const split of ["train", "test"] as const) {
        const readers = services.map((s) => readTextLines(split === "train" ? s.train : s.test));
        try {
          let row = 0;
          for (;;) {
            const ts = new Date(KPI_START.getTime() + (firstRow + row) * KPI_ROW_MS);
            let any = false;
            for (let d = 0; d < services.length; d++) {
              const next = await readers[d]!.next();
              if (next.done) continue;
              any = true;
              const file = split === "train" ? services[d]!.train : services[d]!.test;
              const cells = parseMetricRow(file, next.value, columns!);
              const values: Partial<Record<ScenarioMetricName, number>> = {};
              for (let c = 0; c < usedColumns; c++) values[KPI_COLUMN_METRICS[c]!] = cells[c]!;
              yield { kind: "metric", metric: { ts, device: services[d]!.name, values } };
            }
            if (!any) break;
            row++;
          }
          firstRow += row;
        } finally {
          await Promise.all(readers.map((r) => r.return(undefined)));
        }
      }
    },
  };
}

/** The services of the dataset: the same file names (without extensions) in train/, test/ and test_label/. */
async function listServices(dir: string): Promise<ServiceFiles[]> {
  const bySplit = new Map<Split, Map<string, string>>();
  for (const split of SPLITS) {
    const sub = path.join(dir, split);
    let entries: string[];
    try {
      if (!(await stat(sub)).isDirectory()) throw new Error("not a directory");
      entries = await readdir(sub);
    } catch (e) {
      throw new Error(`${sub}: a KPI dataset needs train/, test/ and test_label/ folders (${(e as Error).message})`);
    }
    const files = new Map<string, string>();
    for (const entry of entries.filter((e) => /\.csv(\.gz)?$/i.test(e))) {
      const name = seriesName(entry);
      if (files.has(name)) throw new Error(`${sub}: two files for "${name}" (${files.get(name)} and ${entry})`);
      files.set(name, entry);
    }
    bySplit.set(split, files);
  }
  const names = [...bySplit.get("test")!.keys()].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  if (names.length === 0) throw new Error(`${path.join(dir, "test")}: no .csv or .csv.gz files`);
  for (const split of SPLITS) {
    const files = bySplit.get(split)!;
    const missing = names.filter((n) => !files.has(n));
    const extra = [...files.keys()].filter((n) => !bySplit.get("test")!.has(n));
    if (missing.length > 0 || extra.length > 0) {
      throw new Error(
        `${path.join(dir, split)}: the splits must hold the same services` +
          (missing.length > 0 ? `; missing: ${missing.join(", ")}` : "") +
          (extra.length > 0 ? `; not in test/: ${extra.join(", ")}` : ""),
      );
    }
  }
  const fileOf = (split: Split, name: string) => path.join(dir, split, bySplit.get(split)!.get(name)!);
  return names.map((name) => ({ name, train: fileOf("train", name), test: fileOf("test", name), testLabel: fileOf("test_label", name) }));
}

/** A file's series name: its base name without `.gz` and `.csv` ("service0.csv.gz" → "service0"). */
export function seriesName(file: string): string {
  return path.basename(file).replace(/\.gz$/i, "").replace(/\.csv$/i, "");
}

/** A made-up unique address per device index: 10.0.0.1, 10.0.0.2, … */
export function deviceIp(index: number): string {
  const n = index + 1;
  if (n >= 2 ** 24 - 1) throw new Error("too many devices for made-up 10.x addresses");
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number cell, or an error naming file, line and column. */
export function parseCell(file: string, line: number, column: number, cell: string): number {
  const text = cell.trim();
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) {
    throw new Error(`${file}, line ${line}: column ${column} is ${text === "" ? "empty" : `"${text.slice(0, 40)}"`}, not a number`);
  }
  return value;
}

function parseMetricRow(file: string, line: TextLine, columns: number): number[] {
  const cells = line.text.split(",");
  if (cells.length !== columns) {
    throw new Error(`${file}, line ${line.no}: ${cells.length} columns, expected ${columns} (as on the first line of the dataset)`);
  }
  return cells.map((c, i) => parseCell(file, line.no, i + 1, c));
}

/** Validates a metric file and counts its rows; `columns` is what earlier files had. */
async function scanMetricFile(file: string, columns: number | undefined): Promise<{ rows: number; columns: number }> {
  let rows = 0;
  for await (const line of readTextLines(file)) {
    columns ??= line.text.split(",").length;
    parseMetricRow(file, line, columns);
    rows++;
  }
  if (rows === 0) throw new Error(`${file}: no rows`);
  return { rows, columns: columns! };
}

/** The labelled segments of a label file, its row k at `testStart` + k rows. */
async function scanLabelFile(file: string, testRows: number, testFile: string, testStart: number): Promise<LabelSegments> {
  const segments = new LabelSegments();
  let rows = 0;
  for await (const line of readTextLines(file)) {
    const cells = line.text.split(",");
    if (cells.length !== 1) throw new Error(`${file}, line ${line.no}: ${cells.length} columns, expected one 0/1 label`);
    const value = parseCell(file, line.no, 1, cells[0]!);
    if (value !== 0 && value !== 1) throw new Error(`${file}, line ${line.no}: label ${cells[0]!.trim()}, expected 0 or 1`);
    segments.add(testStart + rows * KPI_ROW_MS, value);
    rows++;
  }
  if (rows !== testRows) throw new Error(`${file}: ${rows} labels for the ${testRows} rows of ${testFile}`);
  return segments;
}
