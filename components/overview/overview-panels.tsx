"use client";
// The Overview's dashboard panels under the severity cards: open alerts by type, alerts per hour,
// false-positive rate and ingest health, from one GET /api/overview kept fresh by the live stream.
import { LoadError } from "@/components/ui/load-error";
import { AiSpendPanel } from "./ai-spend-panel";
import { AlertsPerHourChart } from "./alerts-per-hour-chart";
import { FalsePositivePanel } from "./false-positive-panel";
import { IngestHealthPanel } from "./ingest-health-panel";
import { OpenByTypePanel } from "./open-by-type-panel";
import { useOverview } from "./use-overview";

const PANEL_SKELETONS = [
  { key: "types", wide: false },
  { key: "hours", wide: true },
  { key: "fp", wide: false },
  { key: "ingest", wide: true },
];

export function OverviewPanels() {
  const { data, isPending, isError, error, refetch, isFetching } = useOverview();

  if (isPending) {
    return (
      <div className="overview-grid" aria-busy="true" aria-label="Loading the overview panels">
        {PANEL_SKELETONS.map((p) => (
          <div key={p.key} className={p.wide ? "panel panel-body stack overview-panel-wide" : "panel panel-body stack"}>
            <span className="skeleton" style={{ width: "40%", height: "1.2rem" }} />
            <span className="skeleton" style={{ height: "9rem" }} />
          </div>
        ))}
      </div>
    );
  }
  if (isError && !data) {
    return (
      <div className="panel">
        <LoadError what="the overview panels" error={error} onRetry={() => void refetch()} retrying={isFetching} />
      </div>
    );
  }
  return (
    <div className="overview-grid" data-testid="overview-panels">
      <OpenByTypePanel types={data.openByType} />
      <AlertsPerHourChart hours={data.alertsPerHour} />
      <FalsePositivePanel fp={data.falsePositives} />
      <IngestHealthPanel ingest={data.ingest} />
      {data.aiSpend ? <AiSpendPanel spend={data.aiSpend} /> : null}
    </div>
  );
}
