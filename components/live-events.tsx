"use client";
// The one live connection of a signed-in tab: GET /api/stream (server-sent events) feeding the
// react-query caches, plus the "Live" / "Reconnecting…" indicator in the nav.
//
// The browser's EventSource reconnects by itself and resumes with Last-Event-ID, so nothing is
// missed across its own retries. Only a brand-new EventSource (first connect, or after the browser
// gave up, e.g. on a 401 or a proxy error) starts at the newest event; then the alert queries are
// fetched again once so nothing that happened in the gap is lost. The same refetch follows a `reset`
// event: the server's answer to a resume point older than its retained log.
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { AlertView } from "@/lib/alerts/alert-view";
import type { OverviewView } from "@/lib/dashboards/overview-view";
import type { EventPayloads, PulsePayloads } from "@/lib/events/event-types";
import { alertQueryKeys } from "@/components/alerts/alert-query-keys";
import { campaignQueryKeys } from "@/components/campaigns/campaign-query-keys";
import { deviceDetailQueryKeys } from "@/components/devices/device-detail-query-keys";
import { deviceQueryKeys } from "@/components/devices/device-query-keys";
import { forecastQueryKeys } from "@/components/forecasts/forecast-query-keys";
import { maintenanceQueryKeys } from "@/components/maintenance/maintenance-query-keys";
import { mitigationQueryKeys } from "@/components/mitigations/mitigation-query-keys";
import { overviewQueryKeys } from "@/components/overview/overview-query-keys";
import { tuningQueryKeys } from "@/components/tuning/tuning-query-keys";
import { throttle } from "@/components/ui/throttle";
import { announceAlertArrival } from "@/components/alerts/alert-arrivals";
import { findCachedAlert } from "@/components/alerts/find-cached-alert";
import { writeAlertToCache } from "@/components/alerts/write-alert-to-cache";
import { LiveIndicator, type LiveState } from "@/components/shell/live-indicator";

const STREAM_URL = "/api/stream";
const MAX_RETRY_MS = 30_000;
/** Aggregates (Overview panels, device pages) are refetched at most this often however busy the stream. */
const AGGREGATE_REFRESH_MS = 2_000;

