// The device page's baseline heatmap as data: 7 days × 24 hours of hour-of-week buckets (0 = Monday
// 00:00 UTC, as the baselines are trained) and a sequential colour scale over the shown values. Pure;
// used by the browser.
import type { BaselineCellView } from "./device-detail";

export const HEATMAP_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export const HOURS_PER_DAY = 24;
export const HOURS_PER_WEEK = HEATMAP_DAYS.length * HOURS_PER_DAY;

export interface HeatmapRow {
  day: (typeof HEATMAP_DAYS)[number];
  /** 24 entries, hour 0 first; null where the baseline has no bucket. */
  cells: (BaselineCellView | null)[];
}

export interface BaselineHeatmap {
  rows: HeatmapRow[];
  /** Smallest and largest colour value among the buckets; null when there are none. */
  domain: { min: number; max: number } | null;
}

/** The value a bucket is coloured by: its mean (the typical level for that hour). */
export function heatmapValue(cell: BaselineCellView): number {
  return cell.mean;
}

/** Places buckets on the week grid; buckets outside 0..167 or with a non-finite mean are left out. */
export function buildBaselineHeatmap(cells: readonly BaselineCellView[]): BaselineHeatmap {
  const rows: HeatmapRow[] = HEATMAP_DAYS.map((day) => ({ day, cells: Array.from({ length: HOURS_PER_DAY }, () => null) }));
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const cell of cells) {
    const how = cell.hourOfWeek;
    if (!Number.isInteger(how) || how < 0 || how >= HOURS_PER_WEEK || !Number.isFinite(heatmapValue(cell))) continue;
    const row = rows[Math.floor(how / HOURS_PER_DAY)];
    if (!row) continue;
    row.cells[how % HOURS_PER_DAY] = cell;
    min = Math.min(min, heatmapValue(cell));
    max = Math.max(max, heatmapValue(cell));
  }
  return { rows, domain: min <= max ? { min, max } : null };
}

/** Where `value` sits in [min, max], clamped to 0..1; the middle when every bucket is the same. */
export function heatmapPosition(value: number, domain: { min: number; max: number }): number {
  const span = domain.max - domain.min;
  if (!(span > 0)) return 0.5;
  return Math.min(1, Math.max(0, (value - domain.min) / span));
}

// Dark blue through teal to pale yellow: lightness rises with the value, so the order survives
// greyscale and the common colour-vision deficiencies (the viridis idea), and low hours stay dark
// on the dark theme.
type Rgb = readonly [number, number, number];
const DARKEST: Rgb = [33, 45, 92];
const STOPS: readonly Rgb[] = [
  DARKEST,
  [38, 98, 140],
  [31, 150, 139],
  [110, 196, 100],
  [245, 230, 110],
];

/** The colour (`rgb(...)`) of a position 0..1 on the scale. */
export function heatmapColor(position: number): string {
  const t = Number.isFinite(position) ? Math.min(1, Math.max(0, position)) : 0;
  const scaled = t * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(scaled));
  const f = scaled - i;
  const a = STOPS[i] ?? DARKEST;
  const b = STOPS[i + 1] ?? a;
  const mix = (k: 0 | 1 | 2) => Math.round(a[k] + (b[k] - a[k]) * f);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

/** "Tuesday 14:00–15:00 UTC" for a bucket. */
export function describeHourOfWeek(hourOfWeek: number): string {
  const day = HEATMAP_DAYS[Math.floor(hourOfWeek / HOURS_PER_DAY)] ?? "?";
  const hour = hourOfWeek % HOURS_PER_DAY;
  const pad = (h: number) => String(h).padStart(2, "0");
  return `${day} ${pad(hour)}:00–${pad((hour + 1) % HOURS_PER_DAY)}:00 UTC`;
}
