"use client";
// Keeps the device page current: alert.created / alert.updated for this device, its device.status
// events and any change to a maintenance window (which may start or stop covering it) refetch the
// page's data, at most once per THROTTLE_MS so a burst (an incident, a replay after reconnecting)
// costs one request.
//
// It reads the same stream as LiveEvents (components/live-events.tsx), which only refreshes the
// shared caches it knows about and is not this page's to change; folding these invalidations into
// LiveEvents would save this second connection.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { EventPayloads } from "@/lib/events/event-types";
import { deviceDetailQueryKeys } from "./device-detail-query-keys";

const STREAM_URL = "/api/stream";
const THROTTLE_MS = 2_000;

export function useDeviceLiveRefresh(deviceId: number): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const source = new EventSource(STREAM_URL);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries({ queryKey: deviceDetailQueryKeys.device(deviceId) });
        void queryClient.invalidateQueries({ queryKey: deviceDetailQueryKeys.alerts(deviceId) });
      }, THROTTLE_MS);
    };
    const onAlert = (event: Event) => {
      const alert = parsePayload<EventPayloads["alert.created"]>(event);
      if (alert?.device?.id === deviceId) refresh();
    };
    const onStatus = (event: Event) => {
      if (parsePayload<EventPayloads["device.status"]>(event)?.deviceId === deviceId) refresh();
    };
    source.addEventListener("alert.created", onAlert);
    source.addEventListener("alert.updated", onAlert);
    source.addEventListener("device.status", onStatus);
    source.addEventListener("settings.changed", (event) => {
      if (parsePayload<EventPayloads["settings.changed"]>(event)?.entityType === "maintenance_window") refresh();
    });
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [deviceId, queryClient]);
}

function parsePayload<T>(event: Event): Partial<T> | undefined {
  if (!(event instanceof MessageEvent) || typeof event.data !== "string") return undefined;
  try {
    const payload = JSON.parse(event.data) as unknown;
    return typeof payload === "object" && payload !== null ? (payload as Partial<T>) : undefined;
  } catch {
    return undefined;
  }
}
