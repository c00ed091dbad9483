// Notification channels as the API and the Integrations page manage them (every change audited, the
// secret encrypted and never read back out), and the delivery history.
import type { NotificationChannel, Prisma } from "@prisma/client";
import { AppError, notFound } from "../http/app-error";
import {
  checkSecret,
  parseChannelConfig,
  type ChannelAdminView,
  type ChannelPatch,
  type ChannelSummaryView,
  type DeliveryView,
  type NewChannelInput,
} from "../notify/channel-input";
import { encryptSecret } from "../notify/secret-box";
import { readFilter } from "../notify/routing";
import { recordAudit } from "./audit-queries";
import type { DbClient, PrismaClient } from "./client";

type Counts = Map<number, { pending: number; dead: number }>;

async function deliveryCounts(db: DbClient, ids: number[]): Promise<Counts> {
  const counts: Counts = new Map(ids.map((id) => [id, { pending: 0, dead: 0 }]));
  if (ids.length === 0) return counts;
  const grouped = await db.notificationDelivery.groupBy({
    by: ["channelId", "status"],
    where: { channelId: { in: ids }, status: { in: ["pending", "sending", "dead"] } },
    _count: { _all: true },
  });
  for (const g of grouped) {
    const c = counts.get(g.channelId)!;
    if (g.status === "dead") c.dead += g._count._all;
    else c.pending += g._count._all;
  }
  return counts;
}

function summary(row: NotificationChannel, counts: Counts): ChannelSummaryView {
  const failing = row.consecutiveFailures > 0;
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    enabled: row.enabled,
    health: {
      state: !row.enabled ? "paused" : failing ? "failing" : row.lastSuccessAt ? "healthy" : "new",
      lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
      lastFailureAt: row.lastFailureAt?.toISOString() ?? null,
      consecutiveFailures: row.consecutiveFailures,
      ...(counts.get(row.id) ?? { pending: 0, dead: 0 }),
    },
  };
}

function adminView(row: NotificationChannel, counts: Counts): ChannelAdminView {
  return {
    ...summary(row, counts),
    config: row.config as Record<string, unknown>,
    hasSecret: row.secretEnc !== null,
    filter: readFilter(row.filter) ?? {},
    escalateAfterMinutes: row.escalateAfterMinutes,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of a channel: everything but the secret (only whether there is one). */
function auditState(row: NotificationChannel) {
  return {
    name: row.name,
    kind: row.kind,
    config: row.config,
    hasSecret: row.secretEnc !== null,
    filter: row.filter,
    escalateAfterMinutes: row.escalateAfterMinutes,
    enabled: row.enabled,
  };
}

export async function listChannels(db: DbClient, opts: { admin: true }): Promise<ChannelAdminView[]>;
export async function listChannels(db: DbClient, opts: { admin: false }): Promise<ChannelSummaryView[]>;
export async function listChannels(db: DbClient, opts: { admin: boolean }): Promise<(ChannelSummaryView | ChannelAdminView)[]> {
  const rows = await db.notificationChannel.findMany({ orderBy: { name: "asc" } });
  const counts = await deliveryCounts(db, rows.map((r) => r.id));
  return rows.map((r) => (opts.admin ? adminView(r, counts) : summary(r, counts)));
}

export async function getChannelRow(db: DbClient, id: number): Promise<NotificationChannel | null> {
  return db.notificationChannel.findUnique({ where: { id } });
}

export async function getChannelView(db: DbClient, id: number): Promise<ChannelAdminView | null> {
  const row = await getChannelRow(db, id);
  return row ? adminView(row, await deliveryCounts(db, [id])) : null;
}

/** Two channels of the same name would be indistinguishable on the page and in the history. */
function uniqueName(err: unknown): never {
  if ((err as { code?: string }).code === "P2002") throw new AppError(409, "conflict", "name: a channel with this name exists", "name");
  throw err;
}

export async function createChannel(db: PrismaClient, input: NewChannelInput, actorId: number): Promise<ChannelAdminView> {
  const config = parseChannelConfig(input.kind, input.config);
  checkSecret(input.kind, input.secret !== undefined);
  const row = await db
    .$transaction(async (tx) => {
      const created = await tx.notificationChannel.create({
        data: {
          name: input.name,
          kind: input.kind,
          config: config as Prisma.InputJsonValue,
          secretEnc: input.secret !== undefined ? encryptSecret(input.secret) : null,
          filter: input.filter as Prisma.InputJsonValue,
          escalateAfterMinutes: input.escalateAfterMinutes ?? null,
          enabled: input.enabled ?? true,
          createdById: actorId,
        },
      });
      await recordAudit(tx, { actorId, action: "notification_channel.create", entityType: "notification_channel", entityId: created.id, after: auditState(created) });
      return created;
    })
    .catch(uniqueName);
  return adminView(row, await deliveryCounts(db, [row.id]));
}

export async function updateChannel(db: PrismaClient, id: number, patch: ChannelPatch, actorId: number): Promise<ChannelAdminView> {
  const row = await db
    .$transaction(async (tx) => {
      const before = await tx.notificationChannel.findUnique({ where: { id } });
      if (!before) throw notFound("Channel");
      const config = patch.config !== undefined ? parseChannelConfig(before.kind, patch.config) : undefined;
      const hasSecret = patch.secret === undefined ? before.secretEnc !== null : patch.secret !== null;
      checkSecret(before.kind, hasSecret);
      const after = await tx.notificationChannel.update({
        where: { id },
        data: {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(config !== undefined ? { config: config as Prisma.InputJsonValue } : {}),
          ...(patch.secret !== undefined ? { secretEnc: patch.secret === null ? null : encryptSecret(patch.secret) } : {}),
          ...(patch.filter !== undefined ? { filter: patch.filter as Prisma.InputJsonValue } : {}),
          ...(patch.escalateAfterMinutes !== undefined ? { escalateAfterMinutes: patch.escalateAfterMinutes } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
          // a changed destination starts with a clean bill of health
          ...(config !== undefined || patch.secret !== undefined ? { consecutiveFailures: 0, lastError: null } : {}),
        },
      });
      await recordAudit(tx, {
        actorId,
        action: patch.enabled !== undefined && Object.keys(patch).length === 1 ? (patch.enabled ? "notification_channel.resume" : "notification_channel.pause") : "notification_channel.update",
        entityType: "notification_channel",
        entityId: id,
        before: auditState(before),
        after: { ...auditState(after), ...(patch.secret !== undefined ? { secretChanged: true } : {}) },
      });
      return after;
    })
    .catch(uniqueName);
  return adminView(row, await deliveryCounts(db, [id]));
}

export async function deleteChannel(db: PrismaClient, id: number, actorId: number): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.notificationChannel.findUnique({ where: { id } });
    if (!before) throw notFound("Channel");
    await tx.notificationChannel.delete({ where: { id } });
    await recordAudit(tx, { actorId, action: "notification_channel.delete", entityType: "notification_channel", entityId: id, before: auditState(before) });
  });
}

