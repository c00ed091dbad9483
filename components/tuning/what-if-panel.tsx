"use client";
// "What if": how many alerts a day the detector's stored alerts would give at the chosen threshold
// over the last 7 days, and precision / recall / F1 there from analysts' verdicts.
import type { WhatIfResponse } from "@/lib/alerts/settings-views";
import { formatThreshold } from "./feedback-curve-chart";

const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 100)}%`);
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });

export function WhatIfPanel({ whatIf, loading }: { whatIf: WhatIfResponse; loading: boolean }) {
  const max = Math.max(1, ...whatIf.days.map((d) => d.alerts));
  const { atThreshold } = whatIf.feedback;
  const belowCurrent = whatIf.currentThreshold !== null && whatIf.threshold < whatIf.currentThreshold;
  return (
    <div className="tuning-what-if" data-testid="tuning-what-if" aria-busy={loading} data-total={whatIf.total}>
      <p className="tuning-headline" aria-live="polite">
        At {whatIf.field} {formatThreshold(whatIf.threshold)}: <strong>{whatIf.perDay.toFixed(1)} alerts a day</strong> ({whatIf.total} in the last 7
        days)
      </p>
      {belowCurrent ? (
        <p className="faint">
          Below the current setting ({formatThreshold(whatIf.currentThreshold!)}) these are a lower bound: weaker findings were never stored.
        </p>
      ) : null}
      <table className="tuning-days">
        <caption className="visually-hidden">Alerts per day at this threshold, last 7 days (UTC)</caption>
        <tbody>
          {whatIf.days.map((d) => (
            <tr key={d.day}>
              <th scope="row">{dayFormat.format(new Date(`${d.day}T00:00:00Z`))}</th>
              <td className="tuning-day-bar">
                <span style={{ width: `${(d.alerts / max) * 100}%` }} />
              </td>
              <td className="tuning-day-count">{d.alerts}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="numbers">
        <div>
          <dt>Precision</dt>
          <dd data-testid="what-if-precision">{pct(atThreshold.precision)}</dd>
        </div>
        <div>
          <dt>Recall</dt>
          <dd data-testid="what-if-recall">{pct(atThreshold.recall)}</dd>
        </div>
        <div>
          <dt>F1</dt>
          <dd data-testid="what-if-f1">{pct(atThreshold.f1)}</dd>
        </div>
        <div>
          <dt>Verdicts used</dt>
          <dd>
            {whatIf.feedback.labelled} alerts, {whatIf.feedback.positives} true positive{whatIf.feedback.positives === 1 ? "" : "s"}
          </dd>
        </div>
      </dl>
    </div>
  );
}
