// The JSON shape of a correlated campaign as the API returns it and the live stream carries it.
import type { Severity } from "@prisma/client";

export interface CampaignView {
  /** Database id; `key` is the correlator's id. */
  id: number;
  key: string;
  severity: Severity;
  confidence: number;
  types: string[];
  deviceIds: number[];
  firstSeenAt: string;
  lastSeenAt: string;
  alertIds: number[];
}
