import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { KPI_ROW_MS, KPI_START, loadKpiDataset, type KpiDataset } from "@/lib/eval/kpi-dataset";
import type { ScenarioMetric } from "@/lib/eval/scenario";

const T0 = KPI_START.getTime();
const row = (k: number) => new Date(T0 + k * KPI_ROW_MS);

interface ServiceFixture {
  train: string[];
  test: string[];
  labels: string[];
  /** Which files are gzipped (default none). */
  gzip?: ("train" | "test" | "test_label")[];
  /** Line ending (default LF). */
  eol?: string;
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function dataset(services: Record<string, ServiceFixture>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "kpi-dataset-"));
  dirs.push(dir);
  for (const split of ["train", "test", "test_label"] as const) await mkdir(path.join(dir, split));
  for (const [name, s] of Object.entries(services)) {
    const eol = s.eol ?? "\n";
    for (const [split, lines] of [["train", s.train], ["test", s.test], ["test_label", s.labels]] as const) {
      const text = lines.map((l) => l + eol).join("");
      const gz = s.gzip?.includes(split) ?? false;
      await writeFile(path.join(dir, split, `${name}.csv${gz ? ".gz" : ""}`), gz ? gzipSync(text) : text);
    }
  }
  return dir;
}

async function metricsOf(d: KpiDataset): Promise<ScenarioMetric[]> {
  const out: ScenarioMetric[] = [];
  for await (const t of d.telemetry()) if (t.kind === "metric") out.push(t.metric);
  return out;
}

/** A row of `n` columns whose column c (1-based) holds `base + c`. */
const cols = (base: number, n = 11) => Array.from({ length: n }, (_, c) => String(base + c + 1)).join(",");

