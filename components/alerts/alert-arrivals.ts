"use client";
// New alerts as the live stream delivers them, for views that announce arrivals instead of
// inserting rows (the Anomalies table keeps its rows still under the keyboard cursor).
import { useEffect } from "react";
import type { AlertView } from "@/lib/alerts/alert-view";

const arrivals = new EventTarget();

export function announceAlertArrival(alert: AlertView): void {
  arrivals.dispatchEvent(new CustomEvent<AlertView>("alert", { detail: alert }));
}

export function useAlertArrivals(onArrival: (alert: AlertView) => void): void {
  useEffect(() => {
    const listener = (e: Event) => onArrival((e as CustomEvent<AlertView>).detail);
    arrivals.addEventListener("alert", listener);
    return () => arrivals.removeEventListener("alert", listener);
  }, [onArrival]);
}
