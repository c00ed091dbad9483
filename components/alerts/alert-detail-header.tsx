import Link from "next/link";
import type { AlertView } from "@/lib/alerts/alert-view";
import { formatFullTime } from "@/components/ui/format-time";
import { humanize } from "@/components/ui/humanize";
import { metricLabel } from "./format-alert-value";
import { SeverityBadge } from "./severity-badge";
import { StatusBadge } from "./status-badge";

export function AlertDetailHeader({ alert }: { alert: AlertView }) {
  const title = alert.metric ? `${humanize(alert.anomalyType)}: ${metricLabel(alert.metric)}` : humanize(alert.anomalyType);
  return (
    <header className="detail-header">
      <div className="detail-title-row">
        <SeverityBadge severity={alert.severity} />
        <h1>{title}</h1>
        <StatusBadge status={alert.status} />
      </div>
      <dl className="detail-meta">
        <div>
          <dt>Device</dt>
          <dd data-testid="alert-device"><Link href={`/devices/${alert.device.id}`}>{alert.device.name}</Link></dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{alert.device.role}</dd>
        </div>
        <div>
          <dt>Site</dt>
          <dd>{alert.device.site}</dd>
        </div>
        <div>
          <dt>Observed</dt>
          <dd>
            <time dateTime={alert.observedAt}>{formatFullTime(alert.observedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Alert</dt>
          <dd>#{alert.id}</dd>
        </div>
      </dl>
    </header>
  );
}