describe("loadKpiDataset", () => {
  it("assigns a timestamp to every row: train rows from KPI_START, test rows right after, 5 minutes apart", async () => {
    const dir = await dataset({
      service0: { train: [cols(0), cols(10), cols(20)], test: [cols(30), cols(40)], labels: ["0", "0"] },
      service1: { train: [cols(100), cols(110), cols(120)], test: [cols(130), cols(140)], labels: ["0", "0"] },
    });
    const d = await loadKpiDataset(dir);
    const metrics = await metricsOf(d);
    expect(metrics.map((m) => [m.device, m.ts.getTime()])).toEqual(
      [0, 1, 2, 3, 4].flatMap((k) => [
        ["service0", row(k).getTime()],
        ["service1", row(k).getTime()],
      ]),
    );
    expect(d.scoredFrom).toEqual(row(3));
    expect(d.span).toEqual({ start: KPI_START, end: row(4) });
    expect(d.rows).toEqual({ train: 3, test: 2 });
    expect(KPI_START.getUTCDay()).toBe(1); // a Monday
  });

  it("maps the first 9 columns to the scenario metrics in SCENARIO_METRIC_KEYS order and ignores the rest", async () => {
    const dir = await dataset({ s: { train: [cols(0)], test: [cols(10)], labels: ["0"] } });
    const [first] = await metricsOf(await loadKpiDataset(dir));
    expect(first!.values).toEqual({
      bandwidthInBps: 1,
      bandwidthOutBps: 2,
      packetsPerSec: 3,
      flowsPerSec: 4,
      connectionsPerSec: 5,
      cpuPct: 6,
      memoryPct: 7,
      latencyMs: 8,
      packetLossPct: 9,
    });
  });

  it.each([
    { name: "no anomaly", labels: ["0", "0", "0", "0", "0", "0", "0"], segments: [] },
    { name: "one run in the middle", labels: ["0", "1", "1", "0", "0", "0", "0"], segments: [[1, 3]] },
    { name: "two runs, the last to the end", labels: ["1", "0", "0", "1", "1", "1", "1"], segments: [[0, 1], [3, 7]] },
    { name: "single-row segments", labels: ["0", "1", "0", "1", "0", "0", "0"], segments: [[1, 2], [3, 4]] },
  ])("labelled segments: $name", async ({ labels, segments }) => {
    const train = [cols(0), cols(0)];
    const dir = await dataset({ s: { train, test: labels.map((_, i) => cols(i)), labels } });
    const d = await loadKpiDataset(dir);
    // [first row, last row + 5 min), test rows counted after the 2 train rows
    expect(d.labels.map((l) => [l.start, l.end, l.device])).toEqual(segments.map(([a, b]) => [row(2 + a!), row(2 + b!), "s"]));
  });

  it.each([
    { name: "plain", gzip: [] as ("train" | "test" | "test_label")[], eol: "\n" },
    { name: "gzip", gzip: ["train", "test", "test_label"] as const, eol: "\n" },
    { name: "mixed, CRLF", gzip: ["test_label"] as const, eol: "\r\n" },
  ])("reads $name files alike", async ({ gzip, eol }) => {
    const dir = await dataset({ s: { train: [cols(0), cols(1)], test: [cols(2), cols(3), cols(4)], labels: ["0", "1", "0"], gzip: [...gzip], eol } });
    const d = await loadKpiDataset(dir);
    const metrics = await metricsOf(d);
    expect(metrics.map((m) => m.values.bandwidthInBps)).toEqual([1, 2, 3, 4, 5]);
    expect(d.labels.map((l) => [l.start, l.end])).toEqual([[row(3), row(4)]]);
  });

  it("names devices after their files (natural order) with unique 10.x addresses, role service, site kpi", async () => {
    const svc = { train: [cols(0)], test: [cols(0)], labels: ["0"] };
    const dir = await dataset({ service10: svc, service2: svc, service1: svc });
    const d = await loadKpiDataset(dir);
    expect(d.config.devices.map((x) => x.name)).toEqual(["service1", "service2", "service10"]);
    expect(new Set(d.config.devices.map((x) => x.ip)).size).toBe(3);
    for (const x of d.config.devices) expect(x).toMatchObject({ role: "service", site: "kpi", ip: expect.stringMatching(/^10\.\d+\.\d+\.\d+$/) });
  });

  const good = { train: [cols(0), cols(1)], test: [cols(2), cols(3), cols(4)], labels: ["0", "1", "0"] };
  it.each([
    { name: "a cell that is not a number", fix: { test: [cols(2), "1,abc,3,4,5,6,7,8,9,10,11", cols(4)] }, error: /test[/\\]s\.csv, line 2: column 2 is "abc", not a number/ },
    { name: "an empty cell", fix: { train: [cols(0), "1,2,,4,5,6,7,8,9,10,11"] }, error: /train[/\\]s\.csv, line 2: column 3 is empty/ },
    { name: "a short row", fix: { test: [cols(2), cols(3), "1,2,3"] }, error: /test[/\\]s\.csv, line 3: 3 columns, expected 11/ },
    { name: "a label that is not 0 or 1", fix: { labels: ["0", "2", "0"] }, error: /test_label[/\\]s\.csv, line 2: label 2, expected 0 or 1/ },
    { name: "fewer labels than test rows", fix: { labels: ["0", "1"] }, error: /test_label[/\\]s\.csv: 2 labels for the 3 rows/ },
    { name: "a gzip file cut short", fix: { gzip: ["test"] as ("train" | "test" | "test_label")[], corrupt: true }, error: /test[/\\]s\.csv\.gz: cannot decompress/ },
  ])("a malformed file fails naming file and line: $name", async ({ fix, error }) => {
    const { corrupt, ...rest } = fix as Partial<ServiceFixture> & { corrupt?: boolean };
    const dir = await dataset({ s: { ...good, ...rest } });
    if (corrupt) {
      const file = path.join(dir, "test", "s.csv.gz");
      await writeFile(file, gzipSync(good.test.join("\n") + "\n").subarray(0, 20));
    }
    await expect(loadKpiDataset(dir)).rejects.toThrow(error);
  });

  it("train files of different lengths fail: scoring starts at one time for all", async () => {
    const dir = await dataset({ a: good, b: { ...good, train: [cols(0)] } });
    await expect(loadKpiDataset(dir)).rejects.toThrow(/train[/\\]b\.csv: 1 rows, but .*a\.csv has 2/);
  });

  it("a service missing from a split fails naming it", async () => {
    const dir = await dataset({ a: good, b: good });
    await rm(path.join(dir, "test_label", "b.csv"));
    await expect(loadKpiDataset(dir)).rejects.toThrow(/test_label: the splits must hold the same services; missing: b/);
  });
});
