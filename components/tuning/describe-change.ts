// One audited change of detector settings as a sentence: who, what, before → after.
import type { AuditEntryView } from "@/lib/alerts/settings-views";

interface SettingSnapshot {
  detector?: string;
  scope?: string;
  target?: string;
  config?: Record<string, unknown>;
}

export function describeScope(scope: string | undefined, target: string | null | undefined): string {
  if (scope === "role") return `role ${target ?? "?"}`;
  if (scope === "device") return `device ${target ?? "?"}`;
  return "all devices";
}

function settings(config: Record<string, unknown> | undefined): string {
  return Object.entries(config ?? {})
    .map(([k, v]) => `${k} ${typeof v === "number" ? v : JSON.stringify(v)}`)
    .join(", ");
}

export function describeChange(change: AuditEntryView): string {
  const before = (change.before ?? undefined) as SettingSnapshot | undefined;
  const after = (change.after ?? undefined) as SettingSnapshot | undefined;
  const who = change.actor?.name ?? "Someone";
  const detector = after?.detector ?? before?.detector ?? "a detector";
  if (change.action === "detector_setting.delete") {
    return `${who} removed ${detector}'s setting for ${describeScope(before?.scope, before?.target)} (was ${settings(before?.config)})`;
  }
  const scope = describeScope(after?.scope, after?.target);
  const from = before?.config ? ` (was ${settings(before.config)})` : "";
  return `${who} set ${detector} for ${scope}: ${settings(after?.config)}${from}`;
}
