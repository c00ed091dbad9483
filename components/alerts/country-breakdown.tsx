"use client";
// A geo_anomaly alert's countries: each one's share of the minute's placed external traffic as a bar,
// the flagged ones (new, or outside the allowed list) marked, with the databases' credit.
import type { CountryBar } from "@/lib/alerts/country-breakdown";
import { GEO_ATTRIBUTION } from "@/lib/telemetry/geo/attribution";

const megabytes = (bytes: number) => `${(bytes / 1e6).toLocaleString(undefined, { maximumFractionDigits: bytes >= 1e7 ? 0 : 1 })} MB`;

export function CountryBreakdown({ bars }: { bars: readonly CountryBar[] }) {
  return (
    <section className="panel panel-body stack" aria-labelledby="countries-heading">
      <h2 id="countries-heading">Countries this minute</h2>
      <ul className="country-bars" data-testid="alert-countries">
        {bars.map((c) => (
          <li key={c.country} data-flagged={c.flagged ? "true" : "false"}>
            <div className="difference-head">
              <span>
                <span aria-hidden="true">{c.flag}</span> {c.country}
                {c.flagged ? <span className="country-flagged"> · {c.flagged}</span> : null}
              </span>
              <span className="mono">
                {megabytes(c.bytes)} · {Math.round(c.share * 100)}%
              </span>
            </div>
            <div className="country-bar" aria-hidden="true">
              <span className={c.flagged ? "country-bar-fill country-bar-flagged" : "country-bar-fill"} style={{ width: `${Math.max(1, c.share * 100)}%` }} />
            </div>
            <p className="faint">
              {megabytes(c.bytesOut)} out · {megabytes(c.bytesIn)} in · {c.peers} peer{c.peers === 1 ? "" : "s"}
            </p>
          </li>
        ))}
      </ul>
      <p className="faint">
        <a href={GEO_ATTRIBUTION.href} rel="noreferrer" target="_blank">
          {GEO_ATTRIBUTION.text}
        </a>
      </p>
    </section>
  );
}
