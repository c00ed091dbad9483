"use client";
// Claude's advisory analysis of the alert (lib/ai), or the reason there is none; analysts can agree or
// disagree with it and ask for a fresh one. It never replaces "What happened", which stays deterministic.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AlertAnalysisResponse } from "@/lib/ai/triage-service";
import type { AlertView } from "@/lib/alerts/alert-view";
import { can } from "@/lib/auth/roles";
import { fetchJson } from "@/components/api/fetch-json";
import { useCurrentUser } from "@/components/current-user";
import { asSentence } from "@/components/ui/as-sentence";
import { humanize } from "@/components/ui/humanize";

const key = (id: number) => ["alert-ai-analysis", id] as const;
const percent = (x: number) => `${Math.round(x * 100)}%`;

export function AiAnalysisPanel({ alert }: { alert: AlertView }) {
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const url = `/api/alerts/${alert.id}/analysis`;
  const query = useQuery({
    queryKey: key(alert.id),
    queryFn: () => fetchJson<AlertAnalysisResponse>(url),
    // the worker analyses in the background: look again while one is queued or in flight
    refetchInterval: (q) => {
      const d = q.state.data;
      const busy = d && (d.analysis?.status === "pending" || d.latestAttempt?.status === "pending" || (!d.analysis && d.reason === "queued for analysis"));
      return busy ? 5_000 : false;
    },
  });
  const onSuccess = (data: AlertAnalysisResponse) => queryClient.setQueryData(key(alert.id), data);
  const request = useMutation({ mutationFn: () => fetchJson<AlertAnalysisResponse>(url, { method: "POST", json: {} }), onSuccess });
  const verdict = useMutation({
    mutationFn: (agree: boolean) => fetchJson<AlertAnalysisResponse>(`${url}/verdict`, { method: "POST", json: { agree } }),
    onSuccess,
  });
  const data = query.data;
  const row = data?.analysis ?? null;
  const a = row?.status === "ok" ? row.analysis : null;

  return (
    <section className="panel panel-body stack" aria-labelledby="ai-analysis-heading" data-testid="ai-analysis">
      <h2 id="ai-analysis-heading">AI analysis</h2>
      {query.isPending ? <span className="skeleton" /> : null}
      {query.isError ? <p className="form-error" role="alert">Could not load the AI analysis: {asSentence(query.error.message)}</p> : null}
      {data && !a ? (
        <p className="muted" data-testid="ai-analysis-reason" data-status={row?.status ?? "none"}>
          {row?.status === "pending" ? "Claude is analysing this alert…" : asSentence(data.reason ?? "No AI analysis yet.")} The explanation above stays as the detector gave it.
        </p>
      ) : null}
      {a && row ? (
        <div className="stack" data-testid="ai-analysis-body">
          <p>
            <strong>{humanize(a.verdict)}</strong> <span className="muted">({percent(a.confidence)} confidence)</span>
          </p>
          <p>{a.summary}</p>
          <p className="muted">{a.whyItMatters}</p>
          <h3>Likely causes</h3>
          <ul>
            {[...a.likelyCauses].sort((x, y) => y.likelihood - x.likelihood).map((c, i) => (
              <li key={i}>
                <strong>{percent(c.likelihood)}</strong> {humanize(c.kind)}: {c.description}
                {c.evidence ? <span className="faint"> ({c.evidence})</span> : null}
              </li>
            ))}
          </ul>
          {a.investigationCommands.length > 0 ? (
            <>
              <h3>Investigate</h3>
              <ul>
                {a.investigationCommands.map((c, i) => (
                  <li key={i}>
                    <span className="faint">{c.vendor}:</span> <code>{c.command}</code> {c.purpose ? <span className="muted">{c.purpose}</span> : null}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h3>Recommended</h3>
          <ol>
            {a.recommendedActions.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ol>
          <p className="faint" data-testid="ai-analysis-cost">
            {row.model} · {row.inputTokens + row.cacheReadTokens + row.cacheWriteTokens} tokens in, {row.outputTokens} out · ${row.costUsd.toFixed(4)}
            {row.reason ? ` · ${row.reason}` : ""}
          </p>
          {data?.latestAttempt ? (
            <p className="faint" data-testid="ai-analysis-latest-attempt">
              {data.latestAttempt.status === "pending" ? "A newer analysis is in progress." : `A newer attempt did not produce an analysis: ${asSentence(data.latestAttempt.reason ?? humanize(data.latestAttempt.status))}`}
            </p>
          ) : null}
          <div className="feedback-buttons" role="group" aria-label="Do you agree with the AI analysis?">
            {([true, false] as const).map((agree) => (
              <button
                key={String(agree)}
                type="button"
                className="button"
                aria-pressed={row.verdicts.mine === (agree ? "agree" : "disagree")}
                disabled={!can(user.role, "alerts:feedback") || verdict.isPending}
                onClick={() => verdict.mutate(agree)}
              >
                {agree ? "Agree" : "Disagree"}
              </button>
            ))}
          </div>
          <p className="faint" data-testid="ai-analysis-verdicts">
            {row.verdicts.agree} agree · {row.verdicts.disagree} disagree
          </p>
        </div>
      ) : null}
      {can(user.role, "alerts:triage") && data?.enabled ? (
        <p>
          <button type="button" className="button" disabled={request.isPending} onClick={() => request.mutate()}>
            {request.isPending ? "Analysing…" : a ? "Analyse again" : "Analyse now"}
          </button>
        </p>
      ) : null}
      {request.isError || verdict.isError ? (
        <p className="form-error" role="alert">
          {asSentence((request.error ?? verdict.error)?.message ?? "Request failed")}
        </p>
      ) : null}
    </section>
  );
}
