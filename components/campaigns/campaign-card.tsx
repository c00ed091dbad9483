import Link from "next/link";
import type { Severity } from "@prisma/client";
import type { CampaignSummaryView } from "@/lib/dashboards/campaign-summary";
import { SeverityBadge } from "@/components/alerts/severity-badge";
import { SEVERITY_RANK } from "@/lib/detect/severity";
import { StatusBadge } from "@/components/alerts/status-badge";
import { CampaignDeliveries } from "@/components/integrations/subject-deliveries";
import { MitigationsPanel } from "@/components/mitigations/mitigations-panel";
import { formatFullTime, formatTime } from "@/components/ui/format-time";
import { humanize } from "@/components/ui/humanize";

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** One campaign: its escalated severity and confidence, then its member threats on a timeline, oldest first. */
export function CampaignCard({ campaign, isNew }: { campaign: CampaignSummaryView; isNew: boolean }) {
  const headingId = `campaign-${campaign.id}-heading`;
  const first = Date.parse(campaign.firstSeenAt);
  const last = Date.parse(campaign.lastSeenAt);
  const span = Math.max(0, last - first);
  const strongest = campaign.members.reduce<Severity | null>(
    (max, m) => (max === null || SEVERITY_RANK[m.severity] > SEVERITY_RANK[max] ? m.severity : max),
    null,
  );
  const escalated = strongest !== null && SEVERITY_RANK[campaign.severity] > SEVERITY_RANK[strongest];
  const devices = campaign.devices.map((d) => d.name);
  const title = campaign.typeTitles.join(" + ");

  return (
    <article
      className={`panel campaign-card${isNew ? " row-new" : ""}`}
      aria-labelledby={headingId}
      data-testid="campaign"
      data-campaign-id={campaign.id}
      data-severity={campaign.severity}
    >
      <header className="campaign-header">
        <div className="detail-title-row">
          <SeverityBadge severity={campaign.severity} />
          <h2 id={headingId}>{title}</h2>
        </div>
        <dl className="detail-meta">
          <div>
            <dt>Confidence</dt>
            <dd data-testid="campaign-confidence">{Math.round(campaign.confidence * 100)}%</dd>
          </div>
          <div>
            <dt>Severity</dt>
            <dd>
              {campaign.severity}
              {escalated ? <span className="faint"> (escalated from {strongest}: threats of several types together)</span> : null}
            </dd>
          </div>
          <div>
            <dt>{devices.length === 1 ? "Device" : "Devices"}</dt>
            <dd>{devices.length > 0 ? devices.join(", ") : "—"}</dd>
          </div>
          <div>
            <dt>Seen</dt>
            <dd>
              <time dateTime={campaign.firstSeenAt} title={formatFullTime(campaign.firstSeenAt)}>
                {formatTime(campaign.firstSeenAt)}
              </time>{" "}
              →{" "}
              <time dateTime={campaign.lastSeenAt} title={formatFullTime(campaign.lastSeenAt)}>
                {formatTime(campaign.lastSeenAt)}
              </time>{" "}
              <span className="faint">({formatDuration(span)})</span>
            </dd>
          </div>
        </dl>
      </header>

      <TimelineStrip campaign={campaign} first={first} span={span} />

      <ol className="campaign-timeline" aria-label={`Threats in this campaign, oldest first`}>
        {campaign.members.map((m) => (
          <li key={m.id} className="campaign-member" data-testid="campaign-member" data-alert-id={m.id} data-severity={m.severity}>
            <span className="campaign-member-dot" aria-hidden="true" />
            <time className="cell-time" dateTime={m.observedAt} title={formatFullTime(m.observedAt)}>
              {timeOnly.format(new Date(m.observedAt))}
            </time>
            <SeverityBadge severity={m.severity} />
            <span className="campaign-member-what">
              <Link href={`/alerts/${m.id}`}>{m.title}</Link> <span className="muted">on {m.deviceName}</span>
            </span>
            <StatusBadge status={m.status} />
          </li>
        ))}
      </ol>
      {campaign.members.length < campaign.alertIds.length ? (
        <p className="faint campaign-note">
          {campaign.alertIds.length - campaign.members.length} member alert(s) no longer exist.
        </p>
      ) : null}
      {campaign.analysis ? (
        <section className="campaign-analysis" aria-label="AI analysis of the campaign" data-testid="campaign-analysis">
          <p>
            <span className="faint">AI analysis (advisory): </span>
            <strong>{humanize(campaign.analysis.verdict)}</strong>{" "}
            <span className="muted">({Math.round(campaign.analysis.confidence * 100)}% confidence)</span>
          </p>
          <p>{campaign.analysis.summary}</p>
          <p className="faint">
            <Link href={`/alerts/${campaign.analysis.alertId}`}>Causes, commands and actions on the lead alert</Link>
          </p>
        </section>
      ) : null}
      <MitigationsPanel campaignId={campaign.id} alertIds={campaign.alertIds} />
      <CampaignDeliveries campaignId={campaign.id} version={campaign.lastSeenAt} />
    </article>
  );
}

/** The members as dots along the campaign's duration, coloured by severity: how the attack unfolded. */
function TimelineStrip({ campaign, first, span }: { campaign: CampaignSummaryView; first: number; span: number }) {
  if (campaign.members.length === 0) return null;
  return (
    <div className="timeline-strip" aria-hidden="true">
      <span className="timeline-axis" />
      {campaign.members.map((m) => {
        const at = span > 0 ? (Date.parse(m.observedAt) - first) / span : 0.5;
        return (
          <span
            key={m.id}
            className="timeline-dot"
            data-severity={m.severity}
            style={{ left: `${Math.min(1, Math.max(0, at)) * 100}%` }}
            title={`${m.title} on ${m.deviceName}`}
          />
        );
      })}
      <span className="timeline-label timeline-label-start">{formatTime(campaign.firstSeenAt)}</span>
      <span className="timeline-label timeline-label-end">{formatTime(campaign.lastSeenAt)}</span>
    </div>
  );
}

function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return "under a minute";
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}
