// Campaign correlation: threats of different types on the same host within a window (default 15 min)
// are one attack seen from several sides (a DDoS covering an exfiltration), so they become one campaign
// with one escalated severity and a combined confidence.
//
// Terms:
// - threat: one alert as the correlator sees it (device, optional IP, type, severity, confidence, time).
// - host: a device name or an IP, compared case-insensitively in one namespace, so a threat naming a
//   device and one naming its IP (e.g. a flow detector that only knows the address) meet.
// - linked: on a shared host, at most `windowMs` apart. A campaign grows while threats keep arriving
//   within the window of its latest member; after that it is closed and forgotten.
//
// Rules:
// - A campaign starts when a threat links to a waiting threat of a different type; every waiting threat
//   linked to it joins. Same-type repeats alone never make a campaign. A threat linked to an open
//   campaign joins it whatever its type, with any waiting threats linked to it.
// - Each type counts once, with its strongest member, so a repeat of one alert is not new evidence.
// - Severity: critical when any type is critical or two or more types are high or above; otherwise the
//   strongest type's severity one level up, capped at high (a high plus a low stays high: one strong
//   signal and noise is not yet a critical).
// - Confidence: 1 − Π(1 − c) over the types' best confidences (independent evidence).
// - Threats are expected roughly in time order; state older than the window behind the latest threat
//   seen is dropped, so memory is bounded by the threats of one window.
// - A threat that links to two open campaigns joins the older one; campaigns are never merged, so a
//   campaign id once reported stays valid.
import { SEVERITY_LEVELS, SEVERITY_RANK, type Severity } from "@/lib/detect/severity";

export const DEFAULT_CAMPAIGN_WINDOW_MS = 15 * 60_000;

export interface Threat {
  alertId: string | number;
  device: string;
  ip?: string | null;
  type: string;
  severity: Severity;
  /** 0..1; out-of-range values are clamped, NaN counts as 0. */
  confidence: number;
  ts: Date;
}

export interface Campaign {
  /** `campaign-<alertId of the first member>`. */
  id: string;
  /** Oldest first. */
  members: Threat[];
  /** Distinct types, in order of first appearance. */
  types: string[];
  /** Distinct device names, in order of first appearance. */
  devices: string[];
  firstTs: Date;
  lastTs: Date;
  severity: Severity;
  confidence: number;
}

export interface CampaignUpdate {
  campaign: Campaign;
  /** True when this threat started the campaign; false when it joined an existing one. */
  created: boolean;
}

export interface CampaignCorrelatorOptions {
  windowMs?: number;
}

function clampConfidence(c: number): number {
  return Number.isNaN(c) ? 0 : Math.min(1, Math.max(0, c));
}

function hostsOf(t: Threat): string[] {
  const hosts = [t.device.trim().toLowerCase()];
  const ip = t.ip?.trim().toLowerCase();
  if (ip && ip !== hosts[0]) hosts.push(ip);
  return hosts.filter((h) => h !== "");
}

function byTime(a: Threat, b: Threat): number {
  return a.ts.getTime() - b.ts.getTime();
}

/** Escalated severity and combined confidence of a campaign's members (see the rules above). */
export function campaignAssessment(members: readonly Threat[]): { severity: Severity; confidence: number } {
  const bestByType = new Map<string, { rank: number; confidence: number }>();
  for (const m of members) {
    const best = bestByType.get(m.type) ?? { rank: 0, confidence: 0 };
    bestByType.set(m.type, {
      rank: Math.max(best.rank, SEVERITY_RANK[m.severity]),
      confidence: Math.max(best.confidence, clampConfidence(m.confidence)),
    });
  }
  const types = [...bestByType.values()];
  const strongest = Math.max(0, ...types.map((t) => t.rank));
  const highOrAbove = types.filter((t) => t.rank >= SEVERITY_RANK.high).length;
  let rank = strongest;
  if (strongest === SEVERITY_RANK.critical || highOrAbove >= 2) rank = SEVERITY_RANK.critical;
  else if (types.length >= 2) rank = Math.min(SEVERITY_RANK.high, strongest + 1);
  const confidence = 1 - types.reduce((miss, t) => miss * (1 - t.confidence), 1);
  return { severity: SEVERITY_LEVELS[rank]!, confidence };
}

