// Correlated campaigns: the worker saves what the correlator reports (lib/alerts/campaign-correlator.ts)
// and links the member alerts; the campaign and its change go out on the live stream together.
import type { Campaign as CampaignRow } from "@prisma/client";
import type { Campaign } from "../alerts/campaign-correlator";
import type { CampaignView } from "../alerts/campaign-view";
import type { PrismaClient } from "./client";
import { appendEvent } from "./event-queries";

/** A campaign row and its member alerts' ids as the API, the live stream and notifications show it. */
export function toCampaignView(row: CampaignRow, alertIds: number[]): CampaignView {
  return {
    id: row.id,
    key: row.key,
    severity: row.severity,
    confidence: row.confidence,
    types: row.types,
    deviceIds: row.deviceIds,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    alertIds,
  };
}

/** Creates or updates the campaign and links its member alerts (ids are alert ids). */
export async function saveCampaign(db: PrismaClient, campaign: Campaign, deviceIds: number[]): Promise<CampaignView> {
  const alertIds = campaign.members.map((m) => Number(m.alertId)).filter(Number.isInteger);
  return db.$transaction(async (tx) => {
    const data = {
      severity: campaign.severity,
      confidence: campaign.confidence,
      types: campaign.types,
      deviceIds,
      firstSeenAt: campaign.firstTs,
      lastSeenAt: campaign.lastTs,
    };
    const row = await tx.campaign.upsert({ where: { key: campaign.id }, create: { key: campaign.id, ...data }, update: data });
    await tx.alert.updateMany({ where: { id: { in: alertIds } }, data: { campaignId: row.id } });
    const view = toCampaignView(row, alertIds);
    await appendEvent(tx, "campaign.updated", view);
    return view;
  });
}

export async function listCampaigns(db: PrismaClient, limit = 50): Promise<CampaignView[]> {
  const rows = await db.campaign.findMany({
    orderBy: { lastSeenAt: "desc" },
    take: Math.min(Math.max(limit, 1), 200),
    include: { alerts: { select: { id: true }, orderBy: { observedAt: "asc" } } },
  });
  return rows.map(({ alerts, ...row }) => toCampaignView(row, alerts.map((a) => a.id)));
}
