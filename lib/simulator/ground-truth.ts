// The demo's ground truth as label lines in the evaluation's scenario format (JSON Lines), so what
// the live demo injected can be scored the same way as a labelled scenario.
import type { Incident } from "./incidents";

export interface GroundTruthLabel {
  kind: "label";
  start: string;
  end: string;
  device: string;
  type: string;
  campaign?: string;
}

export function groundTruthLabels(incidents: readonly Incident[], deviceNames: readonly string[]): GroundTruthLabel[] {
  return incidents.map((i) => ({
    kind: "label",
    start: i.start.toISOString(),
    end: i.end.toISOString(),
    device: deviceNames[i.deviceIndex] ?? `device-${i.deviceIndex}`,
    // a coordinated campaign is labelled by what each member does; its campaign id links them
    type: i.kind === "ddos_exfiltration" ? (i.role ?? "ddos") : i.kind,
    ...(i.campaignId ? { campaign: i.campaignId } : {}),
  }));
}