interface OpenCampaign {
  id: string;
  members: Threat[];
  hosts: Set<string>;
  lastMs: number;
}

export class CampaignCorrelator {
  private readonly windowMs: number;
  /** Threats not (yet) in a campaign, within the window of the latest threat seen. */
  private waiting: Threat[] = [];
  /** Oldest first. */
  private open: OpenCampaign[] = [];
  private seen = new Set<string>();
  private latestMs = -Infinity;

  constructor(opts: CampaignCorrelatorOptions = {}) {
    const windowMs = opts.windowMs ?? DEFAULT_CAMPAIGN_WINDOW_MS;
    if (!Number.isFinite(windowMs) || windowMs < 0) throw new RangeError("windowMs must be a non-negative number of ms");
    this.windowMs = windowMs;
  }

  /** Feeds one threat; returns the campaign it created or grew, or null when it joined none. */
  add(threat: Threat): CampaignUpdate | null {
    const key = String(threat.alertId);
    if (this.seen.has(key)) return null;
    const t = { ...threat, ip: threat.ip ?? null };
    const ms = t.ts.getTime();
    if (!Number.isFinite(ms)) throw new RangeError(`threat ${key}: ts is not a valid date`);
    this.latestMs = Math.max(this.latestMs, ms);
    this.prune();
    this.seen.add(key);
    const hosts = hostsOf(t);
    const near = (otherMs: number) => Math.abs(otherMs - ms) <= this.windowMs;

    const linked = this.waiting.filter((w) => near(w.ts.getTime()) && hostsOf(w).some((h) => hosts.includes(h)));
    const campaign = this.open.find((c) => near(c.lastMs) && hosts.some((h) => c.hosts.has(h)));
    if (campaign) {
      // Waiting threats linked through a host only this threat brings (its IP) come along.
      this.waiting = this.waiting.filter((w) => !linked.includes(w));
      this.join(campaign, [...linked, t]);
      return { campaign: this.snapshot(campaign), created: false };
    }
    if (!linked.some((w) => w.type !== t.type)) {
      this.waiting.push(t);
      return null;
    }
    this.waiting = this.waiting.filter((w) => !linked.includes(w));
    const members = [...linked, t].sort(byTime);
    const created: OpenCampaign = { id: `campaign-${members[0]!.alertId}`, members: [], hosts: new Set(), lastMs: -Infinity };
    this.join(created, members);
    this.open.push(created);
    return { campaign: this.snapshot(created), created: true };
  }

  private join(c: OpenCampaign, threats: readonly Threat[]): void {
    for (const t of threats) {
      c.members.push(t);
      for (const h of hostsOf(t)) c.hosts.add(h);
      c.lastMs = Math.max(c.lastMs, t.ts.getTime());
    }
    c.members.sort(byTime);
  }

  private prune(): void {
    const horizon = this.latestMs - this.windowMs;
    const forget = (t: Threat) => this.seen.delete(String(t.alertId));
    this.waiting = this.waiting.filter((w) => w.ts.getTime() >= horizon || (forget(w), false));
    this.open = this.open.filter((c) => c.lastMs >= horizon || (c.members.forEach(forget), false));
  }

  private snapshot(c: OpenCampaign): Campaign {
    const members = c.members.map((m) => ({ ...m, ts: new Date(m.ts.getTime()) }));
    const { severity, confidence } = campaignAssessment(members);
    return {
      id: c.id,
      members,
      types: [...new Set(members.map((m) => m.type))],
      devices: [...new Set(members.map((m) => m.device))],
      firstTs: new Date(members[0]!.ts.getTime()),
      lastTs: new Date(c.lastMs),
      severity,
      confidence,
    };
  }
}

/**
 * Correlates a finished list of threats (the evaluation): fed in time order (ties keep input order),
 * returns every campaign in its final form, in order of creation.
 */
export function correlateThreats(threats: readonly Threat[], opts: CampaignCorrelatorOptions = {}): Campaign[] {
  const correlator = new CampaignCorrelator(opts);
  const campaigns = new Map<string, Campaign>();
  for (const t of [...threats].sort(byTime)) {
    const update = correlator.add(t);
    if (update) campaigns.set(update.campaign.id, update.campaign);
  }
  return [...campaigns.values()];
}
