// A mitigation as the API, the live stream and the notifications carry it.
import type { MitigationStatus } from "@prisma/client";
import type { UserRef } from "../alerts/settings-views";
import type { Severity } from "../detect/severity";
import type { MitigationRoute } from "./bgp-speaker";
import type { GateOutcomes } from "./gates";
import type { PlaybookId } from "./playbooks";

export const MITIGATION_STATUSES = ["proposed", "approved", "active", "denied", "withdrawn", "expired", "failed", "refused"] as const satisfies readonly MitigationStatus[];
/** Statuses a mitigation can still leave (the rest are final). */
export const OPEN_MITIGATION_STATUSES = ["proposed", "approved", "active"] as const satisfies readonly MitigationStatus[];

export interface MitigationView {
  id: number;
  alert: { id: number; title: string; type: string; severity: Severity; device: { id: number; name: string } };
  campaignId: number | null;
  playbookId: PlaybookId;
  playbookTitle: string;
  route: MitigationRoute;
  routeKey: string;
  /** The route in one line, e.g. "blackhole 203.0.113.7/32 (65535:666)". */
  routeText: string;
  status: MitigationStatus;
  reason: string | null;
  gates: GateOutcomes;
  automatic: boolean;
  /** Recorded by the dry-run speaker only: nothing reached a router. */
  dryRun: boolean;
  ttlMinutes: number;
  expiresAt: string;
  activatedAt: string | null;
  decidedBy: UserRef | null;
  decidedAt: string | null;
  endedBy: UserRef | null;
  endedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The playbook settings an admin edits, with the definition's description. */
export interface PlaybookSettingsView {
  id: PlaybookId;
  title: string;
  description: string;
  alertTypes: readonly string[];
  enabled: boolean;
  automatic: boolean;
  ttlMinutes: number;
}
