"use client";
// The business calendar: announced surges (a sale, a campaign) with the traffic multiplier expected,
// so a rise of that size on the affected devices is recorded as suppressed. Admins add and delete.
import { useId, useState, type FormEvent } from "react";
import type { CalendarEntryView } from "@/lib/alerts/settings-views";
import { ApiError } from "@/components/api/api-error";
import { asSentence } from "@/components/ui/as-sentence";
import { ConfirmDelete } from "@/components/ui/confirm-delete";
import { formatFullTime } from "@/components/ui/format-time";
import { QueryList } from "@/components/ui/query-list";
import { useCalendarEntries, useCreateCalendarEntry, useDeleteRow } from "./use-maintenance-data";

function scopeOf(e: CalendarEntryView): string {
  const parts = [
    e.devices.length ? `devices ${e.devices.join(", ")}` : "",
    e.sites.length ? `sites ${e.sites.join(", ")}` : "",
    e.roles.length ? `roles ${e.roles.join(", ")}` : "",
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : "Whole fleet";
}

const list = (s: string) =>
  s
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);

export function BusinessCalendarSection({ canManage, now }: { canManage: boolean; now: Date }) {
  const entries = useCalendarEntries();
  const remove = useDeleteRow("calendar");

  return (
    <section className="panel" aria-labelledby="calendar-heading">
      <div className="panel-header">
        <h2 id="calendar-heading">Business calendar</h2>
        {entries.data ? <span className="faint">{entries.data.length === 1 ? "1 entry" : `${entries.data.length} entries`}</span> : null}
      </div>
      <div className="panel-body stack">
        <p className="muted">
          Announced surges: a traffic rise up to the expected multiplier (with 50% tolerance) on the affected devices is recorded as suppressed. Drops,
          exfiltration, scans and outages are always raised.
        </p>
        <QueryList
          query={entries}
          what="the business calendar"
          empty={
            <>
              <strong>No announced surges.</strong>
              <span>
                {canManage
                  ? "Add one below before a sale or campaign, with the traffic multiplier the business expects."
                  : "Admins announce sales and campaigns here; they will show in this list."}
              </span>
            </>
          }
        >
          {(items) => (
            <div className="table-wrap">
              <table className="alert-table" data-testid="calendar-entry-list">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Starts</th>
                    <th scope="col">Ends</th>
                    <th scope="col">Expected</th>
                    <th scope="col">Applies to</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((e) => (
                    <tr key={e.id} data-entry-id={e.id}>
                      <td>
                        {e.name}
                        {new Date(e.endsAt) <= now ? <span className="badge status-badge settings-badge">past</span> : null}
                      </td>
                      <td className="muted">{formatFullTime(e.startsAt)}</td>
                      <td className="muted">{formatFullTime(e.endsAt)}</td>
                      <td>×{e.expectedIncrease}</td>
                      <td className="mono">{scopeOf(e)}</td>
                      <td className="settings-row-actions">
                        <ConfirmDelete what={`the entry “${e.name}”`} disabled={!canManage} onConfirm={() => remove.mutateAsync(e.id)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryList>
        <NewEntryForm canManage={canManage} />
      </div>
    </section>
  );
}

function NewEntryForm({ canManage }: { canManage: boolean }) {
  const id = useId();
  const create = useCreateCalendarEntry();
  const [draft, setDraft] = useState({ name: "", start: "", end: "", increase: "2", devices: "", sites: "", roles: "" });
  const [clientError, setClientError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const set = (key: keyof typeof draft, value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setSaved(null);
    setClientError(null);
    if (create.isError) create.reset();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!canManage || create.isPending) return;
    const startsAt = new Date(draft.start);
    const endsAt = new Date(draft.end);
    const increase = Number(draft.increase);
    if (!draft.name.trim()) return setClientError("Enter a name, e.g. “Black Friday sale”.");
    if (!draft.start || Number.isNaN(startsAt.getTime())) return setClientError("Enter when the surge starts.");
    if (!draft.end || Number.isNaN(endsAt.getTime())) return setClientError("Enter when the surge ends.");
    if (endsAt <= startsAt) return setClientError("The end must be after the start.");
    if (!Number.isFinite(increase) || increase < 1) return setClientError("The expected increase is a multiplier of at least 1, e.g. 3 for three times the usual traffic.");
    create.mutate(
      {
        name: draft.name.trim(),
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        expectedIncrease: increase,
        devices: list(draft.devices),
        sites: list(draft.sites),
        roles: list(draft.roles),
      },
      {
        onSuccess: (entry) => {
          setSaved(`Added “${entry.name}”.`);
          setDraft({ name: "", start: "", end: "", increase: "2", devices: "", sites: "", roles: "" });
        },
      },
    );
  };

  const field = create.error instanceof ApiError ? create.error.field : undefined;
  return (
    <form className="settings-form settings-subform" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Announce a surge</h3>
      <fieldset disabled={!canManage} className="settings-fieldset">
        {!canManage ? <p className="muted settings-wide">Only admins can change the business calendar.</p> : null}
        <div className="field settings-wide">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} className="input" value={draft.name} maxLength={200} placeholder="e.g. Black Friday sale" onChange={(e) => set("name", e.target.value)} aria-invalid={field === "name" ? true : undefined} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-start`}>Starts (your time)</label>
          <input id={`${id}-start`} className="input" type="datetime-local" value={draft.start} onChange={(e) => set("start", e.target.value)} aria-invalid={field === "startsAt" ? true : undefined} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-end`}>Ends (your time)</label>
          <input id={`${id}-end`} className="input" type="datetime-local" value={draft.end} onChange={(e) => set("end", e.target.value)} aria-invalid={field === "endsAt" ? true : undefined} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-increase`}>Expected traffic (× usual)</label>
          <input id={`${id}-increase`} className="input" type="number" min={1} max={1000} step={0.1} value={draft.increase} onChange={(e) => set("increase", e.target.value)} aria-invalid={field === "expectedIncrease" ? true : undefined} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-devices`}>Device patterns (comma-separated, optional)</label>
          <input id={`${id}-devices`} className="input mono" value={draft.devices} placeholder="e.g. web-*, lb-?" onChange={(e) => set("devices", e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-sites`}>Site patterns (optional)</label>
          <input id={`${id}-sites`} className="input mono" value={draft.sites} placeholder="e.g. ams*" onChange={(e) => set("sites", e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-roles`}>Role patterns (optional)</label>
          <input id={`${id}-roles`} className="input mono" value={draft.roles} placeholder="e.g. server" onChange={(e) => set("roles", e.target.value)} />
        </div>
        <div className="settings-actions settings-wide">
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? "Adding…" : "Add to calendar"}
          </button>
        </div>
      </fieldset>
      {clientError || create.error ? (
        <p className="form-error" role="alert">
          {clientError ?? `Could not add the entry: ${asSentence(create.error!.message)}`}
        </p>
      ) : null}
      {saved ? (
        <p className="settings-saved" role="status">
          {saved} The worker applies it within 30 seconds.
        </p>
      ) : null}
    </form>
  );
}
