// NAB-style series (`timestamp,value[,label]` with a header row, gzip or plain) as a scenario source
// for the evaluation run:
// - each file is one device named after the file (without `.csv`/`.gz`), role "series", site "csv",
//   with a made-up unique 10.x address;
// - timestamps are "2014-02-14 14:30:00" (UTC) or ISO 8601 with a zone; a row earlier than a row
//   before it (a clock stepped back, e.g. an hour written twice) is skipped and counted, as the worker
//   drops telemetry that arrives for minutes already passed on; rows of the same time are kept (the
//   router averages a minute's values);
// - the value becomes the one metric `packetsPerSec` (scenario key `pps`): a rate with no upper bound.
//   The percentage metrics (cpu, memory, loss) are clamped to 0–100 where bands are drawn, which a
//   temperature or a request count would break, and the bandwidth metrics also feed the upload and
//   exfiltration detectors, which would read the value as bytes sent;
// - rows whose label is 1 form segments as in the KPI datasets (lib/eval/label-segments.ts): each
//   maximal run is one labelled segment [first row, last row + the series' step), the step being its
//   most common row interval;
// - scoring starts after the first 15% of each file's rows (NAB's probationary period, without NAB's
//   cap of 750 rows: the hour-of-week baseline needs days of history), the latest such time over the
//   files when several are evaluated together (a file that ends before it is an error).
// Loading reads every file once to validate it (naming file and line on any problem), then its first
// 15% again to find where scoring starts: the row count is known only at the end of the first read,
// and re-reading that part keeps memory bounded where keeping every row's time would not. The
// telemetry then streams from the files, merged in time order.
import { deviceIp, parseCell, seriesName } from "@/lib/eval/kpi-dataset";
import { LabelSegments } from "@/lib/eval/label-segments";
import { NAB_PROBATION_PERCENT } from "@/lib/eval/nab-scorer";
import { readTextLines, type TextLine } from "@/lib/eval/read-text-lines";
import { type Label, type ScenarioDevice, type ScenarioMetricName } from "@/lib/eval/scenario";
import type { ScenarioTelemetry, StreamedScenarioSource } from "@/lib/eval/scenario-source";

/** The metric every series value becomes (see the top of this file for why). */
export const CSV_SERIES_METRIC: ScenarioMetricName = "packetsPerSec";
/** The step of a series with fewer than two distinct timestamps. */
const DEFAULT_STEP_MS = 60_000;

export interface CsvSeries extends StreamedScenarioSource {
  /** Scoring starts here: after the first 15% of rows of every file. */
  scoredFrom: Date;
  /**
   * Per file (device name): rows used, probation rows, the most common row interval, whether it has
   * labels, and the rows skipped for being out of time order (with the first one's line).
   */
  files: {
    device: string;
    file: string;
    rows: number;
    probationRows: number;
    stepMs: number;
    labelled: boolean;
    skipped: { rows: number; firstLine: number | undefined };
  }[];
}

interface Columns {
  timestamp: number;
  value: number;
  label: number | undefined;
}

interface Row {
  ts: number;
  value: number;
  label: 0 | 1 | undefined;
}

export async function loadCsvSeries(files: readonly string[]): Promise<CsvSeries> {
  if (files.length === 0) throw new Error("no CSV files given");
  const devices: ScenarioDevice[] = [];
  const labels: Label[] = [];
  const scanned: CsvSeries["files"] = [];
  const spans: { first: number; last: number }[] = [];
  let scoredFrom = -Infinity;
  for (const [i, file] of files.entries()) {
    const name = seriesName(file);
    const clash = devices.find((d) => d.name === name);
    if (clash) throw new Error(`${file}: a second file for device "${name}" (${files[devices.indexOf(clash)]})`);
    devices.push({ name, ip: deviceIp(i), role: "series", site: "csv" });

    const s = await scanSeries(file);
    const probationRows = Math.floor(NAB_PROBATION_PERCENT * s.rows);
    scoredFrom = Math.max(scoredFrom, await timeOfRow(file, probationRows));
    labels.push(...s.segments.labels(name, s.stepMs));
    scanned.push({ device: name, file, rows: s.rows, probationRows, stepMs: s.stepMs, labelled: s.labelled, skipped: s.skipped });
    spans.push({ first: s.first, last: s.last });
  }
  spans.forEach((s, i) => {
    if (s.last < scoredFrom) {
      throw new Error(
        `${files[i]}: its rows end (${new Date(s.last).toISOString()}) before scoring starts at ${new Date(scoredFrom).toISOString()} ` +
          "(the end of another file's first 15%): evaluate series from different periods one at a time",
      );
    }
  });

  return {
    config: { internalSubnets: ["10.0.0.0/8"], devices },
    calendar: [],
    maintenance: [],
    labels: labels.sort((a, b) => a.start.getTime() - b.start.getTime()),
    span: { start: new Date(Math.min(...spans.map((s) => s.first))), end: new Date(Math.max(...spans.map((s) => s.last))) },
    scoredFrom: new Date(scoredFrom),
    files: scanned,
    async *telemetry(): AsyncGenerator<ScenarioTelemetry> {
      const readers = files.map((f) => readRows(f));
      try {
        const heads = await Promise.all(readers.map((r) => r.next()));
        for (;;) {
          let d = -1;
          for (let i = 0; i < heads.length; i++) {
            const h = heads[i]!;
            if (!h.done && (d < 0 || h.value.ts < (heads[d]!.value as Row).ts)) d = i;
          }
          if (d < 0) return;
          const row = heads[d]!.value as Row;
          yield { kind: "metric", metric: { ts: new Date(row.ts), device: devices[d]!.name, values: { [CSV_SERIES_METRIC]: row.value } } };
          heads[d] = await readers[d]!.next();
        }
      } finally {
        await Promise.all(readers.map((r) => r.return(undefined)));
      }
    },
  };
}

