// The Campaigns dashboard's JSON (GET /api/campaigns): each correlated campaign with its member alerts
// summarised for a timeline. The live stream's "campaign.updated" carries the bare CampaignView; the
// page refetches this summary when one arrives. Client components import the types only.
import type { AlertStatus, Severity } from "@prisma/client";
import type { CampaignView } from "../alerts/campaign-view";
import type { AiVerdict } from "../ai/analysis-schema";

export interface CampaignMemberView {
  /** Alert id: the alert's page is /alerts/:id. */
  id: number;
  deviceId: number;
  deviceName: string;
  type: string;
  title: string;
  severity: Severity;
  status: AlertStatus;
  /** Time of the telemetry that raised it. */
  observedAt: string;
}

/** The AI analysis of the campaign as a whole (made on its lead alert with the campaign in the context). */
export interface CampaignAnalysisView {
  /** The alert it was made on: its page shows the whole analysis. */
  alertId: number;
  verdict: AiVerdict;
  confidence: number;
  summary: string;
  createdAt: string;
}

export interface CampaignSummaryView extends CampaignView {
  /** The types' titles, in the campaign's order. */
  typeTitles: string[];
  /** The devices involved, in the campaign's order; a device since removed is left out. */
  devices: { id: number; name: string }[];
  /** Member alerts oldest first (a member alert since deleted is left out). */
  members: CampaignMemberView[];
  /** The newest AI analysis made with this campaign in its context; null when there is none (yet). */
  analysis: CampaignAnalysisView | null;
}

export interface CampaignsResponse {
  /** Most recently active first. */
  campaigns: CampaignSummaryView[];
}
