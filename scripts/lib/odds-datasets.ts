// Loads the ODDS / ADBench outlier-detection benchmarks in ../shared/datasets/odds (gzip CSV: header
// x0..x{d-1},label; label 1 = anomaly) and the published iForest results listed in that folder's README.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

export const DEFAULT_ODDS_DIR = path.resolve(import.meta.dirname, "../../../shared/datasets/odds");

export interface OddsDataset {
  /** File name without `.csv.gz`, e.g. "http". */
  name: string;
  rows: number;
  cols: number;
  /** Row-major features, rows × cols. */
  data: Float64Array;
  /** 1 = anomaly, 0 = normal. */
  labels: Uint8Array;
}

export interface PublishedResult {
  name: string;
  /** Rows and features as the README states them. */
  n: number;
  d: number;
  /** iForest AUC from Liu, Ting & Zhou (2008), 2 decimals; null where the paper has none. */
  paperAuc: number | null;
  /** Free text after the paper's figure, e.g. "paper used 6,832 rows". */
  paperNote: string | null;
  /** Independent replication (linkedin/isolation-forest, mean of 10 seeds); null where absent. */
  replicationAuc: number | null;
}

/** The `*.csv.gz` files in `dir`, sorted by name, as dataset names. */
export function listOddsDatasets(dir = DEFAULT_ODDS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".csv.gz"))
    .map((f) => f.slice(0, -".csv.gz".length))
    .sort();
}

/** Reads one dataset; throws naming the file and line on a malformed row. */
export function loadOddsDataset(name: string, dir = DEFAULT_ODDS_DIR): OddsDataset {
  const file = path.join(dir, `${name}.csv.gz`);
  const text = gunzipSync(readFileSync(file)).toString("utf8");
  const lines = text.split("\n");
  const header = (lines[0] ?? "").trim().split(",");
  if (header.at(-1) !== "label") throw new Error(`${file}: the last column of the header is not "label"`);
  const cols = header.length - 1;
  let rows = 0;
  for (let i = 1; i < lines.length; i++) if ((lines[i] ?? "").trim() !== "") rows++;
  const data = new Float64Array(rows * cols);
  const labels = new Uint8Array(rows);
  let r = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    if (line === "") continue;
    const fields = line.split(",");
    if (fields.length !== cols + 1) throw new Error(`${file}:${i + 1}: ${fields.length} fields, expected ${cols + 1}`);
    for (let c = 0; c < cols; c++) {
      const v = Number(fields[c]);
      if (!Number.isFinite(v)) throw new Error(`${file}:${i + 1}: column ${c} is not a finite number`);
      data[r * cols + c] = v;
    }
    const label = fields[cols];
    if (label !== "0" && label !== "1" && label !== "0.0" && label !== "1.0") {
      throw new Error(`${file}:${i + 1}: label ${String(label)} is not 0 or 1`);
    }
    labels[r] = label.startsWith("1") ? 1 : 0;
    r++;
  }
  return { name, rows, cols, data, labels };
}

/** Parses the results table of the folder's README (`| file | n | d | anomalies | paper | replication |`). */
export function loadPublishedResults(dir = DEFAULT_ODDS_DIR): Map<string, PublishedResult> {
  const readme = path.join(dir, "README.md");
  const results = new Map<string, PublishedResult>();
  if (!existsSync(readme)) return results;
  for (const line of readFileSync(readme, "utf8").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    // ["", file, n, d, anomalies, paper, replication, ""]
    const file = cells[1] ?? "";
    const match = /^(\S+)\.csv\.gz/.exec(file);
    if (!match?.[1] || cells.length < 7) continue;
    const paper = cells[5] ?? "";
    const paperAuc = /^\d+(\.\d+)?/.exec(paper);
    const note = /\((.*)\)/.exec(paper);
    results.set(match[1], {
      name: match[1],
      n: Number((cells[2] ?? "").replaceAll(",", "")),
      d: Number(cells[3] ?? ""),
      paperAuc: paperAuc ? Number(paperAuc[0]) : null,
      paperNote: note?.[1] ?? null,
      replicationAuc: /^\d/.test(cells[6] ?? "") ? Number(cells[6]) : null,
    });
  }
  return results;
}
