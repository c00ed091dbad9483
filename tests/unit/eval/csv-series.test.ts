import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { loadCsvSeries, parseTimestamp, type CsvSeries } from "@/lib/eval/csv-series";
import type { ScenarioMetric } from "@/lib/eval/scenario";

const MIN = 60_000;
const T0 = Date.parse("2014-02-14T14:30:00Z");
/** "YYYY-MM-DD HH:MM:SS" of T0 + m minutes, as NAB writes it. */
const nab = (m: number) => new Date(T0 + m * MIN).toISOString().slice(0, 19).replace("T", " ");
const at = (m: number) => new Date(T0 + m * MIN);

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = "";
});

async function files(contents: Record<string, string>): Promise<string[]> {
  dir ||= await mkdtemp(path.join(tmpdir(), "csv-series-"));
  const out: string[] = [];
  for (const [name, text] of Object.entries(contents)) {
    const file = path.join(dir, name);
    await writeFile(file, name.endsWith(".gz") ? gzipSync(text) : text);
    out.push(file);
  }
  return out;
}

/** A series of n rows every `step` minutes from T0, value = row index, labels optional. */
function series(n: number, step = 5, labels?: (0 | 1)[]): string {
  const header = labels ? "timestamp,value,label" : "timestamp,value";
  const rows = Array.from({ length: n }, (_, i) => `${nab(i * step)},${i}${labels ? `,${labels[i]}` : ""}`);
  return [header, ...rows].join("\n") + "\n";
}

async function metricsOf(s: CsvSeries): Promise<ScenarioMetric[]> {
  const out: ScenarioMetric[] = [];
  for await (const t of s.telemetry()) if (t.kind === "metric") out.push(t.metric);
  return out;
}

describe("parseTimestamp", () => {
  it.each([
    { text: "2014-02-14 14:30:00", expected: T0 },
    { text: "2014-02-14T14:30:00Z", expected: T0 },
    { text: "2014-02-14T15:30:00+01:00", expected: T0 },
    { text: "2014-02-14T14:30:00.000Z", expected: T0 },
    { text: "2014-02-14 14:30", expected: T0 },
    { text: "2014-02-14", expected: Date.parse("2014-02-14T00:00:00Z") },
    { text: "2014-02-30 00:00:00", expected: undefined },
    { text: "2014-02-14T16:00:00+0130", expected: T0 },
    { text: "2014-02-14T09:00:00-05:30", expected: T0 },
    { text: "2014-02-14 14:30:00.123456789", expected: T0 + 123 },
    { text: "2016-02-29 00:00:00", expected: Date.parse("2016-02-29T00:00:00Z") },
    { text: "2015-02-29 00:00:00", expected: undefined },
    { text: "2014-13-01 00:00:00", expected: undefined },
    { text: "2014-02-14 24:00:00", expected: undefined },
    { text: "2014-02-14 14:60:00", expected: undefined },
    { text: "0014-02-14T00:00:00Z", expected: Date.parse("0014-02-14T00:00:00Z") },
    { text: "14/02/2014 14:30", expected: undefined },
    { text: "1392388200", expected: undefined },
    { text: "", expected: undefined },
  ])("$text", ({ text, expected }) => {
    expect(parseTimestamp(text)).toBe(expected);
  });
});

