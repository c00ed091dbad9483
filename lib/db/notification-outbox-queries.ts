// The notification outbox. `enqueueNotifications` runs inside the transaction of every alert,
// campaign and mitigation change (called from appendEvent/appendEvents, the one place every such change passes), so a
// notification exists exactly when the change does: a crash never loses one nor invents one. The
// worker's sender claims due rows (FOR UPDATE SKIP LOCKED, so several senders never take the same row),
// sends them and records the outcome and the channel's health.
import type { Prisma, PrismaClient } from "@prisma/client";
import type { AlertView } from "../alerts/alert-view";
import type { CampaignView } from "../alerts/campaign-view";
import { severitiesAtLeast } from "../detect/severity";
import type { EventType } from "../events/event-types";
import type { MitigationView } from "../mitigation/mitigation-view";
import { MITIGATION_STATUS_EVENT, type NotificationEvent } from "../notify/message";
import { channelDefinition } from "../notify/registry";
import {
  alertEventFor,
  alertMatches,
  alertSubject,
  campaignMatches,
  campaignSubject,
  inDigest,
  mitigationMatches,
  mitigationSubject,
  nextDigestAt,
  readFilter,
  takesAlerts,
  needsDevices,
  takesCampaigns,
  type ChannelFilter,
  type FilterDevice,
} from "../notify/routing";
import { getAlertViews } from "./alert-queries";
import { toCampaignView } from "./campaign-queries";
import type { DbClient } from "./client";

type OutboxRow = Prisma.NotificationDeliveryCreateManyInput;

const json = (v: unknown) => v as unknown as Prisma.InputJsonValue;

/** Writes the outbox rows an alert or campaign change calls for (see lib/notify/routing.ts). */
export async function enqueueNotifications(tx: DbClient, type: EventType, payloads: readonly unknown[]): Promise<number> {
  if (type === "mitigation.updated") return enqueueMitigationNotifications(tx, payloads as MitigationView[]);
  if (type !== "alert.created" && type !== "alert.updated" && type !== "campaign.updated") return 0;
  // most alert changes are repeats, notes or assignments: they announce nothing and cost no query
  if (type !== "campaign.updated" && !(payloads as AlertView[]).some((a) => alertEventFor(type === "alert.created" ? "created" : "updated", a.status))) return 0;
  const channels = (
    await tx.notificationChannel.findMany({ where: { enabled: true }, select: { id: true, kind: true, filter: true, escalateAfterMinutes: true } })
  ).map((ch) => ({ ...ch, filter: readFilter(ch.filter) }));
  if (channels.length === 0) return 0;
  const rows: OutboxRow[] = [];
  if (type === "campaign.updated") {
    const devices = channels.some((ch) => needsDevices(ch.filter)) ? await filterDevices(tx, (payloads as CampaignView[]).flatMap((c) => c.deviceIds)) : new Map<number, FilterDevice>();
    for (const c of payloads as CampaignView[]) {
      const own = c.deviceIds.flatMap((id) => devices.get(id) ?? []);
      for (const ch of channels) {
        const f = ch.filter;
        // one message per campaign: its first save raises it, growth adds nothing (the unique key)
        if (f && ch.escalateAfterMinutes === null && campaignMatches(f, c, own)) {
          rows.push({ channelId: ch.id, event: "campaign.raised", subjectKey: campaignSubject(c.key), campaignId: c.id, payload: json(c) });
        }
      }
    }
  } else {
    const alerts = (payloads as AlertView[]).map((a) => ({ a, event: alertEventFor(type === "alert.created" ? "created" : "updated", a.status) }));
    const followUps = alerts.filter((x) => x.event && x.event !== "alert.raised");
    // acknowledge/resolve go to the channels that were told the alert was raised or escalated
    const told = new Set<string>();
    if (followUps.length > 0) {
      const prior = await tx.notificationDelivery.findMany({
        // a raised message skipped because the alert went out as part of its campaign told nobody
        where: { subjectKey: { in: followUps.map((x) => alertSubject(x.a.id)) }, event: { in: ["alert.raised", "alert.escalated"] }, status: { not: "skipped" } },
        select: { channelId: true, subjectKey: true },
      });
      for (const p of prior) told.add(`${p.channelId}|${p.subjectKey}`);
    }
    const tags = channels.some((ch) => ch.filter?.tags?.length) ? await deviceTags(tx, alerts.map((x) => x.a.device.id)) : new Map<number, string[]>();
    for (const { a, event } of alerts) {
      if (!event) continue;
      const subjectKey = alertSubject(a.id);
      for (const ch of channels) {
        const f = ch.filter;
        const digest = f !== null && ch.escalateAfterMinutes === null && inDigest(f, a.severity);
        let send: boolean;
        if (event === "alert.raised") send = ch.escalateAfterMinutes === null && f !== null && alertMatches(f, a, tags.get(a.device.id));
        // a digest message announces alerts, not every later change of each; kinds that send a digest's
        // alerts one by one (PagerDuty's incidents) still get the changes
        else send = told.has(`${ch.id}|${subjectKey}`) && !(digest && channelDefinition(ch.kind)?.digest);
        if (!send) continue;
        rows.push({
          channelId: ch.id,
          event,
          subjectKey,
          alertId: a.id,
          campaignId: a.campaignId,
          payload: json(a),
          ...(digest && f.digest ? { nextAttemptAt: nextDigestAt(f.digest.everyMinutes, new Date()) } : {}),
        });
      }
    }
  }
  if (rows.length === 0) return 0;
  // a state change already announced to a channel (same subject and event) is skipped
  const res = await tx.notificationDelivery.createMany({ data: rows, skipDuplicates: true });
  return res.count;
}