export function LiveEvents() {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");

  useEffect(() => {
    let source: EventSource | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let countsTimer: ReturnType<typeof setTimeout> | undefined;
    let campaignsTimer: ReturnType<typeof setTimeout> | undefined;
    let devicesTimer: ReturnType<typeof setTimeout> | undefined;

    // Bursts of events (a replay after reconnecting, an incident touching many alerts) refresh the
    // counts once.
    const refreshCounts = () => {
      clearTimeout(countsTimer);
      countsTimer = setTimeout(() => void queryClient.invalidateQueries({ queryKey: alertQueryKeys.counts }), 300);
    };
    // Campaigns are refetched (the event carries no member summaries), once per burst.
    const refreshCampaigns = () => {
      clearTimeout(campaignsTimer);
      campaignsTimer = setTimeout(() => void queryClient.invalidateQueries({ queryKey: campaignQueryKeys.all }), 300);
    };

    // The inventory shows open-alert counts and status: refetched once per burst of changes.
    const refreshDevices = () => {
      clearTimeout(devicesTimer);
      devicesTimer = setTimeout(() => void queryClient.invalidateQueries({ queryKey: deviceQueryKeys.inventory }), 1000);
    };

    // The Overview panels are aggregates no event can be applied to in place: refetched, throttled.
    const refreshOverview = throttle(() => void queryClient.invalidateQueries({ queryKey: overviewQueryKeys.all }), AGGREGATE_REFRESH_MS);
    // Device pages touched by events since the last refresh (null: all of them, e.g. a maintenance change).
    let touchedDevices: Set<number> | null = new Set();
    const flushDevicePages = throttle(() => {
      if (touchedDevices === null) void queryClient.invalidateQueries({ queryKey: deviceDetailQueryKeys.all });
      else
        for (const id of touchedDevices) {
          void queryClient.invalidateQueries({ queryKey: deviceDetailQueryKeys.device(id) });
          void queryClient.invalidateQueries({ queryKey: deviceDetailQueryKeys.alerts(id) });
        }
      touchedDevices = new Set();
    }, AGGREGATE_REFRESH_MS);
    const refreshDevicePage = (deviceId: number | null) => {
      if (deviceId === null) touchedDevices = null;
      else touchedDevices?.add(deviceId);
      flushDevicePages();
    };

    const connect = () => {
      const es = new EventSource(STREAM_URL);
      source = es;
      let opened = false;

      es.onopen = () => {
        failures = 0;
        setState("live");
        if (!opened) {
          opened = true;
          resync(queryClient);
        }
      };
      es.onerror = () => {
        setState("reconnecting");
        if (es.readyState === EventSource.CLOSED) {
          // The browser will not retry this one; start a new stream with backoff.
          es.close();
          const delay = Math.min(1000 * 2 ** failures, MAX_RETRY_MS);
          failures += 1;
          retryTimer = setTimeout(connect, delay);
        }
      };
      es.addEventListener("alert.created", (e) => {
        const alert = parseAlert(e);
        if (!alert) return;
        writeAlertToCache(queryClient, alert, { addToFeed: true, keepMine: true });
        announceAlertArrival(alert);
        refreshOverview();
        refreshDevicePage(alert.device.id);
        refreshCounts();
        refreshDevices();
        // A new alert is a new dot on that device's forecast charts.
        void queryClient.invalidateQueries({ queryKey: forecastQueryKeys.device(alert.device.id) });
      });
      es.addEventListener("alert.updated", (e) => {
        const alert = parseAlert(e);
        if (!alert) return;
        // Counts are by severity of open + acknowledged alerts: only those two fields move them.
        const before = findCachedAlert(queryClient, alert.id);
        writeAlertToCache(queryClient, alert, { keepMine: true });
        refreshOverview();
        refreshDevicePage(alert.device.id);
        if (!before || before.status !== alert.status || before.severity !== alert.severity) {
          refreshCounts();
          refreshDevices();
        }
        if (alert.campaignId !== null) refreshCampaigns();
      });
      // The server could not replay what we missed (our last event is older than its retained log):
      // it resumes us from its newest event, and everything shown is fetched again.
      es.addEventListener("reset", () => resync(queryClient));
      es.addEventListener("campaign.updated", () => refreshCampaigns());
      // mitigation panels (alert, campaign, Overview) refetch their lists
      es.addEventListener("mitigation.updated", () => void queryClient.invalidateQueries({ queryKey: mitigationQueryKeys.all }));
      es.addEventListener("ingest.health", (e) => {
        const ingest = parseJson<PulsePayloads["ingest.health"]>(e);
        if (!ingest || !Array.isArray(ingest.feeds)) return;
        // applied in place: the worker's rates change every beat and need no refetch
        queryClient.setQueryData<OverviewView>(overviewQueryKeys.all, (old) => (old ? { ...old, ingest: { ...old.ingest, ...ingest } } : old));
      });
      es.addEventListener("settings.changed", (e) => {
        const change = parseJson<EventPayloads["settings.changed"]>(e);
        if (!change) return;
        // Someone changed a setting: the pages showing it refetch (our own change too; harmless).
        const keys = {
          maintenance_window: [maintenanceQueryKeys.windows, deviceQueryKeys.inventory],
          suppression_rule: [maintenanceQueryKeys.rules],
          calendar_entry: [maintenanceQueryKeys.calendar],
          detector_setting: [tuningQueryKeys.all],
          mitigation_playbook: [mitigationQueryKeys.playbooks],
        }[change.entityType];
        for (const queryKey of keys ?? []) void queryClient.invalidateQueries({ queryKey });
        // a window may start or stop covering any device
        if (change.entityType === "maintenance_window") refreshDevicePage(null);
      });
      es.addEventListener("device.status", (e) => {
        refreshDevices();
        refreshOverview();
        const deviceId = parseJson<EventPayloads["device.status"]>(e)?.deviceId;
        if (typeof deviceId === "number") refreshDevicePage(deviceId);
      });
    };

    connect();
    return () => {
      clearTimeout(retryTimer);
      clearTimeout(countsTimer);
      clearTimeout(campaignsTimer);
      clearTimeout(devicesTimer);
      refreshOverview.cancel();
      flushDevicePages.cancel();
      source?.close();
    };
  }, [queryClient]);

  return <LiveIndicator state={state} />;
}

function resync(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: alertQueryKeys.all });
  void queryClient.invalidateQueries({ queryKey: overviewQueryKeys.all });
  void queryClient.invalidateQueries({ queryKey: deviceDetailQueryKeys.all });
  void queryClient.invalidateQueries({ queryKey: alertQueryKeys.details });
  void queryClient.invalidateQueries({ queryKey: campaignQueryKeys.all });
  void queryClient.invalidateQueries({ queryKey: mitigationQueryKeys.all });
}

function parseJson<T>(event: Event): T | undefined {
  if (!(event instanceof MessageEvent) || typeof event.data !== "string") return undefined;
  try {
    return JSON.parse(event.data) as T;
  } catch {
    return undefined;
  }
}

/** The AlertView carried by alert.created / alert.updated; undefined for anything malformed. */
function parseAlert(event: Event): EventPayloads["alert.created" | "alert.updated"] | undefined {
  if (!(event instanceof MessageEvent) || typeof event.data !== "string") return undefined;
  try {
    const payload = JSON.parse(event.data) as Partial<AlertView> | null;
    if (!payload || typeof payload.id !== "number" || !payload.feedback || !payload.device) return undefined;
    return payload as AlertView;
  } catch {
    return undefined;
  }
}
