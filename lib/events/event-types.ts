// Terminology: an *event* is one row of the append-only `events` table; its id is the SSE event id.
// The worker and the web app append events in the same transaction as the change they describe,
// and NOTIFY the channel below so the web app's stream wakes up. The map below is the whole set.
import type { AlertView } from "../alerts/alert-view";
import type { CampaignView } from "../alerts/campaign-view";
import type { IngestHealth } from "../dashboards/overview-view";
import type { MitigationView } from "../mitigation/mitigation-view";

export const EVENTS_CHANNEL = "tidewatch_events";

export interface EventPayloads {
  "alert.created": AlertView;
  "alert.updated": AlertView;
  "device.status": { deviceId: number; name: string; status: string; lastSeenAt: string | null };
  "campaign.updated": CampaignView;
  /** A setting others may be looking at changed (maintenance, rules, calendar, detector thresholds). */
  "settings.changed": { entityType: SettingsEntity; entityId: string; action: string };
  /** A mitigation was proposed or changed status, TTL or decision. */
  "mitigation.updated": MitigationView;
}

/** The audited entities whose changes every open dashboard should see at once. */
export const SETTINGS_ENTITIES = ["maintenance_window", "suppression_rule", "calendar_entry", "detector_setting", "mitigation_playbook"] as const;
export type SettingsEntity = (typeof SETTINGS_ENTITIES)[number];

export function isSettingsEntity(value: string): value is SettingsEntity {
  return (SETTINGS_ENTITIES as readonly string[]).includes(value);
}

export type EventType = keyof EventPayloads;

export interface StreamEvent<T extends EventType = EventType> {
  id: string; // bigint as decimal string
  type: T;
  payload: EventPayloads[T];
  createdAt: string;
}

/** Sent by the stream itself with each heartbeat, never stored in the event log (no id). */
export interface PulsePayloads {
  "ingest.health": Pick<IngestHealth, "worker" | "beatAt" | "feeds" | "recordsPerSec">;
}