/**
 * A mitigation's status change: one message per status and channel (the unique key drops the repeats:
 * an extension, the AI gate's verdict, a "waiting behind the cap" note keep the status and say nothing
 * new). Channels that only escalate get none; filters judge the mitigation by its alert.
 */
async function enqueueMitigationNotifications(tx: DbClient, views: readonly MitigationView[]): Promise<number> {
  const changes = views.flatMap((m) => {
    const event = MITIGATION_STATUS_EVENT[m.status];
    return event ? [{ m, event }] : [];
  });
  if (changes.length === 0) return 0;
  const channels = (await tx.notificationChannel.findMany({ where: { enabled: true, escalateAfterMinutes: null }, select: { id: true, filter: true } })).flatMap((ch) => {
    const filter = readFilter(ch.filter);
    return filter ? [{ id: ch.id, filter }] : [];
  });
  if (channels.length === 0) return 0;
  const alerts = new Map(
    (
      await tx.alert.findMany({
        where: { id: { in: [...new Set(changes.map((c) => c.m.alert.id))] } },
        select: { id: true, detector: true, device: { select: { id: true, name: true, site: true, role: true, tags: true } } },
      })
    ).map((a) => [a.id, a]),
  );
  const rows: OutboxRow[] = [];
  for (const { m, event } of changes) {
    const alert = alerts.get(m.alert.id);
    if (!alert) continue;
    const subject = { severity: m.alert.severity, type: m.alert.type, detector: alert.detector, device: alert.device };
    for (const ch of channels) {
      if (!mitigationMatches(ch.filter, subject, alert.device.tags)) continue;
      rows.push({ channelId: ch.id, event, subjectKey: mitigationSubject(m.id), alertId: m.alert.id, campaignId: m.campaignId, payload: json(m) });
    }
  }
  if (rows.length === 0) return 0;
  return (await tx.notificationDelivery.createMany({ data: rows, skipDuplicates: true })).count;
}

async function filterDevices(db: DbClient, ids: number[]): Promise<Map<number, FilterDevice>> {
  const rows = await db.device.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, site: true, role: true, tags: true } });
  return new Map(rows.map((r) => [r.id, r]));
}

async function deviceTags(db: DbClient, ids: number[]): Promise<Map<number, string[]>> {
  const rows = await db.device.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, tags: true } });
  return new Map(rows.map((r) => [r.id, r.tags]));
}

/**
 * Escalation: open alerts (never acknowledged) older than a channel's escalateAfterMinutes go to that
 * channel once as alert.escalated; so do campaigns none of whose alerts was acknowledged or resolved
 * (campaign.escalated). Only what was raised after the channel was created, and within a day of its
 * escalation time (a worker down longer does not page for yesterday), is considered.
 */
export async function enqueueEscalations(db: DbClient, now: Date, limit = 500): Promise<number> {
  const channels = await db.notificationChannel.findMany({ where: { enabled: true, escalateAfterMinutes: { not: null } } });
  let queued = 0;
  for (const ch of channels) {
    const f = readFilter(ch.filter);
    if (!f) continue;
    const due = new Date(now.getTime() - ch.escalateAfterMinutes! * 60_000);
    const since = new Date(Math.max(ch.createdAt.getTime(), due.getTime() - 86_400_000));
    if (takesAlerts(f)) queued += await escalateAlerts(db, ch.id, f, { since, due }, limit);
    if (takesCampaigns(f)) queued += await escalateCampaigns(db, ch.id, f, { since, due }, limit);
  }
  return queued;
}

