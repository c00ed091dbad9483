import { describe, expect, it } from "vitest";
import { CampaignCorrelator, campaignAssessment, correlateThreats, type Threat } from "@/lib/alerts/campaign-correlator";
import type { Severity } from "@/lib/detect/severity";

const T0 = Date.parse("2026-11-17T02:00:00Z");
const MIN = 60_000;

let nextId = 1;
function threat(minute: number, type: string, over: Partial<Threat> = {}): Threat {
  return { alertId: nextId++, device: "web-1", ip: null, type, severity: "medium", confidence: 0.5, ts: new Date(T0 + minute * MIN), ...over };
}

function feed(threats: Threat[], windowMs?: number) {
  const correlator = new CampaignCorrelator(windowMs === undefined ? {} : { windowMs });
  return threats.map((t) => correlator.add(t));
}

describe("CampaignCorrelator", () => {
  it.each([
    { name: "two types within 15 min", threats: () => [threat(0, "ddos"), threat(10, "exfiltration")], campaign: true },
    { name: "exactly 15 min apart", threats: () => [threat(0, "ddos"), threat(15, "exfiltration")], campaign: true },
    { name: "16 min apart", threats: () => [threat(0, "ddos"), threat(16, "exfiltration")], campaign: false },
    { name: "same type twice", threats: () => [threat(0, "ddos"), threat(3, "ddos")], campaign: false },
    { name: "different devices, no shared IP", threats: () => [threat(0, "ddos"), threat(2, "exfiltration", { device: "db-1" })], campaign: false },
    {
      name: "device names differ, same IP",
      threats: () => [threat(0, "ddos", { device: "web-1", ip: "10.0.0.5" }), threat(2, "exfiltration", { device: "web-1.dc1", ip: "10.0.0.5" })],
      campaign: true,
    },
    {
      name: "one names the device by its IP",
      threats: () => [threat(0, "port_scan", { device: "edge-fw", ip: "192.0.2.10" }), threat(4, "ddos", { device: "192.0.2.10" })],
      campaign: true,
    },
    { name: "device names differ only in case", threats: () => [threat(0, "ddos", { device: "WEB-1" }), threat(1, "cpu_exhaustion")], campaign: true },
    { name: "out of order within the window", threats: () => [threat(10, "ddos"), threat(2, "exfiltration")], campaign: true },
  ])("$name → campaign: $campaign", ({ threats, campaign }) => {
    const updates = feed(threats());
    expect(updates[0]).toBeNull();
    expect(updates[1] !== null).toBe(campaign);
    if (campaign) expect(updates[1]!.created).toBe(true);
  });

  it("reports the campaign with its members, types, span and an id from its first member", () => {
    const first = threat(0, "ddos", { alertId: "a-17", severity: "high", confidence: 0.6 });
    const second = threat(7, "exfiltration", { alertId: "a-18", severity: "medium", confidence: 0.5 });
    const update = feed([first, second])[1]!;
    expect(update.campaign).toMatchObject({
      id: "campaign-a-17",
      types: ["ddos", "exfiltration"],
      devices: ["web-1"],
      firstTs: first.ts,
      lastTs: second.ts,
      severity: "high",
    });
    expect(update.campaign.members.map((m) => m.alertId)).toEqual(["a-17", "a-18"]);
    expect(update.campaign.confidence).toBeCloseTo(1 - 0.4 * 0.5);
  });

  it("grows a campaign with later threats and keeps its id; a repeated alert id is ignored", () => {
    const correlator = new CampaignCorrelator();
    const a = threat(0, "ddos", { alertId: 1 });
    correlator.add(a);
    const created = correlator.add(threat(5, "exfiltration", { alertId: 2 }))!;
    expect(correlator.add(threat(6, "exfiltration", { alertId: 2 }))).toBeNull();
    // 19 min after the first member but 14 after the latest: the campaign is still open
    const grown = correlator.add(threat(19, "port_scan", { alertId: 3 }))!;
    expect(grown.created).toBe(false);
    expect(grown.campaign.id).toBe(created.campaign.id);
    expect(grown.campaign.types).toEqual(["ddos", "exfiltration", "port_scan"]);
    // 35 min: more than 15 after the latest member, so the campaign has closed
    expect(correlator.add(threat(35, "cpu_exhaustion", { alertId: 4 }))).toBeNull();
  });

  it("pulls in every waiting threat on the host, and brings along threats linked through a new IP", () => {
    const correlator = new CampaignCorrelator();
    correlator.add(threat(0, "ddos", { alertId: "d1" }));
    correlator.add(threat(2, "ddos", { alertId: "d2" }));
    correlator.add(threat(3, "port_scan", { alertId: "s1", device: "10.0.0.5" }));
    const created = correlator.add(threat(4, "exfiltration", { alertId: "x1" }))!;
    expect(created.campaign.members.map((m) => m.alertId)).toEqual(["d1", "d2", "x1"]);
    const grown = correlator.add(threat(5, "ddos", { alertId: "d3", ip: "10.0.0.5" }))!;
    expect(grown.campaign.members.map((m) => m.alertId)).toEqual(["d1", "d2", "s1", "x1", "d3"]);
  });

  it("forgets threats older than the window (bounded memory)", () => {
    const correlator = new CampaignCorrelator();
    for (let i = 0; i < 1_000; i++) correlator.add(threat(i * 20, "ddos", { device: `host-${i}` }));
    const internals = correlator as unknown as { waiting: unknown[]; open: unknown[]; seen: Set<string> };
    expect(internals.waiting.length).toBeLessThanOrEqual(1);
    expect(internals.seen.size).toBeLessThanOrEqual(1);
  });

  it("takes a custom window and rejects a nonsensical one", () => {
    expect(feed([threat(0, "ddos"), threat(4, "exfiltration")], 5 * MIN)[1]).not.toBeNull();
    expect(feed([threat(0, "ddos"), threat(6, "exfiltration")], 5 * MIN)[1]).toBeNull();
    expect(() => new CampaignCorrelator({ windowMs: -1 })).toThrow(RangeError);
    expect(() => new CampaignCorrelator({ windowMs: Number.NaN })).toThrow(RangeError);
  });
});

