"use client";
// Retrained baseline buckets the growth cap held back (a bucket whose median or p95 grew more than 20%
// could be an attacker teaching the baseline): each proposal next to the bucket in use, with approve
// (the proposal becomes the baseline) and reject (it is dropped) for admins. Decisions are audited.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { PendingBaseline } from "@/lib/db/baseline-queries";
import { describeHourOfWeek } from "@/lib/detect/baseline/hour-of-week";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { isMetricName } from "@/lib/telemetry/metrics";
import { fetchJson } from "@/components/api/fetch-json";
import { asSentence } from "@/components/ui/as-sentence";
import { LoadError } from "@/components/ui/load-error";

type PendingJson = Omit<PendingBaseline, "trainedAt"> & { trainedAt: string };
const PENDING_KEY = ["baselines", "pending"] as const;

function value(metric: string, v: number | undefined): string {
  if (v === undefined) return "—";
  return isMetricName(metric) ? formatMetricValue(metric, v) : String(Number(v.toPrecision(3)));
}

export function HeldBaselines({ canManage, deviceNames }: { canManage: boolean; deviceNames: Map<number, string> }) {
  const queryClient = useQueryClient();
  const pending = useQuery({
    queryKey: PENDING_KEY,
    queryFn: ({ signal }) => fetchJson<{ pending: PendingJson[] }>("/api/baselines/pending", { signal }).then((r) => r.pending),
  });
  const decide = useMutation({
    mutationFn: ({ id, decision }: { id: number; decision: "approve" | "reject" }) =>
      fetchJson(`/api/baselines/pending/${id}`, { method: "POST", json: { decision } }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: PENDING_KEY }),
  });

  return (
    <section className="panel" aria-labelledby="held-heading">
      <div className="panel-header">
        <h2 id="held-heading">Held baselines</h2>
        {pending.data ? <span className="faint">{pending.data.length === 1 ? "1 bucket" : `${pending.data.length} buckets`}</span> : null}
      </div>
      {pending.isPending ? (
        <div className="panel-body" aria-busy="true">
          <span className="skeleton" style={{ height: "1.6rem" }} />
        </div>
      ) : pending.isError ? (
        <LoadError what="the held baselines" error={pending.error} onRetry={() => void pending.refetch()} retrying={pending.isFetching} />
      ) : pending.data.length === 0 ? (
        <div className="empty-state" data-testid="held-baselines-empty">
          <strong>No baseline changes are waiting.</strong>
          <span>When a retrain would raise an hour&apos;s normal by more than 20%, the old bucket stays in use and the proposal waits here.</span>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="alert-table" data-testid="held-baselines">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Metric, hour</th>
                <th scope="col">In use (median / p95)</th>
                <th scope="col">Proposed (median / p95)</th>
                <th scope="col">Growth</th>
                <th scope="col">
                  <span className="visually-hidden">Decision</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {pending.data.map((p) => (
                <tr key={p.id}>
                  <td>{deviceNames.get(p.deviceId) ?? `#${p.deviceId}`}</td>
                  <td>
                    {p.proposed.metric}
                    <div className="faint">{describeHourOfWeek(p.proposed.hourOfWeek)}</div>
                  </td>
                  <td className="cell-number">{p.current ? `${value(p.proposed.metric, p.current.median)} / ${value(p.proposed.metric, p.current.p95)}` : "—"}</td>
                  <td className="cell-number">{`${value(p.proposed.metric, p.proposed.median)} / ${value(p.proposed.metric, p.proposed.p95)}`}</td>
                  <td className="cell-number">{p.growth === null ? "—" : `+${Math.round(p.growth * 100)}%`}</td>
                  <td>
                    <div className="triage-actions">
                      <button type="button" className="button button-small" disabled={!canManage || decide.isPending} onClick={() => decide.mutate({ id: p.id, decision: "approve" })}>
                        Approve
                      </button>
                      <button type="button" className="button button-small" disabled={!canManage || decide.isPending} onClick={() => decide.mutate({ id: p.id, decision: "reject" })}>
                        Reject
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {decide.isError ? (
        <p className="form-error panel-body" role="alert">
          Could not record the decision: {asSentence(decide.error.message)}
        </p>
      ) : null}
    </section>
  );
}
