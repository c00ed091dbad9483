"use client";
// Is telemetry coming in: the worker and each collector (records/s from its heartbeat), and the
// newest data per device with the stale ones first.
import Link from "next/link";
import type { IngestHealth } from "@/lib/dashboards/overview-view";
import { formatFullTime, formatTime } from "@/components/ui/format-time";
import { humanize } from "@/components/ui/humanize";
import { formatBehind, formatCount, formatRate, formatSkew } from "./overview-format";

export function IngestHealthPanel({ ingest }: { ingest: IngestHealth }) {
  const up = ingest.feeds.filter((f) => f.up).length;
  const { devices } = ingest;
  return (
    <section className="panel overview-panel overview-panel-wide" aria-labelledby="ingest-health-heading" data-testid="ingest-health">
      <div className="panel-header">
        <h2 id="ingest-health-heading">Ingest health</h2>
        <span className="faint">
          {ingest.worker === "up" ? `${up} of ${ingest.feeds.length} feeds up · ${formatRate(ingest.recordsPerSec)}` : "worker down"}
        </span>
      </div>
      <div className="panel-body ingest-grid">
        <div className="stack-tight">
          <h3>Collectors</h3>
          {ingest.worker === "down" ? (
            <p className="form-error" role="status" data-testid="worker-down">
              The worker is not running{ingest.beatAt ? ` (last heartbeat ${formatTime(ingest.beatAt)})` : ""}: no telemetry is collected.
              Start it with <code>npm start</code> or <code>npm run worker</code>.
            </p>
          ) : ingest.feeds.length === 0 ? (
            <p className="muted">The worker runs no collectors. Enable them with COLLECTORS (netflow, syslog, snmp, prometheus).</p>
          ) : (
            <ul className="feed-list" data-testid="collector-list">
              {ingest.feeds.map((f, i) => (
                // two workers may each run a collector of the same name
                <li key={`${i}:${f.name}`} data-testid="collector-row" data-collector={f.name} data-up={f.up}>
                  <span className={f.up ? "feed-dot feed-up" : "feed-dot feed-down"} aria-hidden="true" />
                  <span className="feed-name">
                    {f.name === "simulator" ? "Demo simulator (in-process)" : humanize(f.name)}
                    {f.collector ? <span className="muted"> · {f.collector}</span> : null}
                  </span>
                  {f.up ? (
                    <span className="feed-rate" title={f.records === null ? undefined : `${formatCount(f.records)} records since the worker started`}>
                      {formatRate(f.recordsPerSec)}
                    </span>
                  ) : (
                    <span className="feed-error">down{f.error ? `: ${f.error}` : ""}</span>
                  )}
                </li>
              ))}
            </ul>
          )}
          {ingest.worker === "up" && ingest.feeds.some((f) => f.clockSkew) ? (
            <div data-testid="clock-skew">
              <p className="feed-error">
                Flow records dropped: exporter clocks off by more than the accepted window (FLOW_CLOCK_SKEW_PAST_SEC / FLOW_CLOCK_SKEW_FUTURE_SEC). Fix their NTP.
              </p>
              <ul className="feed-list">
                {ingest.feeds.flatMap((f) =>
                  (f.clockSkew ?? []).map((s) => (
                    <li key={`${f.name}:${s.exporter}`} data-testid="clock-skew-exporter" data-exporter={s.exporter}>
                      <span className="feed-name">{s.exporter}</span>
                      <span className="feed-rate" title={`last skewed record ${formatFullTime(s.lastAt)}`}>
                        {formatSkew(s.skewSec)} · {formatCount(s.records)} records dropped
                      </span>
                    </li>
                  )),
                )}
              </ul>
            </div>
          ) : null}
          {ingest.worker === "up" && ingest.inventory ? <SourcePolicy policy={ingest.inventory} /> : null}
        </div>
        <div className="stack-tight">
          <h3>Last data per device</h3>
          {devices.total === 0 ? (
            <p className="muted" data-testid="ingest-devices-empty">
              No devices yet. They appear when they send telemetry or are polled; the demo (SIMULATE=1) creates its own.
            </p>
          ) : (
            <>
              <p className="faint">
                {devices.stale === 0 ? `All ${devices.total} devices up to date` : `${devices.stale} of ${devices.total} devices stale`}
                {devices.newestDataAt ? ` · newest data ${formatTime(devices.newestDataAt)}` : ""}. <Link href="/devices">All devices</Link>
              </p>
              <div className="table-wrap">
                <table className="alert-table compact-table" data-testid="device-freshness">
                  <thead>
                    <tr>
                      <th scope="col">Device</th>
                      <th scope="col">Site</th>
                      <th scope="col">Last data</th>
                      <th scope="col">Behind newest</th>
                    </tr>
                  </thead>
                  <tbody>
                    {devices.rows.map((d) => (
                      <tr key={d.id} data-testid="device-freshness-row" data-device={d.name} data-stale={d.stale}>
                        <th scope="row" className="row-header">
                          {d.name}
                          {d.status !== "active" ? <span className="badge device-status-badge">{d.status}</span> : null}
                        </th>
                        <td>{d.site}</td>
                        <td title={d.lastSeenAt ? formatFullTime(d.lastSeenAt) : undefined}>{d.lastSeenAt ? formatTime(d.lastSeenAt) : "never"}</td>
                        <td className={d.stale ? "stale-cell" : undefined}>{formatBehind(d.behindMs)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </div>
      </div>
    </section>
  );
}

/** Who may send telemetry: all sources (and so anyone can add devices, up to the cap) or the allowed CIDRs. */
function SourcePolicy({ policy }: { policy: NonNullable<IngestHealth["inventory"]> }) {
  return (
    <div className="stack-tight" data-testid="source-policy">
      {policy.allowedSources.length === 0 ? (
        <p className="muted" data-testid="all-sources-accepted">
          All sources accepted: anyone who can reach the collector ports can send telemetry. Limit them with COLLECTOR_ALLOWED_SOURCES.
        </p>
      ) : (
        <p className="faint" data-testid="allowed-sources">
          Sources accepted: {policy.allowedSources.join(", ")}
        </p>
      )}
      {policy.notAddedTotal > 0 ? (
        <p className="feed-error" data-testid="discovery-capped">
          New devices seen but not added: {formatCount(policy.notAddedTotal)} sightings over the discovery cap
          {policy.maxNewPerHour !== null ? ` (${formatCount(policy.maxNewPerHour)} per hour)` : ""}. Admins see them at /api/devices/discovery.
        </p>
      ) : null}
      {policy.untrustedHostnames > 0 ? (
        <p className="feed-error" data-testid="untrusted-hostnames">
          {formatCount(policy.untrustedHostnames)} syslog messages named another device from a different address; they were counted for their sender.
        </p>
      ) : null}
    </div>
  );
}
