"use client";
// The tuning page: every detector with its main threshold, then for the chosen one its settings and
// overrides, the form to apply a threshold with "what if" and the verdict curve, and the latest
// audited changes. Viewers and analysts see everything; only admins apply.
import { useMemo, useState } from "react";
import { can } from "@/lib/auth/roles";
import { useCurrentUser } from "@/components/current-user";
import { formatTime } from "@/components/ui/format-time";
import { useDeviceOptions } from "@/components/maintenance/use-maintenance-data";
import { LoadError } from "@/components/ui/load-error";
import { describeChange } from "./describe-change";
import { DetectorOverrides } from "./detector-overrides";
import { HeldBaselines } from "./held-baselines";
import { ThresholdTuner } from "./threshold-tuner";
import { useDetectorSettings } from "./use-tuning-data";

export function TuningDashboard() {
  const user = useCurrentUser();
  const canManage = can(user.role, "settings:manage");
  const settings = useDetectorSettings();
  const devices = useDeviceOptions();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const detectors = useMemo(() => settings.data?.detectors ?? [], [settings.data]);
  const selected = detectors.find((d) => d.id === selectedId) ?? detectors[0] ?? null;
  const deviceNames = useMemo(() => new Map((devices.data ?? []).map((d) => [d.id, d.name])), [devices.data]);

  if (settings.isPending) {
    return (
      <section className="panel panel-body stack" aria-busy="true" aria-label="Loading detectors">
        {Array.from({ length: 6 }, (_, i) => (
          <span key={i} className="skeleton" style={{ height: "1.6rem" }} />
        ))}
      </section>
    );
  }
  if (settings.isError) {
    return (
      <section className="panel">
        <LoadError what="the detector settings" error={settings.error} onRetry={() => void settings.refetch()} retrying={settings.isFetching} />
      </section>
    );
  }

  return (
    <>
      <section className="panel" aria-labelledby="detectors-heading">
        <div className="panel-header">
          <h2 id="detectors-heading">Detectors</h2>
          <span className="faint">Choose one to tune</span>
        </div>
        <div className="table-wrap">
          <table className="alert-table" data-testid="tuning-detectors">
            <thead>
              <tr>
                <th scope="col">Detector</th>
                <th scope="col">Threshold (all devices)</th>
                <th scope="col">Overrides</th>
                <th scope="col">
                  <span className="visually-hidden">Choose</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {detectors.map((d) => {
                const field = d.scoreField;
                const value = field ? d.effective[field] : undefined;
                const isSelected = selected?.id === d.id;
                return (
                  <tr key={d.id} data-detector={d.id} className={isSelected ? "tuning-row-selected" : undefined}>
                    <td>
                      <span className="mono">{d.id}</span>
                      <div className="faint clamp-2 tuning-description">{d.description}</div>
                    </td>
                    <td className="mono">{field ? `${field} ${String(value)}` : "—"}</td>
                    <td>{d.overrides.length}</td>
                    <td>
                      <button
                        type="button"
                        className="button button-small"
                        aria-pressed={isSelected}
                        onClick={() => setSelectedId(d.id)}
                        aria-label={`Tune ${d.id}`}
                      >
                        {isSelected ? "Tuning" : "Tune"}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
      {devices.isError ? (
        <p className="form-error" role="alert">
          Could not load the device list ({devices.error.message}): roles and devices cannot be chosen for an override.
        </p>
      ) : null}
      {selected ? (
        <div className="stack" data-testid="tuning-detector" data-detector={selected.id}>
          <DetectorOverrides entry={selected} canManage={canManage} />
          <ThresholdTuner key={selected.id} entry={selected} devices={devices.data ?? []} canManage={canManage} />
        </div>
      ) : (
        <div className="panel empty-state">
          <strong>No tunable detectors.</strong>
          <span>The worker runs the detectors of lib/detect/registry.ts; none of them has settings to tune.</span>
        </div>
      )}
      <HeldBaselines canManage={canManage} deviceNames={deviceNames} />
      <section className="panel" aria-labelledby="changes-heading">
        <div className="panel-header">
          <h2 id="changes-heading">Recent changes</h2>
        </div>
        {settings.data.changes.length === 0 ? (
          <div className="empty-state">
            <strong>No changes yet.</strong>
            <span>Every applied or removed setting is audited and listed here.</span>
          </div>
        ) : (
          <ul className="panel-body tuning-changes" data-testid="tuning-changes">
            {settings.data.changes.map((c) => (
              <li key={c.id}>
                <span className="faint">{formatTime(c.createdAt)}</span> {describeChange(c)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
