// One colour per cluster (1-based ids), distinguishable on the dark theme; they repeat past ten.
const CLUSTER_COLORS = [
  "#4fb3d9",
  "#e8b04b",
  "#4cc38a",
  "#c084fc",
  "#f28c38",
  "#5eead4",
  "#f472b6",
  "#a3e635",
  "#93a1b3",
  "#fb7185",
] as const;

export function clusterColor(id: number): string {
  return CLUSTER_COLORS[(((id - 1) % CLUSTER_COLORS.length) + CLUSTER_COLORS.length) % CLUSTER_COLORS.length]!;
}

/** Outline of peer-group outliers and the dashed ring of configuration drift. */
export const OUTLIER_STROKE = "#ffffff";
export const DRIFT_STROKE = "#e8b04b";
export const SELECTED_STROKE = "#8cd8ff";
