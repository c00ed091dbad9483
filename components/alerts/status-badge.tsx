import type { AlertView } from "@/lib/alerts/alert-view";

export function StatusBadge({ status }: { status: AlertView["status"] }) {
  return (
    <span className="badge status-badge" data-status={status}>
      {status}
    </span>
  );
}