describe("loadCsvSeries", () => {
  it("reads NAB timestamps as UTC and the value as packetsPerSec, one device per file named after it", async () => {
    const s = await loadCsvSeries(await files({ "machine_temp.csv": series(3) }));
    expect(s.config.devices).toEqual([{ name: "machine_temp", ip: "10.0.0.1", role: "series", site: "csv" }]);
    expect(await metricsOf(s)).toEqual([0, 1, 2].map((i) => ({ ts: at(i * 5), device: "machine_temp", values: { packetsPerSec: i } })));
    expect(s.span).toEqual({ start: at(0), end: at(10) });
  });

  it.each([
    { name: "no labelled row", labels: [0, 0, 0, 0, 0, 0] as (0 | 1)[], segments: [] },
    { name: "one run", labels: [0, 1, 1, 0, 0, 0] as (0 | 1)[], segments: [[1, 3]] },
    { name: "two runs, the last to the end", labels: [1, 0, 0, 0, 1, 1] as (0 | 1)[], segments: [[0, 1], [4, 6]] },
  ])("label runs become segments [first row, last row + step): $name", async ({ labels, segments }) => {
    const s = await loadCsvSeries(await files({ "a.csv": series(6, 5, labels) }));
    expect(s.labels.map((l) => [l.start, l.end, l.device])).toEqual(segments.map(([a, b]) => [at(a! * 5), at(b! * 5), "a"]));
    expect(s.files[0]).toMatchObject({ rows: 6, stepMs: 5 * MIN, labelled: true });
  });

  it.each([
    { rows: 20, probation: 3 },
    { rows: 100, probation: 15 },
    { rows: 6, probation: 0 },
  ])("scoring starts after the first 15% of $rows rows ($probation rows)", async ({ rows, probation }) => {
    const s = await loadCsvSeries(await files({ "a.csv": series(rows) }));
    expect(s.scoredFrom).toEqual(at(probation * 5));
    expect(s.files[0]!.probationRows).toBe(probation);
  });

  it("several files: telemetry merged in time order, scoring after the latest 15% point, gzip and plain alike", async () => {
    const late = ["timestamp,value", ...Array.from({ length: 20 }, (_, i) => `${nab(7 + i * 5)},${100 + i}`)].join("\n") + "\n";
    const s = await loadCsvSeries(await files({ "a.csv": series(20), "b.csv.gz": late }));
    expect(s.config.devices.map((d) => [d.name, d.ip])).toEqual([
      ["a", "10.0.0.1"],
      ["b", "10.0.0.2"],
    ]);
    const metrics = await metricsOf(s);
    expect(metrics).toHaveLength(40);
    expect(metrics.map((m) => m.ts.getTime())).toEqual([...metrics.map((m) => m.ts.getTime())].sort((x, y) => x - y));
    expect(metrics.slice(0, 3).map((m) => [m.device, m.values.packetsPerSec])).toEqual([
      ["a", 0],
      ["a", 1],
      ["b", 100],
    ]);
    expect(s.scoredFrom).toEqual(at(7 + 3 * 5));
  });

  it("a header with other columns and another order, CRLF line ends", async () => {
    const text = "label,extra,value,timestamp\r\n0,x,1.5,2014-02-14 14:30:00\r\n1,y,2.5,2014-02-14 14:31:00\r\n";
    const s = await loadCsvSeries(await files({ "r.csv": text }));
    expect((await metricsOf(s)).map((m) => m.values.packetsPerSec)).toEqual([1.5, 2.5]);
    expect(s.labels.map((l) => [l.start, l.end])).toEqual([[at(1), at(2)]]);
  });

  it("rows earlier than a row before them (a repeated hour) are skipped and counted; equal times are kept", async () => {
    const text = ["timestamp,value", `${nab(0)},0`, `${nab(5)},1`, `${nab(10)},2`, `${nab(0)},9`, `${nab(5)},9`, `${nab(10)},3`, `${nab(15)},4`].join("\n");
    const s = await loadCsvSeries(await files({ "x.csv": text }));
    expect((await metricsOf(s)).map((m) => [m.ts, m.values.packetsPerSec])).toEqual([
      [at(0), 0],
      [at(5), 1],
      [at(10), 2],
      [at(10), 3],
      [at(15), 4],
    ]);
    expect(s.files[0]).toMatchObject({ rows: 5, skipped: { rows: 2, firstLine: 5 } });
  });

  it.each([
    { name: "no header", text: `${nab(0)},1\n`, error: /x\.csv, line 1: the header must name the columns "timestamp" and "value"/ },
    { name: "a value that is not a number", text: `timestamp,value\n${nab(0)},1\n${nab(5)},n/a\n`, error: /x\.csv, line 3: column 2 is "n\/a", not a number/ },
    { name: "a bad timestamp", text: `timestamp,value\n${nab(0)},1\n14/02/2014,2\n`, error: /x\.csv, line 3: timestamp "14\/02\/2014" is neither/ },
    { name: "a label that is not 0 or 1", text: `timestamp,value,label\n${nab(0)},1,0\n${nab(5)},1,2\n`, error: /x\.csv, line 3: label 2, expected 0 or 1/ },
    { name: "a missing column", text: `timestamp,value,label\n${nab(0)},1\n`, error: /x\.csv, line 2: 2 columns, expected 3/ },
    { name: "only a header", text: "timestamp,value\n", error: /x\.csv: no data rows after the header/ },
    { name: "an empty file", text: "", error: /x\.csv: empty/ },
  ])("a malformed file fails naming file and line: $name", async ({ text, error }) => {
    await expect(loadCsvSeries(await files({ "x.csv": text }))).rejects.toThrow(error);
  });

  it("a file that ends before the others' scoring starts fails (different periods)", async () => {
    const early = ["timestamp,value", ...Array.from({ length: 3 }, (_, i) => `${nab(-10_000 + i)},1`)].join("\n") + "\n";
    await expect(loadCsvSeries(await files({ "a.csv": series(20), "early.csv": early }))).rejects.toThrow(/early\.csv: its rows end .* before scoring starts/);
  });

  it("two files with the same device name fail", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "csv-series-"));
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.join(dir, "sub"));
    const [a] = await files({ "a.csv": series(3) });
    const b = path.join(dir, "sub", "a.csv");
    await writeFile(b, series(3));
    await expect(loadCsvSeries([a!, b])).rejects.toThrow(/a second file for device "a"/);
  });
});
