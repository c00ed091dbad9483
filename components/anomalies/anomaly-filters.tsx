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
  const ids = { range: useId(), from: useId(), to: useId() };
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
        <FilterSelect
          label="Type"
          anyLabel="Any type"
          value={filter.type}
          options={withCurrent(options?.types, filter.type).map((t) => ({ value: t, label: humanize(t) }))}
          onChange={(v) => set("type", v)}
        />
        <FilterSelect
          label="Detector"
          anyLabel="Any detector"
          value={filter.detector}
          options={withCurrent(options?.detectors, filter.detector).map((d) => ({ value: d, label: humanize(d) }))}
          onChange={(v) => set("detector", v)}
        />
        <FilterSelect
          label="Device"
          anyLabel="Any device"
          value={filter.deviceId}
          options={[
            ...(options?.devices ?? []).map((d) => ({ value: String(d.id), label: d.name })),
            ...(filter.deviceId && !options?.devices.some((d) => String(d.id) === filter.deviceId) ? [{ value: filter.deviceId, label: `Device #${filter.deviceId}` }] : []),
          ]}
          onChange={(v) => set("deviceId", v)}
        />
        <FilterSelect
          label="Site"
          anyLabel="Any site"
          value={filter.site}
          options={withCurrent(options?.sites, filter.site).map((site) => ({ value: site, label: site }))}
          onChange={(v) => set("site", v)}
        />
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

function FilterSelect({
  label,
  anyLabel,
  value,
  options,
  onChange,
}: {
  label: string;
  anyLabel: string;
  value: string | undefined;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field-inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} className="input" value={value ?? ""} onChange={(e) => onChange(e.target.value)}>
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
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
