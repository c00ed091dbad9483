// Pulls configured PromQL queries from a Prometheus server's HTTP API (query_range, one-minute
// steps) on an interval and hands the points to the sink as device metrics. Each pull covers the
// time since the previous one, so nothing is fetched twice and a missed pull is caught up.
import net from "node:net";
import { z } from "zod";
import { parseQueryRange } from "@/lib/telemetry/prometheus/parse-query-range";
import { METRICS } from "@/lib/telemetry/metrics";
import { defineCollector } from "./collector";
import { collectorDroppedTotal, collectorUp, prometheusPullsTotal } from "./collector-metrics";

const configSchema = z.object({
  url: z.url(),
  intervalSec: z.number().min(1).default(60),
  /** How far back the first pull reaches. */
  backfillMinutes: z.number().min(1).default(10),
  timeoutMs: z.number().min(100).default(10_000),
  queries: z
    .array(z.object({ query: z.string(), metric: z.enum(METRICS), deviceLabel: z.string().default("instance"), scale: z.number().default(1) }))
    .min(1),
});

const STEP_SEC = 60;

export const prometheusPuller = defineCollector({
  name: "prometheus",
  configSchema,
  async start({ config, sink, log, now }) {
    const controller = new AbortController();
    // step-aligned, so every pull asks for whole minutes and consecutive pulls neither overlap nor gap
    let since = Math.floor(now() / 1000 / STEP_SEC) * STEP_SEC - config.backfillMinutes * 60;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const pull = async () => {
      const end = Math.floor(now() / 1000 / STEP_SEC) * STEP_SEC;
      if (end <= since) return;
      let ok = true;
      for (const q of config.queries) {
        const url = new URL("/api/v1/query_range", config.url);
        url.searchParams.set("query", q.query);
        url.searchParams.set("start", String(since + STEP_SEC));
        url.searchParams.set("end", String(end));
        url.searchParams.set("step", String(STEP_SEC));
        try {
          const res = await fetch(url, { signal: AbortSignal.any([controller.signal, AbortSignal.timeout(config.timeoutMs)]) });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          const { points, skipped } = parseQueryRange(await res.json(), q.deviceLabel, q.scale);
          if (skipped > 0) collectorDroppedTotal.inc({ collector: "prometheus", reason: "unusable_point" }, skipped);
          for (const p of points) {
            const ref = net.isIP(p.device) ? { address: p.device } : { name: p.device };
            sink.deviceMetrics(ref, new Date(p.tsMs), { [q.metric]: p.value });
          }
        } catch (err) {
          if (controller.signal.aborted) return;
          ok = false;
          collectorDroppedTotal.inc({ collector: "prometheus", reason: "pull_failed" });
          log.warn("prometheus pull failed", { query: q.query, error: err instanceof Error ? err.message : String(err) });
        }
      }
      prometheusPullsTotal.inc({ result: ok ? "ok" : "error" });
      // after a failure the same range is asked for again next time
      if (ok) since = end;
    };

    const loop = async () => {
      await pull();
      if (!controller.signal.aborted) timer = setTimeout(() => void loop(), config.intervalSec * 1000);
    };
    collectorUp.set({ collector: "prometheus" }, 1);
    void loop();
    return {
      async stop() {
        controller.abort();
        clearTimeout(timer);
        collectorUp.set({ collector: "prometheus" }, 0);
      },
    };
  },
});
