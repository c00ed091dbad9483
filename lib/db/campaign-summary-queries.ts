// The Campaigns dashboard's read: campaigns most recently active first, each with its member alerts
// summarised (device, type, severity, time) and the campaign's newest AI analysis, in a fixed number of
// queries whatever the number of campaigns.
import { alertTypeTitle } from "../alerts/alert-type";
import { aiAnalysisSchema } from "../ai/analysis-schema";
import type { CampaignAnalysisView, CampaignMemberView, CampaignSummaryView } from "../dashboards/campaign-summary";
import { listCampaigns } from "./campaign-queries";
import type { PrismaClient } from "./client";

export async function listCampaignSummaries(db: PrismaClient, limit = 50): Promise<CampaignSummaryView[]> {
  const campaigns = await listCampaigns(db, limit);
  if (campaigns.length === 0) return [];
  const alertIds = [...new Set(campaigns.flatMap((c) => c.alertIds))];
  const deviceIds = [...new Set(campaigns.flatMap((c) => c.deviceIds))];
  const [alerts, devices, created, analyses] = await Promise.all([
    alertIds.length === 0
      ? []
      : db.alert.findMany({
          where: { id: { in: alertIds } },
          select: {
            id: true,
            deviceId: true,
            alertType: true,
            severity: true,
            status: true,
            observedAt: true,
            device: { select: { name: true } },
          },
        }),
    deviceIds.length === 0 ? [] : db.device.findMany({ where: { id: { in: deviceIds } }, select: { id: true, name: true } }),
    db.campaign.findMany({ where: { id: { in: campaigns.map((c) => c.id) } }, select: { id: true, createdAt: true } }),
    alertIds.length === 0
      ? []
      : db.aiAnalysis.findMany({
          where: { alertId: { in: alertIds }, status: "ok" },
          orderBy: { createdAt: "desc" },
          take: 500,
          select: { alertId: true, analysis: true, createdAt: true },
        }),
  ]);
  const createdAt = new Map(created.map((c) => [c.id, c.createdAt.getTime()]));
  // an analysis made once the campaign existed had it in its context (a member's campaign is set with the campaign)
  const analysisOf = (c: (typeof campaigns)[number]): CampaignAnalysisView | null => {
    const since = createdAt.get(c.id) ?? Infinity;
    const members = new Set(c.alertIds);
    for (const a of analyses) {
      if (!members.has(a.alertId) || a.createdAt.getTime() < since) continue;
      const parsed = aiAnalysisSchema.safeParse(a.analysis);
      if (!parsed.success) continue;
      const { verdict, confidence, summary } = parsed.data;
      return { alertId: a.alertId, verdict, confidence, summary, createdAt: a.createdAt.toISOString() };
    }
    return null;
  };
  const memberById = new Map(
    alerts.map((a): [number, CampaignMemberView] => [
      a.id,
      {
        id: a.id,
        deviceId: a.deviceId,
        deviceName: a.device.name,
        type: a.alertType,
        title: alertTypeTitle(a.alertType),
        severity: a.severity,
        status: a.status,
        observedAt: a.observedAt.toISOString(),
      },
    ]),
  );
  const deviceById = new Map(devices.map((d) => [d.id, d]));
  return campaigns.map((c) => ({
    ...c,
    typeTitles: c.types.map(alertTypeTitle),
    devices: c.deviceIds.flatMap((id) => deviceById.get(id) ?? []),
    members: c.alertIds
      .flatMap((id) => memberById.get(id) ?? [])
      .sort((a, b) => a.observedAt.localeCompare(b.observedAt) || a.id - b.id),
    analysis: analysisOf(c),
  }));
}
