"use client";
// Create or edit a maintenance window: one-off or daily/weekly, its start and end on the wall clock of
// the chosen time zone, and what it covers (every device, a site, a role, or chosen devices).
import { useId, useMemo, useState, type FormEvent } from "react";
import type { MaintenanceWindowView } from "@/lib/alerts/settings-views";
import { instantToZonedInput, timeZoneNames, zonedInputToInstant } from "@/lib/alerts/zoned-time";
import type { DeviceSummary } from "@/lib/db/device-queries";
import { ApiError } from "@/components/api/api-error";
import { asSentence } from "@/components/ui/as-sentence";
import { useSaveWindow, type WindowBody } from "./use-maintenance-data";

type Scope = MaintenanceWindowView["scope"];
type Recurrence = MaintenanceWindowView["recurrence"];

interface Draft {
  reason: string;
  recurrence: Recurrence;
  timezone: string;
  start: string;
  end: string;
  scope: Scope;
  site: string;
  role: string;
  deviceIds: string[];
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function emptyDraft(now: Date): Draft {
  const tz = browserZone();
  const start = new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
  return {
    reason: "",
    recurrence: "none",
    timezone: tz,
    start: instantToZonedInput(start, tz),
    end: instantToZonedInput(new Date(start.getTime() + 2 * 3_600_000), tz),
    scope: "all",
    site: "",
    role: "",
    deviceIds: [],
  };
}

function draftOf(w: MaintenanceWindowView): Draft {
  return {
    reason: w.reason,
    recurrence: w.recurrence,
    timezone: w.timezone,
    start: instantToZonedInput(new Date(w.startsAt), w.timezone),
    end: instantToZonedInput(new Date(w.endsAt), w.timezone),
    scope: w.scope,
    site: w.scope === "site" ? (w.scopeValue ?? "") : "",
    role: w.scope === "role" ? (w.scopeValue ?? "") : "",
    deviceIds: w.deviceIds.map(String),
  };
}

const RECURRENCE_LABELS: Record<Recurrence, string> = { none: "Once", daily: "Every day", weekly: "Every week" };
const SCOPE_LABELS: Record<Scope, string> = { all: "All devices", site: "A site", role: "A role", device: "Chosen devices" };

export function MaintenanceWindowForm({
  editing,
  devices,
  canManage,
  now,
  onDone,
}: {
  editing: MaintenanceWindowView | null;
  devices: readonly DeviceSummary[];
  canManage: boolean;
  now: Date;
  /** Leaves edit mode, with what was saved when it was. */
  onDone: (saved?: string) => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => (editing ? draftOf(editing) : emptyDraft(now)));
  const [clientError, setClientError] = useState<{ field: string; message: string } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useSaveWindow();
  const id = useId();
  const zones = useMemo(() => {
    const names = timeZoneNames();
    return names.includes(draft.timezone) ? names : [draft.timezone, ...names];
  }, [draft.timezone]);
  const sites = useMemo(() => [...new Set(devices.map((d) => d.site))].sort(), [devices]);
  const roles = useMemo(() => [...new Set(devices.map((d) => d.role))].sort(), [devices]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setSaved(null);
    setClientError(null);
    if (save.isError) save.reset();
  };

  const serverError = save.error instanceof ApiError ? save.error : save.error ? new ApiError(0, "error", save.error.message) : null;
  const error = clientError ?? (serverError ? { field: serverError.field ?? "", message: serverError.message } : null);
  const invalid = (field: string) => (error?.field === field ? true : undefined);
  const errorId = `${id}-error`;
  const describedBy = (field: string) => (error?.field === field ? errorId : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!canManage || save.isPending) return;
    setClientError(null);
    const startsAt = zonedInputToInstant(draft.start, draft.timezone);
    const endsAt = zonedInputToInstant(draft.end, draft.timezone);
    if (!draft.reason.trim()) return setClientError({ field: "reason", message: "Enter a reason, e.g. “core switch firmware upgrade”." });
    if (!startsAt) return setClientError({ field: "startsAt", message: "Enter when the window starts." });
    if (!endsAt) return setClientError({ field: "endsAt", message: "Enter when the window ends." });
    if (endsAt <= startsAt) return setClientError({ field: "endsAt", message: "The end must be after the start." });
    if (draft.scope === "site" && !draft.site) return setClientError({ field: "scopeValue", message: "Choose the site." });
    if (draft.scope === "role" && !draft.role) return setClientError({ field: "scopeValue", message: "Choose the role." });
    if (draft.scope === "device" && draft.deviceIds.length === 0) return setClientError({ field: "deviceIds", message: "Choose at least one device." });
    const body: WindowBody = {
      reason: draft.reason.trim(),
      recurrence: draft.recurrence,
      timezone: draft.timezone,
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      scope: draft.scope,
      scopeValue: draft.scope === "site" ? draft.site : draft.scope === "role" ? draft.role : null,
      deviceIds: draft.scope === "device" ? draft.deviceIds.map(Number) : [],
    };
    save.mutate(
      { ...(editing ? { id: editing.id } : {}), body },
      {
        onSuccess: (w) => {
          if (editing) return onDone(`Saved the changes to “${w.reason}”.`);
          setSaved(`Scheduled “${w.reason}”.`);
          setDraft(emptyDraft(new Date()));
        },
      },
    );
  };

