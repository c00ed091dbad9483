// Every react-query key of the tuning page, under one prefix so applying a setting refreshes them all.
export interface TuningScope {
  detector: string;
  scope: "global" | "role" | "device";
  target: string | null;
}

export const tuningQueryKeys = {
  all: ["detector-settings"] as const,
  settings: ["detector-settings", "list"] as const,
  whatIf: (s: TuningScope, threshold: number) => ["detector-settings", "what-if", s, threshold] as const,
  curve: (s: TuningScope) => ["detector-settings", "curve", s] as const,
};

export function scopeQuery(s: TuningScope): string {
  const q = new URLSearchParams({ detector: s.detector, scope: s.scope });
  if (s.scope !== "global" && s.target) q.set("target", s.target);
  return q.toString();
}
