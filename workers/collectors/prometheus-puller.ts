// Pulls configured PromQL queries from a Prometheus server's HTTP API on an interval and hands the
// points to the sink as device metrics, each real sample once (lib/telemetry/prometheus/series-samples.ts):
// - a plain series selector (`probe_duration_seconds{job="blackbox"}`) is asked for as a range vector
//   through the instant `/api/v1/query` (`selector[Ns]` at the pull's time): the series' raw samples at
//   their own scrape timestamps, one per scrape whatever the scrape interval. With `counter` the
//   per-second rate between successive samples is delivered instead (counter resets give no rate);
// - any other expression is evaluated by `/api/v1/query_range` every `stepSec` seconds. Prometheus fills
//   each step with the latest sample up to 5 minutes back, so `stepSec` should be at most, and for series
//   read as they are ideally equal to, the scrape interval (or give the selector itself).
// Each query's pull covers the time since its previous successful one (a missed pull is caught up),
// but never more than `maxCatchUpMinutes`: after a long outage the oldest part is given up (counted as
// catch_up_skipped), since asking for days of data at once is refused by Prometheus (11,000 points per
// series) or too slow to answer, and would keep every later pull failing. Raw pulls reach a little
// further back for scrapes that were in flight, and a per-series cursor keeps any sample from being
// delivered twice. Points whose device is an address outside `allowedSources` (COLLECTOR_ALLOWED_SOURCES)
// are dropped as source_not_allowed.
import net from "node:net";
import { z } from "zod";
import { createSourceFilter } from "@/lib/telemetry/cidr";
import { prometheusQuerySchema } from "@/lib/telemetry/collector-config";
import { parseQueryRange } from "@/lib/telemetry/prometheus/parse-query-range";
import { isSeriesSelector, SeriesCursor } from "@/lib/telemetry/prometheus/series-samples";
import { defineCollector } from "./collector";
import { collectorDroppedTotal, collectorUp, prometheusPullsTotal } from "./collector-metrics";

const configSchema = z.object({
  url: z.url(),
  intervalSec: z.number().min(1).default(60),
  /** How far back the first pull reaches. */
  backfillMinutes: z.number().min(1).default(10),
  timeoutMs: z.number().min(100).default(10_000),
  /** query_range step of expression queries: at most the scrape interval of the series they read. */
  stepSec: z.number().int().min(1).default(60),
  queries: z.array(prometheusQuerySchema).min(1),
  /** The longest range one pull catches up after failures; what lies further back is skipped. */
  maxCatchUpMinutes: z.number().min(1).max(7 * 24 * 60).default(60),
  /** CIDRs of the targets accepted (by the device label's address); empty accepts all. */
  allowedSources: z.array(z.string()).default([]),
});

/** How much further back than the previous pull's time a raw pull reaches (scrapes in flight then). */
const RAW_OVERLAP_SEC = 120;
/** A series not seen for this long is forgotten (its next sample starts afresh). */
const FORGET_AFTER_SEC = 3600;

export const prometheusPuller = defineCollector({
  name: "prometheus",
  configSchema,
  async start({ config, sink, log, now }) {
    const controller = new AbortController();
    const step = config.stepSec;
    const nowSec = () => Math.floor(now() / 1000);
    const queries = config.queries.map((q) => {
      const raw = isSeriesSelector(q.query);
      // expression pulls are step-aligned, so consecutive pulls neither overlap nor gap
      const start = raw ? nowSec() : Math.floor(nowSec() / step) * step;
      return { q, raw, since: start - config.backfillMinutes * 60, pulled: false, cursor: new SeriesCursor() };
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const allowed = createSourceFilter(config.allowedSources);
    // whole steps, and fewer than Prometheus' 11,000 points per series whatever the step
    const maxCatchUpSec = Math.min(Math.floor((config.maxCatchUpMinutes * 60) / step), 10_000) * step || step;

    const pull = async () => {
      let ok = true;
      let asked = false;
      for (const s of queries) {
        const { q } = s;
        const end = s.raw ? nowSec() : Math.floor(nowSec() / step) * step;
        if (end <= s.since) continue;
        if (end - s.since > maxCatchUpSec) {
          // after a long outage: resume from a bounded window (step-aligned, as end is)
          const skippedSec = end - maxCatchUpSec - s.since;
          collectorDroppedTotal.inc({ collector: "prometheus", reason: "catch_up_skipped" });
          log.warn("prometheus pulls failed for long: skipping the oldest part of the gap", { query: q.query, skippedMinutes: Math.round(skippedSec / 60) });
          s.since = end - maxCatchUpSec;
          s.pulled = false;
        }
        asked = true;
        let url: URL;
        if (s.raw) {
          const from = s.pulled ? s.since - RAW_OVERLAP_SEC : s.since;
          url = new URL("/api/v1/query", config.url);
          url.searchParams.set("query", `${q.query.trim()}[${end - from}s]`);
          url.searchParams.set("time", String(end));
          s.cursor.forgetBefore((from - FORGET_AFTER_SEC) * 1000);
        } else {
          url = new URL("/api/v1/query_range", config.url);
          url.searchParams.set("query", q.query);
          url.searchParams.set("start", String(s.since + step));
          url.searchParams.set("end", String(end));
          url.searchParams.set("step", String(step));
        }
        try {
          const res = await fetch(url, { signal: AbortSignal.any([controller.signal, AbortSignal.timeout(config.timeoutMs)]) });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          const parsed = parseQueryRange(await res.json(), q.deviceLabel);
          const { points, resets, invalid } = s.cursor.take(parsed.points, { counter: q.counter, scale: q.scale });
          const unusable = parsed.skipped + invalid;
          if (unusable > 0) collectorDroppedTotal.inc({ collector: "prometheus", reason: "unusable_point" }, unusable);
          if (resets > 0) collectorDroppedTotal.inc({ collector: "prometheus", reason: "counter_reset" }, resets);
          let refused = 0;
          for (const p of points) {
            const isAddress = net.isIP(p.device) !== 0;
            if (isAddress && !allowed(p.device)) {
              refused++;
              continue;
            }
            const ref = isAddress ? { address: p.device } : { name: p.device };
            sink.deviceMetrics(ref, new Date(p.tsMs), { [q.metric]: p.value });
          }
          if (refused > 0) collectorDroppedTotal.inc({ collector: "prometheus", reason: "source_not_allowed" }, refused);
          s.since = end;
          s.pulled = true;
        } catch (err) {
          if (controller.signal.aborted) return;
          // the same range is asked for again next time
          ok = false;
          collectorDroppedTotal.inc({ collector: "prometheus", reason: "pull_failed" });
          log.warn("prometheus pull failed", { query: q.query, error: err instanceof Error ? err.message : String(err) });
        }
      }
      if (asked) prometheusPullsTotal.inc({ result: ok ? "ok" : "error" });
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
