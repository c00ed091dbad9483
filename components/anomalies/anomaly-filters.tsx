"use client";
// The Anomalies filter bar: status and severity as toggle buttons (several may be on), type, detector,
// device and site as selects, and a time-range picker with presets or a custom from/to. Every change
// goes straight to the URL (through onChange), so a filtered view can be bookmarked and shared.
import { useId } from "react";
import { ALERT_STATUSES, SEVERITIES, type AlertFilterOptions } from "@/lib/alerts/alert-view";
import { TIME_RANGES, type TableFilter, type TableFilterKey } from "@/lib/alerts/alert-table-filter";
import { humanize } from "@/components/ui/humanize";

const RANGE_LABELS: Record<keyof typeof TIME_RANGES, string> = { "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days" };

export function AnomalyFilters({
  filter,
  options,
  onChange,
}: {
  filter: TableFilter;
  options: AlertFilterOptions | undefined;
  onChange: (next: TableFilter) => void;
}) {
  const set = (key: TableFilterKey, value: string | undefined) => {
    const next = { ...filter };
    if (value) next[key] = value;
    else delete next[key];
    onChange(next);
  };
  const toggle = (key: "status" | "severity", value: string) => {
    const current = new Set((filter[key] ?? "").split(",").filter(Boolean));
    if (current.has(value)) current.delete(value);
    else current.add(value);
    set(key, [...current].join(","));
  };
  const on = (key: "status" | "severity", value: string) => (filter[key] ?? "").split(",").includes(value);
  const rangeValue = filter.from || filter.to ? "custom" : (filter.range ?? "");
  const ids = { type: useId(), detector: useId(), device: useId(), site: useId(), range: useId(), from: useId(), to: useId() };
  const active = Object.keys(filter).length > 0;

  return (
    <div className="panel panel-body stack anomaly-filters" role="group" aria-label="Filters">
      <div className="toolbar">
        <div className="toggle-group" role="group" aria-label="Status">
          <span className="toggle-group-label">Status</span>
          {ALERT_STATUSES.map((s) => (
            <button key={s} type="button" className="button button-small" aria-pressed={on("status", s)} onClick={() => toggle("status", s)}>
              {s}
            </button>
          ))}
        </div>
        <div className="toggle-group" role="group" aria-label="Severity">
          <span className="toggle-group-label">Severity</span>
          {SEVERITIES.map((s) => (
            <button key={s} type="button" className="button button-small" aria-pressed={on("severity", s)} onClick={() => toggle("severity", s)}>
              {s}
            </button>
          ))}
        </div>
        <label className="field-inline">
          <input type="checkbox" className="checkbox" checked={filter.assignee === "me"} onChange={(e) => set("assignee", e.target.checked ? "me" : undefined)} />
          Assigned to me
        </label>
      </div>
      <div className="toolbar">
        <div className="field-inline">
          <label htmlFor={ids.type}>Type</label>
          <select id={ids.type} className="input" value={filter.type ?? ""} onChange={(e) => set("type", e.target.value)}>
            <option value="">Any type</option>
            {withCurrent(options?.types, filter.type).map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
        </div>
        <div className="field-inline">
          <label htmlFor={ids.detector}>Detector</label>
          <select id={ids.detector} className="input" value={filter.detector ?? ""} onChange={(e) => set("detector", e.target.value)}>
            <option value="">Any detector</option>
            {withCurrent(options?.detectors, filter.detector).map((d) => (
              <option key={d} value={d}>
                {humanize(d)}
              </option>
            ))}
          </select>
        </div>
        <div className="field-inline">
          <label htmlFor={ids.device}>Device</label>
          <select id={ids.device} className="input" value={filter.deviceId ?? ""} onChange={(e) => set("deviceId", e.target.value)}>
            <option value="">Any device</option>
            {(options?.devices ?? []).map((d) => (
              <option key={d.id} value={String(d.id)}>
                {d.name}
              </option>
            ))}
            {filter.deviceId && !options?.devices.some((d) => String(d.id) === filter.deviceId) ? (
              <option value={filter.deviceId}>Device #{filter.deviceId}</option>
            ) : null}
          </select>
        </div>
        <div className="field-inline">
          <label htmlFor={ids.site}>Site</label>
          <select id={ids.site} className="input" value={filter.site ?? ""} onChange={(e) => set("site", e.target.value)}>
            <option value="">Any site</option>
            {withCurrent(options?.sites, filter.site).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field-inline">
          <label htmlFor={ids.range}>Time range</label>
          <select
            id={ids.range}
            className="input"
            value={rangeValue}
            onChange={(e) => {
              const next = { ...filter };
              delete next.from;
              delete next.to;
              delete next.range;
              if (e.target.value === "custom") next.from = localInput(Date.now() - TIME_RANGES["24h"]);
              else if (e.target.value) next.range = e.target.value;
              onChange(next);
            }}
          >
            <option value="">Any time</option>
            {(Object.keys(RANGE_LABELS) as (keyof typeof RANGE_LABELS)[]).map((r) => (
              <option key={r} value={r}>
                {RANGE_LABELS[r]}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </div>
        {rangeValue === "custom" ? (
          <>
            <div className="field-inline">
              <label htmlFor={ids.from}>From</label>
              <input id={ids.from} className="input" type="datetime-local" value={filter.from ?? ""} onChange={(e) => set("from", e.target.value)} />
            </div>
            <div className="field-inline">
              <label htmlFor={ids.to}>To</label>
              <input id={ids.to} className="input" type="datetime-local" value={filter.to ?? ""} onChange={(e) => set("to", e.target.value)} />
            </div>
          </>
        ) : null}
        {active ? (
          <button type="button" className="link-button" onClick={() => onChange({})}>
            Clear filters
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** The offered values plus the one in the URL, so a shared link shows its filter even before data exists. */
function withCurrent(values: string[] | undefined, current: string | undefined): string[] {
  const list = values ?? [];
  return current && !current.includes(",") && !list.includes(current) ? [...list, current] : list;
}

/** A time as a datetime-local input value in the browser's zone. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