describe("campaignAssessment", () => {
  const m = (type: string, severity: Severity, confidence = 0.5) => threat(0, type, { severity, confidence });

  it.each([
    { name: "two High make a Critical", members: [m("ddos", "high"), m("exfiltration", "high")], severity: "critical" },
    { name: "a Critical stays Critical", members: [m("ddos", "critical"), m("port_scan", "low")], severity: "critical" },
    { name: "High + Low stays High (capped)", members: [m("ddos", "high"), m("port_scan", "low")], severity: "high" },
    { name: "Medium + Low → High", members: [m("ddos", "medium"), m("port_scan", "low")], severity: "high" },
    { name: "Low + Low → Medium", members: [m("ddos", "low"), m("port_scan", "low")], severity: "medium" },
    { name: "High + Critical → Critical", members: [m("ddos", "high"), m("exfiltration", "critical")], severity: "critical" },
    { name: "two High of one type + Low: one type is high", members: [m("ddos", "high"), m("ddos", "high"), m("port_scan", "low")], severity: "high" },
    { name: "a single member keeps its severity", members: [m("ddos", "medium")], severity: "medium" },
  ])("$name", ({ members, severity }) => {
    expect(campaignAssessment(members).severity).toBe(severity);
  });

  it.each([
    { name: "1 − Π(1 − c) over types", members: [m("ddos", "low", 0.5), m("exfiltration", "low", 0.5)], confidence: 0.75 },
    { name: "three types", members: [m("a", "low", 0.2), m("b", "low", 0.5), m("c", "low", 0.9)], confidence: 1 - 0.8 * 0.5 * 0.1 },
    { name: "a certain member makes it certain", members: [m("a", "low", 1), m("b", "low", 0.1)], confidence: 1 },
    { name: "a repeat of a type counts once, at its best", members: [m("a", "low", 0.5), m("a", "low", 0.6), m("b", "low", 0.5)], confidence: 1 - 0.4 * 0.5 },
    { name: "out-of-range and NaN are clamped", members: [m("a", "low", 1.7), m("b", "low", Number.NaN)], confidence: 1 },
    { name: "zero confidence adds nothing", members: [m("a", "low", 0), m("b", "low", 0.3)], confidence: 0.3 },
    { name: "negative counts as zero", members: [m("a", "low", -2), m("b", "low", 0.3)], confidence: 0.3 },
  ])("confidence: $name", ({ members, confidence }) => {
    expect(campaignAssessment(members).confidence).toBeCloseTo(confidence, 10);
  });
});

describe("correlateThreats", () => {
  it("sorts by time and returns each campaign once, in its final form", () => {
    const threats = [
      threat(30, "exfiltration", { alertId: "late-x", device: "db-1" }),
      threat(5, "exfiltration", { alertId: "x", severity: "high" }),
      threat(0, "ddos", { alertId: "d", severity: "high" }),
      threat(12, "port_scan", { alertId: "s" }),
      threat(25, "cpu_exhaustion", { alertId: "late-c", device: "db-1" }),
      threat(90, "ddos", { alertId: "alone" }),
    ];
    const campaigns = correlateThreats(threats);
    expect(campaigns.map((c) => [c.id, c.types, c.severity])).toEqual([
      ["campaign-d", ["ddos", "exfiltration", "port_scan"], "critical"],
      ["campaign-late-c", ["cpu_exhaustion", "exfiltration"], "high"],
    ]);
  });

  it("returns nothing for no threats", () => {
    expect(correlateThreats([])).toEqual([]);
  });
});
