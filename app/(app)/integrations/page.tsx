import type { Metadata } from "next";
import { currentUser } from "@/app/_server/session";
import { can } from "@/lib/auth/roles";
import { IntegrationsAdmin } from "@/components/integrations/integrations-admin";

export const metadata: Metadata = { title: "Integrations" };

export default async function IntegrationsPage() {
  const user = await currentUser();
  const allowed = user !== null && can(user.role, "settings:manage");
  return (
    <div className="page">
      <header className="page-header">
        <h1>Integrations</h1>
        <p className="page-subtitle">
          Where alerts go besides this dashboard: webhooks, Slack, Teams, PagerDuty, email, Splunk and any SIEM that reads CEF over syslog.
        </p>
      </header>
      {allowed ? (
        <IntegrationsAdmin />
      ) : (
        <div className="panel empty-state" data-testid="integrations-forbidden">
          <strong>Only admins manage integrations.</strong>
          <span>Ask an admin to add a channel or route alerts to your team.</span>
        </div>
      )}
    </div>
  );
}
