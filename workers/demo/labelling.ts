// Labels the live demo's alerts with its ground truth (the incidents the simulator injects) every
// couple of minutes, so the tuning page's precision / recall / F1 curves have labelled scenario results
// next to the analysts' verdicts. Scoring is the evaluation's (lib/eval/label-stored-alerts.ts).
import type { PrismaClient } from "@prisma/client";
import type { EvalLabel } from "@/lib/eval/score-alerts";
import { labelStoredAlerts } from "@/lib/eval/label-stored-alerts";
import { alertsForLabelling, replaceScenarioLabels } from "@/lib/db/scenario-label-queries";
import type { Logger } from "@/lib/log";

export const DEMO_SCENARIO = "demo";
const LABEL_INTERVAL_MS = 120_000;

export interface DemoLabelling {
  /** The ground truth, once the simulator has planned the live phase. */
  setLabels(labels: readonly EvalLabel[]): void;
  /** Data time the live replay starts at: alerts before it are not scored. */
  setScoredFrom(at: Date): void;
  /** Labels what is stored now (also run on a timer). Returns the number of labelled alerts. */
  runOnce(): Promise<number>;
  stop(): void;
}

export function startDemoLabelling(o: {
  prisma: PrismaClient;
  deviceNames: () => readonly string[];
  /** Data time now. */
  now: () => Date;
  log: Logger;
  intervalMs?: number;
}): DemoLabelling {
  let labels: readonly EvalLabel[] = [];
  let scoredFrom: Date | null = null;
  let running = false;
  const runOnce = async (): Promise<number> => {
    if (!scoredFrom || labels.length === 0 || running) return 0;
    running = true;
    try {
      const to = o.now();
      const alerts = await alertsForLabelling(o.prisma, scoredFrom, to);
      const rows = labelStoredAlerts({ alerts, labels, scoredFrom, scoredTo: to, deviceNames: o.deviceNames() });
      await replaceScenarioLabels(o.prisma, DEMO_SCENARIO, rows);
      o.log.debug("demo alerts labelled", { alerts: rows.length, positives: rows.filter((r) => r.positive).length });
      return rows.length;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void runOnce().catch((err) => o.log.warn("demo labelling failed", { error: String(err) })), o.intervalMs ?? LABEL_INTERVAL_MS);
  return {
    setLabels: (l) => (labels = l),
    setScoredFrom: (at) => (scoredFrom = at),
    runOnce,
    stop: () => clearInterval(timer),
  };
}