  const title = editing ? `Edit “${editing.reason}”` : "Schedule a window";
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <div className="panel-header">
        <h2 id={`${id}-heading`}>{title}</h2>
        {editing ? (
          <button type="button" className="button button-small" onClick={() => onDone()}>
            Cancel editing
          </button>
        ) : null}
      </div>
      <form className="panel-body settings-form" onSubmit={submit} noValidate aria-describedby={error ? errorId : undefined}>
        {!canManage ? <p className="muted">Viewers can see windows but not schedule them; ask an analyst or admin.</p> : null}
        <fieldset disabled={!canManage} className="settings-fieldset">
          <div className="field settings-wide">
            <label htmlFor={`${id}-reason`}>Reason</label>
            <input
              id={`${id}-reason`}
              className="input"
              value={draft.reason}
              maxLength={500}
              onChange={(e) => set("reason", e.target.value)}
              placeholder="e.g. core switch firmware upgrade"
              aria-invalid={invalid("reason")}
              aria-describedby={describedBy("reason")}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-recurrence`}>Repeats</label>
            <select id={`${id}-recurrence`} className="input" value={draft.recurrence} onChange={(e) => set("recurrence", e.target.value as Recurrence)}>
              {(Object.keys(RECURRENCE_LABELS) as Recurrence[]).map((r) => (
                <option key={r} value={r}>
                  {RECURRENCE_LABELS[r]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-timezone`}>Time zone</label>
            <select
              id={`${id}-timezone`}
              className="input"
              value={draft.timezone}
              onChange={(e) => set("timezone", e.target.value)}
              aria-invalid={invalid("timezone")}
              aria-describedby={describedBy("timezone")}
            >
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-start`}>{draft.recurrence === "none" ? "Starts" : "First starts"}</label>
            <input
              id={`${id}-start`}
              className="input"
              type="datetime-local"
              value={draft.start}
              onChange={(e) => set("start", e.target.value)}
              aria-invalid={invalid("startsAt")}
              aria-describedby={describedBy("startsAt")}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-end`}>{draft.recurrence === "none" ? "Ends" : "First ends"}</label>
            <input
              id={`${id}-end`}
              className="input"
              type="datetime-local"
              value={draft.end}
              onChange={(e) => set("end", e.target.value)}
              aria-invalid={invalid("endsAt")}
              aria-describedby={describedBy("endsAt")}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-scope`}>Applies to</label>
            <select id={`${id}-scope`} className="input" value={draft.scope} onChange={(e) => set("scope", e.target.value as Scope)}>
              {(Object.keys(SCOPE_LABELS) as Scope[]).map((s) => (
                <option key={s} value={s}>
                  {SCOPE_LABELS[s]}
                </option>
              ))}
            </select>
          </div>
          {draft.scope === "site" ? (
            <div className="field">
              <label htmlFor={`${id}-site`}>Site</label>
              <select
                id={`${id}-site`}
                className="input"
                value={draft.site}
                onChange={(e) => set("site", e.target.value)}
                aria-invalid={invalid("scopeValue")}
                aria-describedby={describedBy("scopeValue")}
              >
                <option value="">Choose a site…</option>
                {sites.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          {draft.scope === "role" ? (
            <div className="field">
              <label htmlFor={`${id}-role`}>Role</label>
              <select
                id={`${id}-role`}
                className="input"
                value={draft.role}
                onChange={(e) => set("role", e.target.value)}
                aria-invalid={invalid("scopeValue")}
                aria-describedby={describedBy("scopeValue")}
              >
                <option value="">Choose a role…</option>
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          {draft.scope === "device" ? (
            <div className="field settings-wide">
              <label htmlFor={`${id}-devices`}>Devices (hold Ctrl or Shift to choose several)</label>
              <select
                id={`${id}-devices`}
                className="input mw-device-select"
                multiple
                size={Math.min(8, Math.max(3, devices.length))}
                value={draft.deviceIds}
                onChange={(e) => set("deviceIds", Array.from(e.target.selectedOptions, (o) => o.value))}
                aria-invalid={invalid("deviceIds")}
                aria-describedby={describedBy("deviceIds")}
              >
                {devices.map((d) => (
                  <option key={d.id} value={String(d.id)}>
                    {d.name} ({d.role}, {d.site})
                  </option>
                ))}
              </select>
              <span className="faint">{draft.deviceIds.length === 1 ? "1 device chosen" : `${draft.deviceIds.length} devices chosen`}</span>
            </div>
          ) : null}
          <div className="settings-actions settings-wide">
            <button type="submit" className="button button-primary" disabled={save.isPending}>
              {save.isPending ? "Saving…" : editing ? "Save changes" : "Schedule window"}
            </button>
          </div>
        </fieldset>
        {error ? (
          <p id={errorId} className="form-error" role="alert">
            {serverError && !clientError ? "Could not save the window: " : ""}
            {asSentence(error.message)}
          </p>
        ) : null}
        {saved ? (
          <p className="settings-saved" role="status">
            {saved} Alerts inside it are recorded as suppressed; the worker picks the change up within 30 seconds.
          </p>
        ) : null}
      </form>
    </section>
  );
}
