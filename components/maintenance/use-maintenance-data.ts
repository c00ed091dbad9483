"use client";
// Reads and writes of the maintenance page: windows, suppression rules, the business calendar and
// the device inventory (for scopes). Each write refreshes the list it changed once the server agrees.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { DeviceSummary } from "@/lib/db/device-queries";
import type { CalendarEntryView, MaintenanceWindowView, SuppressionRuleView } from "@/lib/alerts/settings-views";
import { fetchJson } from "@/components/api/fetch-json";
import { fetchAllDevices } from "@/components/devices/fetch-all-devices";
import { maintenanceQueryKeys } from "./maintenance-query-keys";

export function useMaintenanceWindows() {
  return useQuery({
    queryKey: maintenanceQueryKeys.windows,
    queryFn: ({ signal }) => fetchJson<{ windows: MaintenanceWindowView[] }>("/api/maintenance-windows", { signal }).then((r) => r.windows),
  });
}

export function useDeviceOptions() {
  return useQuery({
    queryKey: maintenanceQueryKeys.devices,
    queryFn: ({ signal }): Promise<DeviceSummary[]> => fetchAllDevices(signal),
  });
}

export function useSuppressionRules() {
  return useQuery({
    queryKey: maintenanceQueryKeys.rules,
    queryFn: ({ signal }) => fetchJson<{ rules: SuppressionRuleView[] }>("/api/suppression-rules", { signal }).then((r) => r.rules),
  });
}

export function useCalendarEntries() {
  return useQuery({
    queryKey: maintenanceQueryKeys.calendar,
    queryFn: ({ signal }) => fetchJson<{ entries: CalendarEntryView[] }>("/api/calendar", { signal }).then((r) => r.entries),
  });
}

export interface WindowBody {
  scope: MaintenanceWindowView["scope"];
  scopeValue: string | null;
  deviceIds: number[];
  startsAt: string;
  endsAt: string;
  recurrence: MaintenanceWindowView["recurrence"];
  timezone: string;
  reason: string;
}

/** Creates a window, or changes one when `id` is given. */
export function useSaveWindow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: number; body: WindowBody }) =>
      fetchJson<{ window: MaintenanceWindowView }>(id === undefined ? "/api/maintenance-windows" : `/api/maintenance-windows/${id}`, {
        method: id === undefined ? "POST" : "PATCH",
        json: body,
      }).then((r) => r.window),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: maintenanceQueryKeys.windows }),
  });
}

/** DELETE of one row of a list; the list is refreshed afterwards. */
export function useDeleteRow(kind: "windows" | "rules" | "calendar") {
  const queryClient = useQueryClient();
  const base = { windows: "/api/maintenance-windows", rules: "/api/suppression-rules", calendar: "/api/calendar" }[kind];
  return useMutation({
    mutationFn: (id: number) => fetchJson<{ id: number; deleted: true }>(`${base}/${id}`, { method: "DELETE" }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: maintenanceQueryKeys[kind] }),
  });
}

export type RuleBody = Partial<Record<"device" | "site" | "role" | "detector" | "type" | "metric", string>> & {
  reason: string;
  expiresAt?: string | null;
};

export function useCreateRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RuleBody) => fetchJson<{ rule: SuppressionRuleView }>("/api/suppression-rules", { method: "POST", json: body }).then((r) => r.rule),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: maintenanceQueryKeys.rules }),
  });
}

/** Enables or disables a rule; the list shows the new state at once and rolls back if the server refuses. */
export function useToggleRule() {
  const queryClient = useQueryClient();
  const key = maintenanceQueryKeys.rules;
  return useMutation({
    mutationFn: ({ id, enabled }: { id: number; enabled: boolean }) =>
      fetchJson<{ rule: SuppressionRuleView }>(`/api/suppression-rules/${id}`, { method: "PATCH", json: { enabled } }).then((r) => r.rule),
    onMutate: async ({ id, enabled }) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<SuppressionRuleView[]>(key);
      if (previous) queryClient.setQueryData<SuppressionRuleView[]>(key, previous.map((r) => (r.id === id ? { ...r, enabled } : r)));
      return { previous };
    },
    onError: (_e, _v, context) => {
      if (context?.previous) queryClient.setQueryData(key, context.previous);
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
}

export interface CalendarBody {
  name: string;
  startsAt: string;
  endsAt: string;
  expectedIncrease: number;
  devices: string[];
  sites: string[];
  roles: string[];
}

export function useCreateCalendarEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CalendarBody) => fetchJson<{ entry: CalendarEntryView }>("/api/calendar", { method: "POST", json: body }).then((r) => r.entry),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: maintenanceQueryKeys.calendar }),
  });
}
