// What Claude is told about an alert: the fixed instructions (cached by the API as a prompt prefix) and
// the alert's own context as JSON: the alert and its evidence, the device (name, role, site), the
// baseline for the hour, the device's recent alerts, maintenance and calendar entries around it, and
// similar past alerts with the analysts' verdicts, and, when the alert belongs to a correlated campaign,
// the campaign with its member threats (the analysis then covers the campaign as a whole). Pure: lib/db
// gathers the rows.
import crypto from "node:crypto";
import type { Masker } from "./masking";

export interface TriageAlert {
  id: number;
  deviceId: number;
  detector: string;
  alertType: string;
  anomalyType: string;
  severity: string;
  score: number;
  metric: string | null;
  observedAt: Date;
  observed: unknown;
  expected: unknown;
  explanation: string;
  contributions: unknown;
  evidence: unknown;
  occurrences: number;
  status: string;
}

/** The correlated campaign an alert belongs to (lib/alerts/campaign-correlator.ts), members oldest first. */
export interface TriageCampaign {
  id: number;
  severity: string;
  confidence: number;
  types: string[];
  firstSeenAt: Date;
  lastSeenAt: Date;
  members: { alertId: number; device: string; alertType: string; severity: string; observedAt: Date; explanation: string }[];
}

export interface TriageInput {
  alert: TriageAlert;
  /** Set when the alert is a member of a campaign. */
  campaign?: TriageCampaign | null;
  device: { name: string; role: string; site: string; managementIp: string | null; tags: string[]; vendor: string | null };
  baseline: { hourOfWeek: number; mean: number; std: number; median: number | null; p95: number; p99: number | null; count: number } | null;
  recentAlerts: { alertType: string; severity: string; observedAt: Date; status: string; truePositive: number; falsePositive: number }[];
  maintenance: { reason: string; scope: string; scopeValue: string | null; startsAt: Date; endsAt: Date; recurrence: string }[];
  calendar: { name: string; startsAt: Date; endsAt: Date; expectedIncrease: number }[];
  similar: { alertType: string; deviceRole: string; observedAt: Date; truePositive: number; falsePositive: number; notes: string[] }[];
}

/** Fixed for every call, so the API can serve it from the prompt cache. */
export const TRIAGE_INSTRUCTIONS = `You are a senior network security analyst helping a SOC triage anomaly alerts raised by Tidewatch, a network anomaly detector that learns a per-device, per-hour-of-week baseline.

You receive one alert as JSON: the alert (detector, type, severity, score, observed vs expected values, the detector's own explanation, feature contributions, evidence such as top talkers), the device (name, role, site, vendor when known), the learnt baseline for that hour of the week, the device's recent alerts with analysts' verdicts, maintenance windows and business-calendar entries around the alert time, and similar past alerts with the analysts' verdicts and notes.

When the JSON has a campaign, the alert is one of several threats Tidewatch correlated (different threat types on the same device or address within minutes, for example a DDoS alongside exfiltration): analyse the campaign as a whole, its members in order, and say whether they look like one coordinated attack (a flood as a diversion for data theft, say) or coincident unrelated events; the verdict and actions then cover the campaign.

Addresses shown as internal-host-N are internal hosts masked for privacy; refer to them by that placeholder.

Produce the structured analysis:
- summary: what is abnormal, concretely (which metric, how far from the baseline, since when).
- whyItMatters: the operational or security consequence if it is what it looks like.
- likelyCauses: the plausible causes, attack and legitimate alike (backup, release, marketing surge, misconfiguration, hardware or link fault), each with a likelihood between 0 and 1 and the evidence for it. Weigh maintenance windows, calendar entries and analysts' past verdicts on similar alerts heavily: a pattern analysts repeatedly marked false positive is probably legitimate.
- verdict and confidence (0 to 1). Say inconclusive rather than guess.
- investigationCommands: read-only commands an engineer can run now on this device, for its role and vendor (for example Cisco IOS/IOS-XE, Juniper Junos, Arista EOS, Linux); when the vendor is unknown give the two most likely vendors for the role. Never propose configuration changes here.
- recommendedActions: what to do next, most urgent first; containment only when the evidence supports an attack.

Be precise and brief. Do not invent facts that are not in the context.`;

/**
 * Equal for alerts that say the same thing, so one analysis can serve repeats on other days. An alert
 * in a campaign says more: the campaign's id, severity and threat types are part of it, so a campaign
 * that grows or escalates is analysed afresh.
 */
export function alertFingerprint(
  a: Pick<TriageAlert, "deviceId" | "detector" | "alertType" | "anomalyType" | "metric" | "severity">,
  campaign?: Pick<TriageCampaign, "id" | "severity" | "types"> | null,
): string {
  const key = [a.deviceId, a.detector, a.alertType, a.anomalyType, a.metric ?? "", a.severity];
  if (campaign) key.push(`campaign:${campaign.id}`, campaign.severity, [...campaign.types].sort().join(","));
  return crypto.createHash("sha256").update(key.join("|")).digest("hex").slice(0, 32);
}

const iso = (d: Date) => d.toISOString();

/** The alert's context as sent (masked where the masker is enabled). */
export function buildTriageContext(input: TriageInput, masker: Masker): Record<string, unknown> {
  const { alert, device } = input;
  const context = {
    alert: {
      detector: alert.detector,
      type: alert.alertType,
      anomalyType: alert.anomalyType,
      severity: alert.severity,
      score: round(alert.score),
      metric: alert.metric,
      observedAt: iso(alert.observedAt),
      observed: alert.observed,
      expected: alert.expected,
      explanation: alert.explanation,
      contributions: alert.contributions ?? null,
      evidence: alert.evidence ?? null,
      occurrences: alert.occurrences,
      status: alert.status,
    },
    device: { name: device.name, role: device.role, site: device.site, vendor: device.vendor, managementIp: device.managementIp, tags: device.tags },
    baselineForThisHour: input.baseline
      ? { ...input.baseline, mean: round(input.baseline.mean), std: round(input.baseline.std), p95: round(input.baseline.p95) }
      : null,
    recentAlertsOnDevice: input.recentAlerts.map((r) => ({ ...r, observedAt: iso(r.observedAt) })),
    maintenanceWindows: input.maintenance.map((m) => ({ ...m, startsAt: iso(m.startsAt), endsAt: iso(m.endsAt) })),
    calendarEntries: input.calendar.map((c) => ({ ...c, startsAt: iso(c.startsAt), endsAt: iso(c.endsAt) })),
    similarPastAlerts: input.similar.map((s) => ({ ...s, observedAt: iso(s.observedAt) })),
    ...(input.campaign ? { campaign: campaignContext(input.campaign) } : {}),
  };
  return masker.mask(context);
}

function campaignContext(c: TriageCampaign) {
  return {
    severity: c.severity,
    confidence: round(c.confidence),
    threatTypes: c.types,
    firstSeenAt: iso(c.firstSeenAt),
    lastSeenAt: iso(c.lastSeenAt),
    members: c.members.map((m) => ({ ...m, observedAt: iso(m.observedAt) })),
  };
}

export function triageUserMessage(context: Record<string, unknown>): string {
  return `${"campaign" in context ? "Triage this campaign (the alert below and the campaign's other threats)." : "Triage this alert."}\n\n${JSON.stringify(context)}`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
