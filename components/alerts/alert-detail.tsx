"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { can } from "@/lib/auth/roles";
import { ApiError } from "@/components/api/api-error";
import { useCurrentUser } from "@/components/current-user";
import { asSentence } from "@/components/ui/as-sentence";
import { ownsKeys } from "@/components/ui/hotkey-target";
import { SubjectDeliveries } from "@/components/integrations/subject-deliveries";
import { MitigationsPanel } from "@/components/mitigations/mitigations-panel";
import { AiAnalysisPanel } from "./ai-analysis-panel";
import { AlertContextChart } from "./alert-context-chart";
import { AlertDetailHeader } from "./alert-detail-header";
import { AlertEvidence } from "./alert-evidence";
import { AlertFacts } from "./alert-facts";
import { AlertFeedback } from "./alert-feedback";
import { AlertNotFound } from "./alert-not-found";
import { AlertNotes } from "./alert-notes";
import { AlertNumbers } from "./alert-numbers";
import { AlertTriagePanel } from "./alert-triage-panel";
import { ExpectedRangeChart } from "./expected-range-chart";
import { useAlert } from "./use-alert";
import { useAlertFeedback } from "./use-alert-feedback";
import { useAlertTriage } from "./use-alert-triage";

export function AlertDetail({ id }: { id: number }) {
  const { data: alert, error, isError, refetch, isFetching } = useAlert(id);
  useDetailKeys(alert);

  if (isError && !alert) {
    if (error instanceof ApiError && error.status === 404) return <AlertNotFound />;
    return (
      <div className="page">
        <div className="panel empty-state" role="alert">
          <h1>Could not load this alert</h1>
          <p>{asSentence(error.message)}</p>
          <p>
            <button type="button" className="button" onClick={() => void refetch()} disabled={isFetching}>
              Try again
            </button>
          </p>
        </div>
      </div>
    );
  }
  if (!alert) return <AlertDetailSkeleton />;

  return (
    <article className="page" data-testid="alert-detail" data-alert-id={alert.id}>
      <Link className="back-link" href="/anomalies">
        ← Anomalies
      </Link>
      <AlertDetailHeader alert={alert} />
      <div className="detail-grid">
        <div className="stack">
          <section className="panel panel-body stack" aria-labelledby="explanation-heading">
            <h2 id="explanation-heading">What happened</h2>
            <p className="explanation" data-testid="alert-explanation">
              {alert.explanation}
            </p>
          </section>
          <section className="panel panel-body stack" aria-labelledby="range-heading">
            <h2 id="range-heading">Observed against expected</h2>
            <AlertContextChart alert={alert} />
            <ExpectedRangeChart alert={alert} />
            <AlertNumbers alert={alert} />
          </section>
          <AiAnalysisPanel alert={alert} />
          <AlertEvidence alert={alert} />
          <AlertNotes alert={alert} />
        </div>
        <div className="stack">
          <AlertFeedback alert={alert} />
          <AlertTriagePanel alert={alert} />
          <MitigationsPanel alertId={alert.id} />
          <AlertFacts alert={alert} />
          <SubjectDeliveries alertId={alert.id} version={alert.updatedAt} />
        </div>
      </div>
    </article>
  );
}

/** The Anomalies table's keys on the open alert: t / f verdict, a acknowledge, Escape back. */
function useDetailKeys(alert: ReturnType<typeof useAlert>["data"]) {
  const router = useRouter();
  const user = useCurrentUser();
  const feedback = useAlertFeedback();
  const triage = useAlertTriage();
  useEffect(() => {
    if (!alert) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      if (ownsKeys(e.target)) return;
      if ((e.key === "t" || e.key === "f") && can(user.role, "alerts:feedback")) {
        feedback.mutate({ alertId: alert.id, verdict: e.key === "t" ? "true_positive" : "false_positive" });
      } else if (e.key === "a" && can(user.role, "alerts:triage") && alert.status === "open") {
        triage.mutate({ alertId: alert.id, patch: { status: "acknowledged" } });
      } else if (e.key === "Escape") {
        router.back();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [alert, feedback, router, triage, user.role]);
}

function AlertDetailSkeleton() {
  return (
    <div className="page" aria-busy="true" aria-label="Loading alert">
      <span className="skeleton" style={{ width: "6rem" }} />
      <span className="skeleton" style={{ width: "min(28rem, 80%)", height: "2rem" }} />
      <span className="skeleton" style={{ width: "min(36rem, 90%)" }} />
      <div className="detail-grid">
        <div className="panel panel-body stack">
          <span className="skeleton" />
          <span className="skeleton" style={{ width: "70%" }} />
          <span className="skeleton" style={{ height: "150px" }} />
        </div>
        <div className="panel panel-body stack">
          <span className="skeleton" style={{ width: "40%" }} />
          <span className="skeleton" style={{ height: "2.25rem" }} />
        </div>
      </div>
    </div>
  );
}
