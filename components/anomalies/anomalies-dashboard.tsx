"use client";
// The Anomalies page: every alert, filtered (filters kept in the URL), newest first in keyset pages,
// with bulk acknowledge, CSV export and keyboard triage:
//   j / k (or ↓ / ↑) move, Enter opens, t / f give the verdict, a acknowledges, x selects.
// Rows change in place when the live stream updates them; new alerts are announced above the table
// ("3 new alerts — show") rather than inserted, so the row under the cursor never jumps.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { AlertFilterOptions, AlertPage, AlertView } from "@/lib/alerts/alert-view";
import { alertApiSearch, alertMatchesFilter, readTableFilter, tableFilterSearch, type TableFilter } from "@/lib/alerts/alert-table-filter";
import { can } from "@/lib/auth/roles";
import { alertQueryKeys } from "@/components/alerts/alert-query-keys";
import { useAlertArrivals } from "@/components/alerts/alert-arrivals";
import { useAlertFeedback } from "@/components/alerts/use-alert-feedback";
import { useAlertTriage, useBulkTriage } from "@/components/alerts/use-alert-triage";
import { fetchJson } from "@/components/api/fetch-json";
import { useCurrentUser } from "@/components/current-user";
import { asSentence } from "@/components/ui/as-sentence";
import { ownsKeys } from "@/components/ui/hotkey-target";
import { LoadError } from "@/components/ui/load-error";
import { AnomalyFilters } from "./anomaly-filters";
import { AnomalyRow } from "./anomaly-row";
import { cursorAt, cursorRow, FIRST_ROW, type RowCursor } from "./row-cursor";

export const TABLE_PAGE_SIZE = 50;