/** Subjects among `keys` the channel already got `event` for. */
async function alreadySent(db: DbClient, channelId: number, event: NotificationEvent, keys: string[]): Promise<Set<string>> {
  const rows = await db.notificationDelivery.findMany({ where: { channelId, event, subjectKey: { in: keys } }, select: { subjectKey: true } });
  return new Set(rows.map((r) => r.subjectKey));
}

async function escalateAlerts(db: DbClient, channelId: number, f: ChannelFilter, span: { since: Date; due: Date }, limit: number): Promise<number> {
  const candidates = await db.alert.findMany({
    where: {
      status: "open",
      createdAt: { gte: span.since, lte: span.due },
      ...(f.minSeverity ? { severity: { in: severitiesAtLeast(f.minSeverity) } } : {}),
      ...(f.types?.length ? { alertType: { in: f.types } } : {}),
      ...(f.detectors?.length ? { detector: { in: f.detectors } } : {}),
      ...(f.sites?.length || f.roles?.length || f.tags?.length
        ? {
            device: {
              ...(f.sites?.length ? { site: { in: f.sites } } : {}),
              ...(f.roles?.length ? { role: { in: f.roles } } : {}),
              ...(f.tags?.length ? { tags: { hasSome: f.tags } } : {}),
            },
          }
        : {}),
    },
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: limit,
  });
  if (candidates.length === 0) return 0;
  const done = await alreadySent(db, channelId, "alert.escalated", candidates.map((c) => alertSubject(c.id)));
  const ids = candidates.map((c) => c.id).filter((id) => !done.has(alertSubject(id)));
  if (ids.length === 0) return 0;
  const candidateViews = await getAlertViews(db, ids, null);
  const tags = f.tags?.length ? await deviceTags(db, candidateViews.map((a) => a.device.id)) : new Map<number, string[]>();
  const views = candidateViews.filter((a) => alertMatches(f, a, tags.get(a.device.id)) && a.status === "open");
  if (views.length === 0) return 0;
  const res = await db.notificationDelivery.createMany({
    data: views.map((a) => ({ channelId, event: "alert.escalated", subjectKey: alertSubject(a.id), alertId: a.id, campaignId: a.campaignId, payload: json(a) })),
    skipDuplicates: true,
  });
  return res.count;
}

async function escalateCampaigns(db: DbClient, channelId: number, f: ChannelFilter, span: { since: Date; due: Date }, limit: number): Promise<number> {
  const rows = await db.campaign.findMany({
    where: {
      createdAt: { gte: span.since, lte: span.due },
      // nobody has taken any of its alerts in hand
      alerts: { some: {}, none: { status: { in: ["acknowledged", "resolved"] } } },
    },
    include: { alerts: { select: { id: true }, orderBy: { observedAt: "asc" } } },
    orderBy: { createdAt: "asc" },
    take: limit,
  });
  const views = rows.map(({ alerts, ...c }) => toCampaignView(c, alerts.map((a) => a.id)));
  const devices = needsDevices(f) ? await filterDevices(db, views.flatMap((c) => c.deviceIds)) : new Map<number, FilterDevice>();
  const matching = views.filter((c) => campaignMatches(f, c, c.deviceIds.flatMap((id) => devices.get(id) ?? [])));
  if (matching.length === 0) return 0;
  const done = await alreadySent(db, channelId, "campaign.escalated", matching.map((c) => campaignSubject(c.key)));
  const fresh = matching.filter((c) => !done.has(campaignSubject(c.key)));
  if (fresh.length === 0) return 0;
  const res = await db.notificationDelivery.createMany({
    data: fresh.map((c) => ({ channelId, event: "campaign.escalated", subjectKey: campaignSubject(c.key), campaignId: c.id, payload: json(c) })),
    skipDuplicates: true,
  });
  return res.count;
}

export interface ClaimedDelivery {
  id: bigint;
  channelId: number;
  event: NotificationEvent;
  subjectKey: string;
  alertId: number | null;
  payload: unknown;
  attempts: number;
  /** The alert's campaign now (it may have joined one since it was raised), when it is announced to this channel. */
  currentCampaignId: number | null;
}

/**
 * Claims up to `limit` due rows of enabled channels: pending ones whose time has come, and rows a
 * sender claimed but never finished (it died) once their lock expired; a row waits while an earlier
 * one of the same channel and subject is unfinished. Claiming counts an attempt.
 */
