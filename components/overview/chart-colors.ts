// Chart colours as CSS variables, so charts follow the theme (SVG fill/stroke accept var()).
import type { SeverityCounts } from "@/lib/alerts/alert-view";

export const SEVERITY_FILL: Readonly<Record<keyof SeverityCounts, string>> = {
  critical: "var(--sev-critical)",
  high: "var(--sev-high)",
  medium: "var(--sev-medium)",
  low: "var(--sev-low)",
};

export const CHART = {
  axis: "var(--text-faint)",
  grid: "var(--border)",
  line: "var(--accent)",
  tooltip: { background: "var(--bg-raised)", border: "1px solid var(--border-strong)", borderRadius: 5, color: "var(--text)" },
} as const;
