// Which channel hears about what (pure). A channel's filter narrows alerts by severity, type,
// detector, site, role and device tag, and says whether it takes single alerts, campaigns or both. Events come
// from state changes only: raised when an alert is created open (never when a repeat folds into it
// within the dedup cooldown), acknowledged and resolved when its status becomes so. Suppressed
// alerts (maintenance windows, rules, announced surges) are never announced.
import { z } from "zod";
import type { AlertView } from "../alerts/alert-view";
import type { CampaignView } from "../alerts/campaign-view";
import { SEVERITY_LEVELS, SEVERITY_RANK } from "../detect/severity";
import type { NotificationEvent, Severity } from "./message";
import { quietHoursSchema } from "./quiet-hours";

const names = z.array(z.string().trim().min(1).max(200)).max(200);

export const channelFilterSchema = z
  .object({
    minSeverity: z.enum(SEVERITY_LEVELS).optional(),
    types: names.optional(),
    detectors: names.optional(),
    sites: names.optional(),
    roles: names.optional(),
    /** Device tags: an alert matches when its device has any of them. */
    tags: names.optional(),
    /** Single alerts, campaigns (one message per campaign) or both (default). */
    subjects: z.enum(["alerts", "campaigns", "both"]).optional(),
    /**
     * Raised alerts below `belowSeverity` (default medium, i.e. low ones) wait for the next multiple of
     * `everyMinutes` and go out together in one message; their acknowledgement and resolution are not sent.
     */
    digest: z
      .object({ everyMinutes: z.number().int().min(5).max(1440), belowSeverity: z.enum(["medium", "high", "critical"]).default("medium") })
      .strict()
      .optional(),
    /** Hold less severe messages during these hours (lib/notify/quiet-hours.ts). */
    quietHours: quietHoursSchema.optional(),
  })
  .strict();

export type ChannelFilter = z.infer<typeof channelFilterSchema>;

/** A stored filter read back; anything unreadable matches nothing rather than everything. */
export function readFilter(raw: unknown): ChannelFilter | null {
  const parsed = channelFilterSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : null;
}

const atLeast = (severity: Severity, min: Severity | undefined) => !min || SEVERITY_RANK[severity] >= SEVERITY_RANK[min];
const within = (value: string, list: readonly string[] | undefined) => !list?.length || list.includes(value);

export const takesAlerts = (f: ChannelFilter) => (f.subjects ?? "both") !== "campaigns";
export const takesCampaigns = (f: ChannelFilter) => (f.subjects ?? "both") !== "alerts";

/** `deviceTags` are needed only when the filter names tags (AlertView does not carry them). */
export function alertMatches(f: ChannelFilter, a: Pick<AlertView, "severity" | "type" | "detector" | "device">, deviceTags: readonly string[] = []): boolean {
  return takesAlerts(f) && alertFiltersPass(f, a, deviceTags);
}

/**
 * A mitigation goes where its alert would (severity, type, detector, site, role, tags), whatever the
 * channel's subjects: an action on the network, or a request to approve one, is news to alert and
 * campaign channels alike. Never digested: a proposal waits for a decision.
 */
export const mitigationMatches = (f: ChannelFilter, a: Pick<AlertView, "severity" | "type" | "detector" | "device">, deviceTags: readonly string[] = []) =>
  alertFiltersPass(f, a, deviceTags);

function alertFiltersPass(f: ChannelFilter, a: Pick<AlertView, "severity" | "type" | "detector" | "device">, deviceTags: readonly string[]): boolean {
  return (
    (!f.tags?.length || f.tags.some((t) => deviceTags.includes(t))) &&
    atLeast(a.severity, f.minSeverity) &&
    within(a.type, f.types) &&
    within(a.detector, f.detectors) &&
    within(a.device.site, f.sites) &&
    within(a.device.role, f.roles)
  );
}

export interface FilterDevice {
  site: string;
  role: string;
  tags: readonly string[];
}

/** Whether the filter names sites, roles or tags: then a campaign's devices are needed to judge it. */
export const needsDevices = (f: ChannelFilter | null) => !!(f?.sites?.length || f?.roles?.length || f?.tags?.length);

/**
 * A campaign matches when it is severe enough, (with a type filter) one of its types is listed and
 * (with site, role or tag filters) one of its `devices` passes them all.
 */
export function campaignMatches(f: ChannelFilter, c: Pick<CampaignView, "severity" | "types">, devices: readonly FilterDevice[] = []): boolean {
  const deviceOk = !needsDevices(f) || devices.some((d) => within(d.site, f.sites) && within(d.role, f.roles) && (!f.tags?.length || f.tags.some((t) => d.tags.includes(t))));
  return takesCampaigns(f) && atLeast(c.severity, f.minSeverity) && (!f.types?.length || c.types.some((t) => f.types!.includes(t))) && deviceOk;
}

/**
 * The event an alert change announces: `created` with status open is raised; a status of
 * acknowledged or resolved announces that (once per channel: the outbox's unique key); anything else
 * (a repeat, a note, an assignment, a suppressed alert) announces nothing.
 */
export function alertEventFor(change: "created" | "updated", status: AlertView["status"]): NotificationEvent | null {
  if (status === "open") return change === "created" ? "alert.raised" : null;
  if (status === "acknowledged") return "alert.acknowledged";
  if (status === "resolved") return "alert.resolved";
  return null;
}

/** The outbox subject of an alert, campaign or mitigation: one notification thread per subject and channel. */
export const alertSubject = (id: number) => `alert:${id}`;
export const mitigationSubject = (id: number) => `mitigation:${id}`;
export const campaignSubject = (key: string) => `campaign:${key}`;

/** Exponential backoff from `baseMs` doubling per attempt, capped, with ±20% jitter so retries spread. */
export function retryDelayMs(attempt: number, opts: { baseMs: number; maxMs: number; retryAfterMs?: number }, rand = Math.random()): number {
  if (opts.retryAfterMs !== undefined) return Math.min(Math.max(opts.retryAfterMs, opts.baseMs), Math.max(opts.maxMs, 3_600_000));
  const raw = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * rand));
}

/** Whether an alert of `severity` goes into the channel's digest instead of a message of its own. */
export const inDigest = (f: ChannelFilter, severity: Severity) => !!f.digest && SEVERITY_RANK[severity] < SEVERITY_RANK[f.digest.belowSeverity];

/** The next digest time after `now`: the next multiple of everyMinutes since the epoch (UTC). */
export function nextDigestAt(everyMinutes: number, now: Date): Date {
  const step = everyMinutes * 60_000;
  return new Date((Math.floor(now.getTime() / step) + 1) * step);
}