export async function claimDeliveries(db: DbClient, now: Date, lockMs: number, limit: number): Promise<ClaimedDelivery[]> {
  const rows = await db.$queryRaw<
    { id: bigint; channel_id: number; event: string; subject_key: string; alert_id: number | null; payload: unknown; attempts: number; campaign_id: number | null }[]
  >`
    WITH picked AS (
      SELECT d.id FROM notification_deliveries d
      JOIN notification_channels c ON c.id = d.channel_id AND c.enabled
      WHERE ((d.status = 'pending' AND d.next_attempt_at <= ${now})
          OR (d.status = 'sending' AND d.locked_until < ${now}))
        -- one subject's messages reach a channel in order: an acknowledgement never overtakes a
        -- raised message still being retried (PagerDuty would drop it and keep the incident open)
        AND NOT EXISTS (
          SELECT 1 FROM notification_deliveries e
           WHERE e.channel_id = d.channel_id AND e.subject_key = d.subject_key AND e.id < d.id
             AND e.status IN ('pending', 'sending'))
      ORDER BY d.id
      LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE notification_deliveries d
       SET status = 'sending', attempts = d.attempts + 1, locked_until = ${new Date(now.getTime() + lockMs)}
      FROM picked
     WHERE d.id = picked.id
    RETURNING d.id, d.channel_id, d.event, d.subject_key, d.alert_id, d.payload, d.attempts,
      -- the alert's campaign now, if that campaign is announced to this channel (then it speaks for the alert)
      (SELECT a.campaign_id FROM alerts a
        WHERE a.id = d.alert_id
          AND EXISTS (SELECT 1 FROM notification_deliveries c
                       WHERE c.channel_id = d.channel_id AND c.campaign_id = a.campaign_id AND c.event = 'campaign.raised')) AS campaign_id`;
  return rows
    .map((r) => ({
      id: r.id,
      channelId: r.channel_id,
      event: r.event as NotificationEvent,
      subjectKey: r.subject_key,
      alertId: r.alert_id,
      payload: r.payload,
      attempts: r.attempts,
      currentCampaignId: r.campaign_id,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

export type DeliveryResult =
  | { id: bigint; status: "sent"; responseStatus?: number }
  | { id: bigint; status: "skipped"; reason: string }
  | { id: bigint; status: "retry"; nextAttemptAt: Date; error: string; responseStatus?: number }
  | { id: bigint; status: "dead"; error: string; responseStatus?: number }
  /** Not tried (quiet hours): back to pending until then, the claim's attempt given back. */
  | { id: bigint; status: "held"; until: Date };

/** Records the outcome of one send to one channel (all its rows) and the channel's health, together. */
export async function finishDeliveries(db: PrismaClient, channelId: number, results: DeliveryResult[], now: Date): Promise<void> {
  if (results.length === 0) return;
  const ops: Prisma.PrismaPromise<unknown>[] = [];
  for (const r of results) {
    // only a row still claimed: one whose lock expired and that another sender took is that sender's
    const where = { id: r.id, status: "sending" };
    const common = { lockedUntil: null, responseStatus: "responseStatus" in r ? (r.responseStatus ?? null) : null };
    if (r.status === "held") {
      ops.push(db.notificationDelivery.updateMany({ where, data: { status: "pending", nextAttemptAt: r.until, lockedUntil: null, attempts: { decrement: 1 } } }));
      continue;
    }
    if (r.status === "sent") ops.push(db.notificationDelivery.updateMany({ where, data: { ...common, status: "sent", sentAt: now, lastError: null } }));
    else if (r.status === "skipped") ops.push(db.notificationDelivery.updateMany({ where, data: { ...common, status: "skipped", lastError: r.reason } }));
    else if (r.status === "retry") ops.push(db.notificationDelivery.updateMany({ where, data: { ...common, status: "pending", nextAttemptAt: r.nextAttemptAt, lastError: r.error } }));
    else ops.push(db.notificationDelivery.updateMany({ where, data: { ...common, status: "dead", lastError: r.error } }));
  }
  const sent = results.some((r) => r.status === "sent");
  const failed = results.find((r): r is Extract<DeliveryResult, { error: string }> => r.status === "retry" || r.status === "dead");
  if (sent) ops.push(db.notificationChannel.updateMany({ where: { id: channelId }, data: { lastSuccessAt: now, consecutiveFailures: 0 } }));
  else if (failed) ops.push(db.notificationChannel.updateMany({ where: { id: channelId }, data: { lastFailureAt: now, lastError: failed.error, consecutiveFailures: { increment: 1 } } }));
  await db.$transaction(ops);
}

/** Sent rows older than the retention go (failed and dead ones stay until the same age, for the history). */
export const DELIVERY_RETENTION_MS = 30 * 86_400_000;

export async function pruneDeliveries(db: DbClient, now: Date): Promise<number> {
  const res = await db.notificationDelivery.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - DELIVERY_RETENTION_MS) }, status: { in: ["sent", "skipped", "dead"] } } });
  return res.count;
}
