import Link from "next/link";
import type { AlertView } from "@/lib/alerts/alert-view";
import { formatFullTime, formatTime } from "@/components/ui/format-time";
import { humanize } from "@/components/ui/humanize";
import { feedbackSummary } from "./feedback-summary";
import { metricLabel } from "./format-alert-value";
import { SeverityBadge } from "./severity-badge";
import { StatusBadge } from "./status-badge";

/** One alert in the feed; the device link stretches over the row so a click anywhere opens it. */
export function AlertFeedRow({ alert, isNew }: { alert: AlertView; isNew: boolean }) {
  return (
    <tr data-testid="alert-row" data-alert-id={alert.id} className={isNew ? "row-new" : undefined}>
      <td className="cell-time">
        <time dateTime={alert.observedAt} title={formatFullTime(alert.observedAt)}>
          {formatTime(alert.observedAt)}
        </time>
      </td>
      <td>
        <SeverityBadge severity={alert.severity} />
      </td>
      <td className="cell-device">
        <Link className="row-link" href={`/alerts/${alert.id}`}>
          {alert.device.name}
        </Link>
        <div className="faint">
          {alert.device.role} · {alert.device.site}
        </div>
      </td>
      <td>
        {metricLabel(alert.metric)}
        <div className="faint">{humanize(alert.anomalyType)}</div>
      </td>
      <td className="cell-explanation">
        <span className="clamp-2">{alert.explanation}</span>
      </td>
      <td>
        <StatusBadge status={alert.status} />
      </td>
      <td className="cell-feedback">{feedbackSummary(alert.feedback)}</td>
    </tr>
  );
}