/** One pass over a file: validates it, counts rows, finds its step and its labelled segments. */
async function scanSeries(file: string) {
  let rows = 0;
  let first = NaN;
  let last = NaN;
  let labelled = false;
  const segments = new LabelSegments();
  const steps = new Map<number, number>();
  const skipped = { rows: 0, firstLine: undefined as number | undefined };
  for await (const row of readRows(file, skipped)) {
    if (rows === 0) first = row.ts;
    if (rows > 0 && row.ts > last) steps.set(row.ts - last, (steps.get(row.ts - last) ?? 0) + 1);
    if (row.label !== undefined) {
      labelled = true;
      segments.add(row.ts, row.label);
    }
    last = row.ts;
    rows++;
  }
  if (rows === 0) throw new Error(`${file}: no data rows after the header`);
  let stepMs = DEFAULT_STEP_MS;
  let most = 0;
  for (const [step, n] of steps) if (n > most || (n === most && step < stepMs)) [stepMs, most] = [step, n];
  return {
    rows,
    first,
    last,
    labelled,
    segments,
    stepMs,
    skipped,
  };
}

/** The time of row `index` (0-based, of the rows used); a scanned file has the probation row, as floor(15% × rows) < rows. */
async function timeOfRow(file: string, index: number): Promise<number> {
  let i = 0;
  for await (const row of readRows(file)) if (i++ === index) return row.ts;
  throw new Error(`${file}: no row ${index + 1} any more (the file changed while it was read)`);
}

/** The data rows of a file, validated; rows out of time order are left out and counted in `skipped`. */
async function* readRows(file: string, skipped?: { rows: number; firstLine: number | undefined }): AsyncGenerator<Row> {
  let columns: Columns | undefined;
  let previous = -Infinity;
  for await (const line of readTextLines(file)) {
    if (!columns) {
      columns = parseHeader(file, line);
      continue;
    }
    if (line.text.trim() === "") continue;
    const row = parseRow(file, line, columns);
    if (row.ts < previous) {
      if (skipped) {
        skipped.rows++;
        skipped.firstLine ??= line.no;
      }
      continue;
    }
    previous = row.ts;
    yield row;
  }
  if (!columns) throw new Error(`${file}: empty (expected a header row "timestamp,value[,label]")`);
}

function cellsOf(text: string): string[] {
  return text.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
}

function parseHeader(file: string, line: TextLine): Columns {
  const names = cellsOf(line.text.replace(/^\uFEFF/, "")).map((c) => c.toLowerCase());
  const timestamp = names.indexOf("timestamp");
  const value = names.indexOf("value");
  const label = names.indexOf("label");
  if (timestamp < 0 || value < 0) {
    throw new Error(`${file}, line ${line.no}: the header must name the columns "timestamp" and "value" (and optionally "label"); found "${line.text.slice(0, 80)}"`);
  }
  return { timestamp, value, label: label < 0 ? undefined : label };
}

function parseRow(file: string, line: TextLine, columns: Columns): Row {
  const cells = cellsOf(line.text);
  const needed = Math.max(columns.timestamp, columns.value, columns.label ?? -1) + 1;
  if (cells.length < needed) throw new Error(`${file}, line ${line.no}: ${cells.length} columns, expected ${needed} (as in the header)`);
  const ts = parseTimestamp(cells[columns.timestamp]!);
  if (ts === undefined) {
    throw new Error(`${file}, line ${line.no}: timestamp "${cells[columns.timestamp]!.slice(0, 40)}" is neither "YYYY-MM-DD HH:MM:SS" (UTC) nor ISO 8601`);
  }
  const value = parseCell(file, line.no, columns.value + 1, cells[columns.value]!);
  let label: 0 | 1 | undefined;
  if (columns.label !== undefined) {
    const l = parseCell(file, line.no, columns.label + 1, cells[columns.label]!);
    if (l !== 0 && l !== 1) throw new Error(`${file}, line ${line.no}: label ${cells[columns.label]}, expected 0 or 1`);
    label = l;
  }
  return { ts, value, label };
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/i;

/**
 * Epoch ms of "YYYY-MM-DD[ HH:MM[:SS[.fff]]]" (UTC without a zone) or ISO 8601; undefined otherwise,
 * impossible dates and times (2014-02-30, 24:00, 12:60) included. Fractions beyond the millisecond are
 * cut off. Computed from the fields rather than through Date.parse: NAB's corpus and detection parse
 * every row's time with it.
 */
export function parseTimestamp(text: string): number | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", sec = "0", frac = "", , sign, zh = "0", zm = "0"] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = frac === "" ? 0 : Number(frac.slice(0, 3).padEnd(3, "0"));
  const offsetMin = sign === undefined ? 0 : (sign === "-" ? -1 : 1) * (Number(zh) * 60 + Number(zm));
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (year < 100) t = new Date(t).setUTCFullYear(year); // Date.UTC reads years 0–99 as 1900–1999
  return t - offsetMin * 60_000;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}
