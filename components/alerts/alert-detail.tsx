"use client";
import Link from "next/link";
import { ApiError } from "@/components/api/api-error";
import { asSentence } from "@/components/ui/as-sentence";
import { AlertDetailHeader } from "./alert-detail-header";
import { AlertFacts } from "./alert-facts";
import { AlertFeedback } from "./alert-feedback";
import { AlertNotFound } from "./alert-not-found";
import { AlertNumbers } from "./alert-numbers";
import { ExpectedRangeChart } from "./expected-range-chart";
import { useAlert } from "./use-alert";

export function AlertDetail({ id }: { id: number }) {
  const { data: alert, error, isError, refetch, isFetching } = useAlert(id);

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
      <Link className="back-link" href="/">
        ← Overview
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
            <ExpectedRangeChart alert={alert} />
            <AlertNumbers alert={alert} />
          </section>
        </div>
        <div className="stack">
          <AlertFeedback alert={alert} />
          <AlertFacts alert={alert} />
        </div>
      </div>
    </article>
  );
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