export function AnomaliesDashboard() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const user = useCurrentUser();
  const mayTriage = can(user.role, "alerts:triage");
  const mayJudge = can(user.role, "alerts:feedback");

  // The filter lives here and is mirrored to the URL (the URL only changes once router.replace lands).
  const urlKey = params.toString();
  const [filter, setFilterState] = useState<TableFilter>(() => readTableFilter(new URLSearchParams(urlKey)));
  useEffect(() => setFilterState(readTableFilter(new URLSearchParams(urlKey))), [urlKey]);
  const setFilter = (next: TableFilter) => {
    setFilterState(next);
    const search = tableFilterSearch(next);
    router.replace(search ? `${pathname}?${search}` : pathname, { scroll: false });
  };
  // Relative ranges ("last 24 hours") count from when the view was loaded or last refreshed.
  const [anchor, setAnchor] = useState(() => Date.now());
  // One string per filter, for query keys and effects: equal filters give equal strings.
  const filterKey = tableFilterSearch(filter);

  const options = useQuery({
    queryKey: alertQueryKeys.filterOptions,
    queryFn: ({ signal }) => fetchJson<AlertFilterOptions>("/api/alerts/filter-options", { signal }),
    staleTime: 60_000,
  });
  const table = useInfiniteQuery({
    queryKey: alertQueryKeys.table({ filter: filterKey }),
    queryFn: ({ pageParam, signal }) =>
      fetchJson<AlertPage>(`/api/alerts?${alertApiSearch(filter, anchor, { limit: String(TABLE_PAGE_SIZE), ...(pageParam ? { cursor: pageParam } : {}) })}`, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const alerts = useMemo(() => table.data?.pages.flatMap((p) => p.alerts) ?? [], [table.data]);

  // New alerts matching the view, announced until the analyst asks to see them.
  const [arrived, setArrived] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => setArrived(new Set()), [filterKey]);
  const empty = table.isSuccess && alerts.length === 0;
  const refetchTable = table.refetch;
  const onArrival = useCallback(
    (alert: AlertView) => {
      if (!alertMatchesFilter(alert, filter, user.id, Date.now())) return;
      // An empty table has no cursor to disturb: just show what arrived.
      if (empty) {
        setAnchor(Date.now());
        void refetchTable();
        return;
      }
      setArrived((prev) => (prev.has(alert.id) ? prev : new Set(prev).add(alert.id)));
    },
    [empty, filter, refetchTable, user.id],
  );
  useAlertArrivals(onArrival);
  const showArrived = () => {
    setArrived(new Set());
    setAnchor(Date.now());
    void table.refetch();
  };

  const [rowCursor, setRowCursor] = useState<RowCursor>(FIRST_ROW);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [message, setMessage] = useState("");
  useEffect(() => {
    setRowCursor(FIRST_ROW);
    setSelected(new Set());
  }, [filterKey]);
  const cursor = cursorRow(alerts, rowCursor);
  const active = alerts[cursor];

  const feedback = useAlertFeedback();
  const triage = useAlertTriage();
  const bulk = useBulkTriage();
  const rowRefs = useRef(new Map<number, HTMLTableRowElement>());

  const moveTo = useCallback(
    (index: number) => {
      const next = cursorAt(alerts, index);
      setRowCursor(next);
      if (next.alertId !== null) rowRefs.current.get(next.alertId)?.focus({ preventScroll: false });
    },
    [alerts],
  );

  const act = useCallback(
    (key: string, alert: AlertView | undefined) => {
      if (!alert) return;
      if (key === "Enter") {
        router.push(`/alerts/${alert.id}`);
        return;
      }
      if (key === "t" || key === "f") {
        if (!mayJudge) return setMessage("Viewers cannot give verdicts.");
        const verdict = key === "t" ? "true_positive" : "false_positive";
        feedback.mutate(
          { alertId: alert.id, verdict },
          {
            onError: (e) => setMessage(`Could not record the verdict on alert #${alert.id}: ${asSentence(e.message)}`),
          },
        );
        setMessage(`Alert #${alert.id} marked ${verdict === "true_positive" ? "true positive" : "false positive"}.`);
      }
      if (key === "a") {
        if (!mayTriage) return setMessage("Viewers cannot acknowledge alerts.");
        if (alert.status === "suppressed") return setMessage(`Alert #${alert.id} was suppressed; there is nothing to acknowledge.`);
        triage.mutate(
          { alertId: alert.id, patch: { status: "acknowledged" } },
          { onError: (e) => setMessage(`Could not acknowledge alert #${alert.id}: ${asSentence(e.message)}`) },
        );
        setMessage(`Alert #${alert.id} acknowledged.`);
      }
      if (key === "x") {
        setSelected((prev) => {
          const next = new Set(prev);
          if (next.has(alert.id)) next.delete(alert.id);
          else next.add(alert.id);
          return next;
        });
      }
    },
    [feedback, mayJudge, mayTriage, router, triage],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      const onRow = e.target instanceof HTMLTableRowElement;
      if (!onRow && ownsKeys(e.target, { controls: true })) return;
      if (e.key === "j" || e.key === "ArrowDown") {
        e.preventDefault();
        moveTo(cursor + 1);
      } else if (e.key === "k" || e.key === "ArrowUp") {
        e.preventDefault();
        moveTo(cursor - 1);
      } else if (["Enter", "t", "f", "a", "x"].includes(e.key)) {
        if (e.key === "Enter" && !onRow) return;
        e.preventDefault();
        act(e.key, active);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [act, active, cursor, moveTo]);

  const allSelected = alerts.length > 0 && alerts.every((a) => selected.has(a.id));
  const toggleAll = () => setSelected(allSelected ? new Set() : new Set(alerts.map((a) => a.id)));
  const toggleOne = (id: number) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const bulkSet = (status: "acknowledged" | "resolved") => {
    const ids = [...selected];
    bulk.mutate(
      { ids, status },
      {
        onSuccess: (r) => {
          setSelected(new Set());
          const skipped = r.skipped.length ? `; skipped ${r.skipped.length} (${[...new Set(r.skipped.map((s) => s.reason))].join(", ")})` : "";
          setMessage(`${status === "acknowledged" ? "Acknowledged" : "Resolved"} ${r.changed.length} ${r.changed.length === 1 ? "alert" : "alerts"}${skipped}.`);
        },
        onError: (e) => setMessage(`Could not update the selected alerts: ${asSentence(e.message)}`),
      },
    );
  };

  const exportHref = `/api/alerts/export?${alertApiSearch(filter, anchor)}`;

  return (
    <div className="stack">
      <AnomalyFilters filter={filter} options={options.data} onChange={setFilter} />
      <section className="panel" aria-labelledby="anomalies-heading">
        <div className="panel-header">
          <h2 id="anomalies-heading">Alerts</h2>
          <div className="toolbar">
            {mayTriage ? (
              <>
                <button type="button" className="button button-small" disabled={selected.size === 0 || bulk.isPending} onClick={() => bulkSet("acknowledged")}>
                  Acknowledge selected{selected.size ? ` (${selected.size})` : ""}
                </button>
                <button type="button" className="button button-small" disabled={selected.size === 0 || bulk.isPending} onClick={() => bulkSet("resolved")}>
                  Resolve selected{selected.size ? ` (${selected.size})` : ""}
                </button>
              </>
            ) : null}
            <a className="button button-small" href={exportHref} download>
              Export CSV
            </a>
          </div>
        </div>
        <p className="visually-hidden" aria-live="polite" data-testid="triage-message">
          {message}
        </p>
        {message ? (
          <p className="table-note" aria-hidden="true">
            {message}
          </p>
        ) : null}
        {arrived.size > 0 ? (
          <div className="arrivals-banner" role="status">
            <span>
              {arrived.size} new {arrived.size === 1 ? "alert matches" : "alerts match"} these filters.
            </span>
            <button type="button" className="button button-small button-primary" onClick={showArrived}>
              Show
            </button>
          </div>
        ) : null}
        {table.isPending ? (
          <div className="panel-body stack" aria-busy="true" aria-label="Loading alerts">
            {Array.from({ length: 8 }, (_, i) => (
              <span key={i} className="skeleton" style={{ height: "1.9rem" }} />
            ))}
          </div>
        ) : table.isError && alerts.length === 0 ? (
          <LoadError what="the alerts" error={table.error} onRetry={() => void table.refetch()} retrying={table.isFetching} />
        ) : alerts.length === 0 ? (
          <div className="empty-state" data-testid="anomalies-empty">
            <strong>No alerts match these filters.</strong>
            <span>
              {Object.keys(filter).length ? (
                <>
                  Widen the time range or{" "}
                  <button type="button" className="link-button" onClick={() => setFilter({})}>
                    clear the filters
                  </button>
                  .
                </>
              ) : (
                "The worker raises alerts when telemetry looks abnormal; with the demo simulator the first arrives within about two minutes of start."
              )}
            </span>
          </div>
        ) : (
          <>
            <div className="table-wrap">
              <table className="alert-table anomalies-table" aria-describedby="triage-keys">
                <thead>
                  <tr>
                    <th scope="col">
                      <input type="checkbox" className="checkbox" aria-label="Select all loaded alerts" checked={allSelected} onChange={toggleAll} />
                    </th>
                    <th scope="col">Raised</th>
                    <th scope="col">Severity</th>
                    <th scope="col">Type</th>
                    <th scope="col">Device</th>
                    <th scope="col">Explanation</th>
                    <th scope="col">Status</th>
                    <th scope="col">Feedback</th>
                  </tr>
                </thead>
                <tbody>
                  {alerts.map((alert, index) => (
                    <AnomalyRow
                      key={alert.id}
                      alert={alert}
                      active={index === cursor}
                      selected={selected.has(alert.id)}
                      onSelect={() => toggleOne(alert.id)}
                      onFocus={() => setRowCursor({ alertId: alert.id, index })}
                      rowRef={(el) => {
                        if (el) rowRefs.current.set(alert.id, el);
                        else rowRefs.current.delete(alert.id);
                      }}
                    />
                  ))}
                </tbody>
              </table>
            </div>
            <div className="panel-body toolbar">
              <span className="faint" data-testid="anomalies-count">
                {alerts.length} {alerts.length === 1 ? "alert" : "alerts"} shown
              </span>
              {table.hasNextPage ? (
                <button type="button" className="button button-small" onClick={() => void table.fetchNextPage()} disabled={table.isFetchingNextPage}>
                  {table.isFetchingNextPage ? "Loading…" : `Load ${TABLE_PAGE_SIZE} more`}
                </button>
              ) : (
                <span className="faint">End of list</span>
              )}
            </div>
          </>
        )}
        <p id="triage-keys" className="panel-body faint keyboard-help">
          Keyboard: <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> opens · <kbd>t</kbd> true positive · <kbd>f</kbd> false positive · <kbd>a</kbd>{" "}
          acknowledge · <kbd>x</kbd> select. <Link href="/maintenance">Expected work?</Link> Schedule a maintenance window.
        </p>
      </section>
    </div>
  );
}
