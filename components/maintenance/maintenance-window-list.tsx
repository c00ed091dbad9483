"use client";
// Every maintenance window with its schedule and scope; analysts and admins edit or delete (after
// confirming) from here.
import type { MaintenanceWindowView } from "@/lib/alerts/settings-views";
import { ConfirmDelete } from "@/components/ui/confirm-delete";
import { describeSchedule, describeScope } from "./describe-window";
import { useDeleteRow } from "./use-maintenance-data";

export function MaintenanceWindowList({
  windows,
  canManage,
  editingId,
  onEdit,
  now,
}: {
  windows: readonly MaintenanceWindowView[];
  canManage: boolean;
  editingId: number | null;
  onEdit: (w: MaintenanceWindowView) => void;
  now: Date;
}) {
  const remove = useDeleteRow("windows");
  const ended = (w: MaintenanceWindowView) => w.recurrence === "none" && new Date(w.endsAt) <= now;

  return (
    <section className="panel" aria-labelledby="mw-list-heading">
      <div className="panel-header">
        <h2 id="mw-list-heading">All windows</h2>
        <span className="faint">{windows.length === 1 ? "1 window" : `${windows.length} windows`}</span>
      </div>
      {windows.length === 0 ? (
        <div className="empty-state">
          <strong>No maintenance windows yet.</strong>
          <span>
            {canManage
              ? "Schedule one above before planned work, so the alerts it causes are recorded as suppressed instead of raised."
              : "Analysts and admins schedule windows before planned work; they will show here."}
          </span>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="alert-table" data-testid="maintenance-window-list">
            <thead>
              <tr>
                <th scope="col">Reason</th>
                <th scope="col">When</th>
                <th scope="col">Applies to</th>
                <th scope="col">Scheduled by</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {windows.map((w) => (
                <tr key={w.id} data-window-id={w.id} aria-current={editingId === w.id ? "true" : undefined}>
                  <td>
                    {w.reason}
                    {ended(w) ? <span className="badge status-badge settings-badge">ended</span> : null}
                  </td>
                  <td className="muted">{describeSchedule(w)}</td>
                  <td>{describeScope(w)}</td>
                  <td className="muted">{w.createdBy?.name ?? "—"}</td>
                  <td className="settings-row-actions">
                    <button
                      type="button"
                      className="button button-small"
                      disabled={!canManage}
                      onClick={() => onEdit(w)}
                      aria-label={`Edit the window “${w.reason}”`}
                    >
                      Edit
                    </button>
                    <ConfirmDelete what={`the window “${w.reason}”`} disabled={!canManage} onConfirm={() => remove.mutateAsync(w.id)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
