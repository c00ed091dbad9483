// One metric of the device page's series as chart rows. Bins without samples are not in the answer;
// a null row is put where one or more bins are missing so the line breaks there instead of drawing a
// straight line over the gap.
import type { DeviceSeries } from "@/lib/dashboards/device-detail";

export interface SeriesChartRow {
  ts: number;
  value: number | null;
}

const MINUTE = 60_000;

export function deviceSeriesRows(series: Pick<DeviceSeries, "timestamps" | "binMinutes">, values: readonly (number | null)[]): SeriesChartRow[] {
  const binMs = series.binMinutes * MINUTE;
  const rows: SeriesChartRow[] = [];
  let previous: number | undefined;
  series.timestamps.forEach((iso, i) => {
    const ts = Date.parse(iso);
    if (previous !== undefined && ts - previous > binMs) rows.push({ ts: previous + binMs, value: null });
    rows.push({ ts, value: values[i] ?? null });
    previous = ts;
  });
  return rows;
}
