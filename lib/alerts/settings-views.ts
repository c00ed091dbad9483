// The JSON shapes of the maintenance, suppression, calendar and tuning APIs (times are ISO 8601).
// Client components import these types only.
import type { MaintenanceScope, Recurrence } from "@prisma/client";
import type { OverrideScope } from "./alert-thresholds";
import type { CurvePoint, ThresholdCurve } from "./threshold-curve";
import type { DetectorInfo } from "../detect/detector-catalog";

export interface UserRef {
  id: number;
  name: string;
}

export interface MaintenanceWindowView {
  id: number;
  scope: MaintenanceScope;
  /** Site or role name for scope site/role, else null. */
  scopeValue: string | null;
  deviceIds: number[];
  /** The chosen devices' names (scope device), in id order; ids no longer in the inventory are left out. */
  devices: { id: number; name: string }[];
  startsAt: string;
  endsAt: string;
  recurrence: Recurrence;
  timezone: string;
  reason: string;
  createdBy: UserRef | null;
  createdAt: string;
  updatedAt: string;
}

export interface SuppressionRuleView {
  id: number;
  device: string | null;
  site: string | null;
  role: string | null;
  detector: string | null;
  type: string | null;
  metric: string | null;
  reason: string;
  enabled: boolean;
  expiresAt: string | null;
  createdBy: UserRef | null;
  createdAt: string;
  updatedAt: string;
}

export interface CalendarEntryView {
  id: number;
  name: string;
  startsAt: string;
  endsAt: string;
  expectedIncrease: number;
  devices: string[];
  sites: string[];
  roles: string[];
  createdBy: UserRef | null;
  createdAt: string;
}

export interface AuditEntryView {
  id: string;
  action: string;
  entityType: string;
  entityId: string;
  actor: UserRef | null;
  before: unknown;
  after: unknown;
  createdAt: string;
}

export interface DetectorSettingView {
  id: number;
  detector: string;
  scope: OverrideScope;
  /** Role or device name; null for global. */
  target: string | null;
  config: Record<string, unknown>;
  updatedBy: UserRef | null;
  updatedAt: string;
}

export interface DetectorSettingsEntry extends DetectorInfo {
  /** Defaults overlaid by the global override: what runs on a device without role/device overrides. */
  effective: Record<string, unknown>;
  overrides: DetectorSettingView[];
}

export interface DetectorSettingsResponse {
  detectors: DetectorSettingsEntry[];
  /** The latest audited changes to detector settings, newest first. */
  changes: AuditEntryView[];
}

export interface DetectorSettingChangeResponse {
  setting: DetectorSettingView | null;
  change: AuditEntryView;
}

export interface WhatIfResponse {
  detector: string;
  field: string | null;
  threshold: number;
  scope: OverrideScope;
  target: string | null;
  /** The last 7 UTC days, oldest first: stored alerts with score ≥ threshold (suppressed ones left out). */
  days: { day: string; alerts: number }[];
  total: number;
  perDay: number;
  /** The setting alerts were recorded under (global effective); below it, nothing was stored. */
  currentThreshold: number | null;
  feedback: { labelled: number; positives: number; atThreshold: CurvePoint };
}

export interface FeedbackCurveResponse extends ThresholdCurve {
  detector: string;
  field: string | null;
  scope: OverrideScope;
  target: string | null;
  currentThreshold: number | null;
  /** How many labels came from analysts' verdicts and how many from scenario ground truth. */
  sources: { verdicts: number; scenarios: number };
}
