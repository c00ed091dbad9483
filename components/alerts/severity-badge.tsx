import type { AlertView } from "@/lib/alerts/alert-view";

export function SeverityBadge({ severity }: { severity: AlertView["severity"] }) {
  return (
    <span className="badge severity-badge" data-severity={severity}>
      {severity}
    </span>
  );
}
