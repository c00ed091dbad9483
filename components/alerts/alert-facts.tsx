import type { AlertView } from "@/lib/alerts/alert-view";
import { formatFullTime } from "@/components/ui/format-time";
import { humanize } from "@/components/ui/humanize";

/** Where the alert came from and how often it has fired. */
export function AlertFacts({ alert }: { alert: AlertView }) {
  const facts: Array<[string, string]> = [
    ["Detector", humanize(alert.detector)],
    ["Occurrences", String(alert.occurrences)],
    ["Raised", formatFullTime(alert.createdAt)],
    ["Last seen", formatFullTime(alert.lastSeenAt)],
  ];
  if (typeof alert.expected.sampleCount === "number") {
    facts.push(["Baseline samples", String(alert.expected.sampleCount)]);
  }
  return (
    <section className="panel panel-body stack" aria-labelledby="alert-facts-heading">
      <h2 id="alert-facts-heading">Details</h2>
      <dl className="numbers">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
