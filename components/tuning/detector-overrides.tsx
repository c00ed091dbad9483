"use client";
// What a detector runs with: its effective settings for the whole fleet (defaults overlaid by the
// global override) and every stored override per role or device, which admins can remove.
import { useState } from "react";
import type { AuditEntryView, DetectorSettingsEntry } from "@/lib/alerts/settings-views";
import { ConfirmDelete } from "@/components/ui/confirm-delete";
import { formatTime } from "@/components/ui/format-time";
import { describeChange, describeScope } from "./describe-change";
import { useDeleteSetting } from "./use-tuning-data";

const show = (v: unknown) => (typeof v === "number" ? String(v) : v === undefined ? "—" : JSON.stringify(v));

export function DetectorOverrides({ entry, canManage }: { entry: DetectorSettingsEntry; canManage: boolean }) {
  const remove = useDeleteSetting();
  const [removed, setRemoved] = useState<AuditEntryView | null>(null);

  return (
    <section className="panel" aria-labelledby="detector-settings-heading">
      <div className="panel-header">
        <h2 id="detector-settings-heading">{entry.id}</h2>
      </div>
      <div className="panel-body stack">
        <p>{entry.description}</p>
        <div>
          <h3>Effective settings (all devices)</h3>
          <dl className="numbers" data-testid="tuning-effective">
            {entry.fields.map((f) => {
              const value = entry.effective[f.name];
              const tuned = value !== f.default;
              return (
                <div key={f.name} data-field={f.name}>
                  <dt>
                    {f.name}
                    {f.name === entry.scoreField ? " (threshold)" : ""}
                  </dt>
                  <dd>
                    {show(value)} {tuned ? <span className="faint">(default {f.default})</span> : null}
                  </dd>
                </div>
              );
            })}
          </dl>
        </div>
        <div>
          <h3>Overrides</h3>
          {entry.overrides.length === 0 ? (
            <p className="muted">No overrides: every device runs on the settings above. Apply a threshold below for all devices, a role or a device.</p>
          ) : (
            <div className="table-wrap">
              <table className="alert-table" data-testid="tuning-overrides">
                <thead>
                  <tr>
                    <th scope="col">Applies to</th>
                    <th scope="col">Settings</th>
                    <th scope="col">Changed</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {entry.overrides.map((o) => (
                    <tr key={o.id} data-setting-id={o.id}>
                      <td>{describeScope(o.scope, o.target)}</td>
                      <td className="mono">
                        {Object.entries(o.config)
                          .map(([k, v]) => `${k} ${show(v)}`)
                          .join(", ")}
                      </td>
                      <td className="muted">
                        {formatTime(o.updatedAt)}
                        {o.updatedBy ? ` by ${o.updatedBy.name}` : ""}
                      </td>
                      <td className="settings-row-actions">
                        <ConfirmDelete
                          label="Remove"
                          what={`the override for ${describeScope(o.scope, o.target)}`}
                          disabled={!canManage}
                          onConfirm={() => remove.mutateAsync(o.id).then((r) => setRemoved(r.change))}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {removed ? (
            <p className="settings-saved" role="status">
              Removed and audited (change #{removed.id}): {describeChange(removed)}. The worker falls back within 30 seconds.
            </p>
          ) : null}
        </div>
      </div>
    </section>
  );
}
