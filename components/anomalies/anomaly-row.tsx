"use client";
// One alert in the Anomalies table. The row itself is focusable (the keyboard cursor); the device
// link opens the alert; the checkbox selects it for bulk actions.
import Link from "next/link";
import type { AlertView } from "@/lib/alerts/alert-view";
import { SeverityBadge } from "@/components/alerts/severity-badge";
import { StatusBadge } from "@/components/alerts/status-badge";
import { agreementSummary } from "@/components/alerts/feedback-summary";
import { formatFullTime, formatTime } from "@/components/ui/format-time";
import { humanize } from "@/components/ui/humanize";

const VERDICT_MARK = { true_positive: "True positive", false_positive: "False positive" } as const;

export function AnomalyRow({
  alert,
  active,
  selected,
  onSelect,
  onFocus,
  rowRef,
}: {
  alert: AlertView;
  active: boolean;
  selected: boolean;
  onSelect: () => void;
  onFocus: () => void;
  rowRef: (el: HTMLTableRowElement | null) => void;
}) {
  const mine = alert.feedback.mine;
  return (
    <tr
      ref={rowRef}
      tabIndex={active ? 0 : -1}
      onFocus={onFocus}
      data-testid="anomaly-row"
      data-alert-id={alert.id}
      data-active={active ? "true" : undefined}
      aria-selected={selected}
      className={[active ? "row-active" : "", selected ? "row-selected" : ""].join(" ").trim() || undefined}
    >
      <td>
        <input type="checkbox" className="checkbox" aria-label={`Select alert ${alert.id}`} checked={selected} onChange={onSelect} />
      </td>
      <td className="cell-time">
        <time dateTime={alert.createdAt} title={`Raised ${formatFullTime(alert.createdAt)}; observed ${formatFullTime(alert.observedAt)}`}>
          {formatTime(alert.createdAt)}
        </time>
      </td>
      <td>
        <SeverityBadge severity={alert.severity} />
      </td>
      <td>
        {alert.title}
        <div className="faint">{humanize(alert.detector)}</div>
      </td>
      <td className="cell-device">
        <Link className="row-link" href={`/alerts/${alert.id}`} tabIndex={-1}>
          {alert.device.name}
        </Link>
        <div className="faint">
          {alert.device.role} · {alert.device.site}
        </div>
      </td>
      <td className="cell-explanation">
        <span className="clamp-2">{alert.explanation}</span>
      </td>
      <td>
        <StatusBadge status={alert.status} />
        {alert.assignee ? <div className="faint">→ {alert.assignee.name}</div> : null}
      </td>
      <td className="cell-feedback" data-testid="row-feedback">
        <span data-testid="row-verdict">{mine ? VERDICT_MARK[mine] : "—"}</span>
        <div className="faint">{agreementSummary(alert.feedback)}</div>
      </td>
    </tr>
  );
}
