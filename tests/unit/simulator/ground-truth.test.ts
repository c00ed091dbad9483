import { describe, expect, it } from "vitest";
import { groundTruthLabels } from "@/lib/simulator/ground-truth";
import { planIncidents } from "@/lib/simulator/incidents";

describe("groundTruthLabels", () => {
  it("labels every planned incident with its device and type, linking campaign members", () => {
    const from = new Date("2026-11-16T00:00:00Z");
    const incidents = planIncidents({ seed: 3, deviceCount: 4, from, to: new Date("2026-11-23T00:00:00Z"), meanGapMinutes: 30, kinds: ["ddos_exfiltration", "port_scan"] });
    const labels = groundTruthLabels(incidents, ["a", "b", "c", "d"]);
    expect(labels).toHaveLength(incidents.length);
    for (const [i, l] of labels.entries()) {
      expect(l.kind).toBe("label");
      expect(["a", "b", "c", "d"]).toContain(l.device);
      expect(Date.parse(l.end)).toBeGreaterThan(Date.parse(l.start));
      expect(l.start).toBe(incidents[i]!.start.toISOString());
    }
    const campaign = labels.filter((l) => l.campaign);
    expect(campaign.length).toBeGreaterThanOrEqual(2);
    const members = campaign.filter((l) => l.campaign === campaign[0]!.campaign);
    expect(members.map((l) => l.type).sort()).toEqual(["ddos", "exfiltration"]);
    expect(new Set(members.map((l) => l.device)).size).toBe(2);
    expect(labels.some((l) => l.type === "port_scan")).toBe(true);
  });
});
