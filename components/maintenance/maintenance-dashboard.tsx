"use client";
// The maintenance page: the week timeline of windows, the form to schedule or edit one, every window,
// then the suppression rules and the business calendar. Viewers see everything with the controls
// disabled; analysts manage windows; admins also rules and the calendar.
import { useState, useSyncExternalStore } from "react";
import type { MaintenanceWindowView } from "@/lib/alerts/settings-views";
import { can } from "@/lib/auth/roles";
import { useCurrentUser } from "@/components/current-user";
import { LoadError } from "@/components/ui/load-error";
import { BusinessCalendarSection } from "./business-calendar-section";
import { MaintenanceTimeline } from "./maintenance-timeline";
import { MaintenanceWindowForm } from "./maintenance-window-form";
import { MaintenanceWindowList } from "./maintenance-window-list";
import { SkeletonRows } from "@/components/ui/skeleton-rows";
import { SuppressionRulesSection } from "./suppression-rules-section";
import { useDeviceOptions, useMaintenanceWindows } from "./use-maintenance-data";
import { startOfWeek } from "./week-range";

export function MaintenanceDashboard() {
  const user = useCurrentUser();
  const canManageWindows = can(user.role, "maintenance:manage");
  const canManageSettings = can(user.role, "settings:manage");
  const [now] = useState(() => new Date());
  const [weekStart, setWeekStart] = useState(() => startOfWeek(now));
  const [editing, setEditing] = useState<MaintenanceWindowView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const windows = useMaintenanceWindows();
  const devices = useDeviceOptions();
  // Times and time zones are the browser's: render only in the browser, never from the server's clock.
  const inBrowser = useSyncExternalStore(noSubscription, () => true, () => false);

  const edit = (w: MaintenanceWindowView) => {
    setNotice(null);
    setEditing(w);
    document.getElementById("maintenance-form")?.scrollIntoView({ block: "start" });
  };

  if (!inBrowser) {
    return (
      <section className="panel panel-body stack" aria-busy="true" aria-label="Loading maintenance windows">
        <span className="skeleton" style={{ width: "14rem", height: "1.4rem" }} />
        <SkeletonRows label="Loading the week timeline" rows={4} />
      </section>
    );
  }

  return (
    <>
      <div aria-busy={windows.isPending}>
        {windows.isPending ? (
          <section className="panel panel-body stack" aria-label="Loading maintenance windows">
            <span className="skeleton" style={{ width: "14rem", height: "1.4rem" }} />
            <SkeletonRows label="Loading the week timeline" rows={4} />
          </section>
        ) : windows.isError ? (
          <section className="panel">
            <LoadError what="the maintenance windows" error={windows.error} onRetry={() => void windows.refetch()} retrying={windows.isFetching} />
          </section>
        ) : (
          <MaintenanceTimeline windows={windows.data} devices={devices.data ?? []} weekStart={weekStart} onWeekChange={setWeekStart} now={now} />
        )}
      </div>
      {devices.isError ? (
        <p className="form-error" role="alert">
          Could not load the device list ({devices.error.message}): sites, roles and devices cannot be chosen, and overlaps are shown by time only.
        </p>
      ) : null}
      <div id="maintenance-form">
        {notice ? (
          <p className="settings-saved" role="status">
            {notice} Alerts inside it are recorded as suppressed; the worker picks the change up within 30 seconds.
          </p>
        ) : null}
        <MaintenanceWindowForm
          key={editing?.id ?? "new"}
          editing={editing}
          devices={devices.data ?? []}
          canManage={canManageWindows}
          now={now}
          onDone={(saved) => {
            setEditing(null);
            setNotice(saved ?? null);
          }}
        />
      </div>
      {windows.data ? (
        <MaintenanceWindowList windows={windows.data} canManage={canManageWindows} editingId={editing?.id ?? null} onEdit={edit} now={now} />
      ) : null}
      <SuppressionRulesSection canManage={canManageSettings} />
      <BusinessCalendarSection canManage={canManageSettings} now={now} />
    </>
  );
}

const noSubscription = () => () => undefined;