/** Records a test send (made by the web app at once) in the history, with its outcome. */
export async function recordTestDelivery(
  db: PrismaClient,
  args: { channelId: number; actorId: number; subjectKey: string; ok: boolean; responseStatus?: number; error?: string; now: Date },
): Promise<bigint> {
  return db.$transaction(async (tx) => {
    const row = await tx.notificationDelivery.create({
      data: {
        channelId: args.channelId,
        event: "test",
        subjectKey: args.subjectKey,
        payload: {},
        status: args.ok ? "sent" : "dead",
        attempts: 1,
        responseStatus: args.responseStatus ?? null,
        lastError: args.error ?? null,
        createdAt: args.now,
        sentAt: args.ok ? args.now : null,
      },
    });
    await tx.notificationChannel.update({
      where: { id: args.channelId },
      data: args.ok ? { lastSuccessAt: args.now, consecutiveFailures: 0 } : { lastFailureAt: args.now, lastError: args.error ?? null, consecutiveFailures: { increment: 1 } },
    });
    await recordAudit(tx, { actorId: args.actorId, action: "notification_channel.test", entityType: "notification_channel", entityId: args.channelId, after: { ok: args.ok, responseStatus: args.responseStatus ?? null, error: args.error ?? null } });
    return row.id;
  });
}

/** Newest deliveries first: of one channel, of one alert or campaign, or of all. */
export async function listDeliveries(
  db: DbClient,
  filter: { channelId?: number; alertId?: number; campaignId?: number; limit?: number },
): Promise<DeliveryView[]> {
  const rows = await db.notificationDelivery.findMany({
    where: {
      ...(filter.channelId !== undefined ? { channelId: filter.channelId } : {}),
      ...(filter.alertId !== undefined ? { alertId: filter.alertId } : {}),
      ...(filter.campaignId !== undefined ? { campaignId: filter.campaignId } : {}),
    },
    include: { channel: { select: { name: true } } },
    orderBy: { id: "desc" },
    take: Math.min(Math.max(filter.limit ?? 20, 1), 200),
  });
  return rows.map((r) => ({
    id: r.id.toString(),
    channelId: r.channelId,
    channelName: r.channel.name,
    event: r.event,
    subjectKey: r.subjectKey,
    alertId: r.alertId,
    campaignId: r.campaignId,
    status: r.status,
    attempts: r.attempts,
    responseStatus: r.responseStatus,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    sentAt: r.sentAt?.toISOString() ?? null,
  }));
}
