// Loads the NAB v1.1 corpus directory (data/<category>/<file>.csv, labels/combined_windows.json,
// config/profiles.json, results/final_results.json) into plain typed data for lib/eval/nab-scorer.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseTimestamp } from "@/lib/eval/csv-series";
import { parseCell } from "@/lib/eval/kpi-dataset";
import type { NabRow } from "@/lib/eval/nab-detection";
import { NAB_PROFILE_NAMES, type NabProfileName, type NabProfiles, type NabWindow } from "@/lib/eval/nab-scorer";

export interface NabCorpusFile {
  /** Path relative to data/, as in combined_windows.json: "realKnownCause/nyc_taxi.csv". */
  name: string;
  category: string;
  /** The rows as in the file (timestamps as written, UTC). */
  rows: NabRow[];
  /** The rows' timestamps in epoch ms. */
  timestamps: number[];
  windows: NabWindow[];
}

export interface NabCorpus {
  files: NabCorpusFile[];
  profiles: NabProfiles;
  /** results/final_results.json: detector → profile → published normalised score. */
  published: Record<string, Record<NabProfileName, number>>;
}

/**
 * A NAB timestamp ("YYYY-MM-DD HH:MM:SS", UTC) → epoch ms: the CSV series' `parseTimestamp` (which also
 * takes ISO 8601 and refuses impossible dates), throwing where it finds no timestamp.
 */
function parseNabTimestamp(text: string): number {
  const t = parseTimestamp(text);
  if (t === undefined) throw new Error(`not a NAB timestamp: "${text}"`);
  return t;
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, "utf8")) as T;
}

/**
 * A data file's rows. The file is read whole rather than through readTextLines: the corpus is small, its
 * rows are kept in memory anyway, and the line-by-line async reader costs about 0.3 s over its 58 files.
 */
function parseCsv(name: string, text: string): NabRow[] {
  const lines = text.split(/\r?\n/).map((l, i) => ({ no: i + 1, text: l })).filter((l) => l.text.trim() !== "");
  if (lines[0]?.text.trim() !== "timestamp,value") throw new Error(`${name}: expected the header "timestamp,value"`);
  return lines.slice(1).map((line) => {
    const [timestamp = "", value = ""] = line.text.split(",");
    return { timestamp: timestamp.trim(), value: parseCell(name, line.no, 2, value) };
  });
}

function parseProfiles(raw: Record<string, { CostMatrix?: Record<string, number> }>): NabProfiles {
  const entries = NAB_PROFILE_NAMES.map((name) => {
    const m = raw[name]?.CostMatrix;
    if (!m || ![m.tpWeight, m.fpWeight, m.fnWeight].every((w) => typeof w === "number")) {
      throw new Error(`profiles.json: no cost matrix for "${name}"`);
    }
    return [name, { tpWeight: m.tpWeight!, fpWeight: m.fpWeight!, fnWeight: m.fnWeight! }] as const;
  });
  return Object.fromEntries(entries) as NabProfiles;
}

/** Reads the whole corpus; every data file must have an entry in combined_windows.json and vice versa. */
export async function loadNabCorpus(dir: string): Promise<NabCorpus> {
  const windows = await readJson<Record<string, [string, string][]>>(path.join(dir, "labels", "combined_windows.json"));
  const profiles = parseProfiles(await readJson(path.join(dir, "config", "profiles.json")));
  const published = await readJson<NabCorpus["published"]>(path.join(dir, "results", "final_results.json"));

  const dataDir = path.join(dir, "data");
  const names = (await readdir(dataDir, { recursive: true }))
    .filter((f) => f.endsWith(".csv"))
    .map((f) => f.split(path.sep).join("/"))
    .sort();
  const unlabelled = names.filter((n) => !(n in windows));
  const missing = Object.keys(windows).filter((n) => !names.includes(n));
  if (unlabelled.length > 0 || missing.length > 0) {
    throw new Error(`NAB corpus mismatch: no windows for [${unlabelled.join(", ")}]; no data for [${missing.join(", ")}]`);
  }

  const files = await Promise.all(
    names.map(async (name): Promise<NabCorpusFile> => {
      const rows = parseCsv(name, await readFile(path.join(dataDir, name), "utf8"));
      return {
        name,
        category: name.split("/")[0] ?? "",
        rows,
        timestamps: rows.map((r) => parseNabTimestamp(r.timestamp)),
        windows: (windows[name] ?? []).map(([start, end]) => ({ start: parseNabTimestamp(start), end: parseNabTimestamp(end) })),
      };
    }),
  );
  return { files, profiles, published };
}
