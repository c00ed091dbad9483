"use client";
// The week timeline: one row per window that occurs in the shown week, a bar per occurrence
// (recurring windows expanded in their own time zone, drawn in the browser's), overlapping
// occurrences on shared devices striped and listed, and the current time marked.
import { useMemo } from "react";
import { findOverlaps, occurrencesBetween, type Occurrence } from "@/lib/alerts/maintenance-occurrences";
import type { MaintenanceWindowView } from "@/lib/alerts/settings-views";
import type { DeviceSummary } from "@/lib/db/device-queries";
import { describeOccurrence, describeScope } from "./describe-window";
import { addWeeks, daysOfWeek, startOfWeek } from "./week-range";

interface PlacedOccurrence extends Occurrence {
  overlapsWith: number[];
}

export function MaintenanceTimeline({
  windows,
  devices,
  weekStart,
  onWeekChange,
  now,
}: {
  windows: readonly MaintenanceWindowView[];
  devices: readonly DeviceSummary[];
  weekStart: Date;
  onWeekChange: (weekStart: Date) => void;
  now: Date;
}) {
  const weekEnd = addWeeks(weekStart, 1);
  const span = weekEnd.getTime() - weekStart.getTime();
  const byId = useMemo(() => new Map(windows.map((w) => [w.id, w])), [windows]);

  const weekStartMs = weekStart.getTime();
  const occurrences = useMemo(() => {
    const from = new Date(weekStartMs);
    const to = addWeeks(from, 1);
    const all = windows.flatMap((w) =>
      occurrencesBetween(
        { id: w.id, startsAt: new Date(w.startsAt), endsAt: new Date(w.endsAt), recurrence: w.recurrence, timezone: w.timezone },
        from,
        to,
      ),
    );
    const overlaps = findOverlaps(all, windows, devices);
    return all.map((o, i): PlacedOccurrence => ({ ...o, overlapsWith: overlaps[i] ?? [] }));
  }, [windows, devices, weekStartMs]);

  const rows = windows.filter((w) => occurrences.some((o) => o.windowId === w.id));
  const overlapPairs = useMemo(() => {
    const pairs: { a: number; b: number; start: Date; end: Date }[] = [];
    for (const o of occurrences) {
      for (const other of o.overlapsWith) {
        if (other < o.windowId) continue;
        for (const b of occurrences) {
          if (b.windowId !== other || !(b.start < o.end && o.start < b.end)) continue;
          pairs.push({
            a: o.windowId,
            b: other,
            start: new Date(Math.max(o.start.getTime(), b.start.getTime())),
            end: new Date(Math.min(o.end.getTime(), b.end.getTime())),
          });
        }
      }
    }
    return pairs.sort((x, y) => x.start.getTime() - y.start.getTime());
  }, [occurrences]);

  const pct = (t: number) => `${(Math.min(Math.max(t - weekStart.getTime(), 0), span) / span) * 100}%`;
  const showsNow = now >= weekStart && now < weekEnd;
  const weekLabel = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" }).format(weekStart);
  const dayLabel = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const isThisWeek = startOfWeek(now).getTime() === weekStart.getTime();

  return (
    <section className="panel" aria-labelledby="mw-timeline-heading">
      <div className="panel-header">
        <h2 id="mw-timeline-heading">Week of {weekLabel}</h2>
        <div className="mw-week-nav" role="group" aria-label="Choose the week">
          <button type="button" className="button button-small" onClick={() => onWeekChange(addWeeks(weekStart, -1))}>
            ← Previous week
          </button>
          <button type="button" className="button button-small" onClick={() => onWeekChange(startOfWeek(now))} disabled={isThisWeek}>
            This week
          </button>
          <button type="button" className="button button-small" onClick={() => onWeekChange(addWeeks(weekStart, 1))}>
            Next week →
          </button>
        </div>
      </div>
      <div className="panel-body stack">
        <p className="muted">
          Times in your time zone ({zone}). Recurring windows keep their own local time across daylight-saving changes.{" "}
          <span className="mw-legend-overlap" aria-hidden="true" /> Striped: overlaps another window on the same devices.
        </p>
        <div
          className="mw-timeline"
          data-testid="maintenance-timeline"
          data-week-start={weekStart.toISOString()}
          data-occurrences={occurrences.length}
        >
          <div className="mw-row mw-head" aria-hidden="true">
            <div className="mw-label" />
            <div className="mw-days">
              {daysOfWeek(weekStart).map((d) => (
                <span key={d.getTime()}>{dayLabel.format(d)}</span>
              ))}
            </div>
          </div>
          {rows.length === 0 ? (
            <p className="empty-state">
              <strong>No maintenance windows fall in this week.</strong>
              <span>Schedule one with the form below, or look at another week.</span>
            </p>
          ) : (
            <ul className="mw-rows" aria-label="Windows this week">
              {rows.map((w) => (
                <li key={w.id} className="mw-row" data-window-id={w.id}>
                  <div className="mw-label">
                    <span className="mw-label-reason">{w.reason}</span>
                    <span className="faint">{describeScope(w)}</span>
                  </div>
                  <div className="mw-track">
                    {showsNow ? <span className="mw-now" style={{ left: pct(now.getTime()) }} aria-hidden="true" /> : null}
                    {occurrences
                      .filter((o) => o.windowId === w.id)
                      .map((o) => {
                        const overlap = o.overlapsWith.length > 0;
                        const text = `${describeOccurrence(o.start, o.end)}${
                          overlap ? `, overlaps ${o.overlapsWith.map((id) => `“${byId.get(id)?.reason ?? id}”`).join(", ")}` : ""
                        }`;
                        return (
                          <span
                            key={o.start.getTime()}
                            className={`mw-bar${overlap ? " mw-bar-overlap" : ""}`}
                            data-testid="maintenance-occurrence"
                            data-window-id={w.id}
                            data-start={o.start.toISOString()}
                            data-end={o.end.toISOString()}
                            data-overlap={overlap ? "true" : "false"}
                            style={{
                              left: pct(o.start.getTime()),
                              width: `max(4px, calc(${pct(o.end.getTime())} - ${pct(o.start.getTime())}))`,
                            }}
                            title={text}
                          >
                            <span className="visually-hidden">{text}</span>
                          </span>
                        );
                      })}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
        {overlapPairs.length > 0 ? (
          <div className="mw-overlaps" role="note" data-testid="maintenance-overlaps">
            <strong>
              {overlapPairs.length === 1 ? "1 overlap this week" : `${overlapPairs.length} overlaps this week`}
            </strong>
            <ul className="mw-overlap-list">
              {overlapPairs.map((p) => (
                <li key={`${p.a}-${p.b}-${p.start.getTime()}`}>
                  “{byId.get(p.a)?.reason}” and “{byId.get(p.b)?.reason}”, {describeOccurrence(p.start, p.end)}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </section>
  );
}
