// The Prometheus puller against an HTTP server answering the real query_range / query API shapes.
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../lib/log";
import type { MetricName } from "../../../lib/telemetry/metrics";
import type { RunningCollector } from "../../../workers/collectors/collector";
import { prometheusPuller } from "../../../workers/collectors/prometheus-puller";
import type { DeviceRef, TelemetrySink } from "../../../workers/collectors/telemetry-sink";

const NOW = Date.parse("2026-11-17T14:10:30Z");
const servers: http.Server[] = [];
let running: RunningCollector | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

function fakePrometheus(handler: (url: URL) => { status: number; body: unknown }) {
  const requests: URL[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push(url);
    const { status, body } = handler(url);
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  servers.push(server);
  return new Promise<{ url: string; requests: URL[] }>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests })),
  );
}

function recordingSink() {
  const metrics: { ref: DeviceRef; ts: number; values: Partial<Record<MetricName, number>> }[] = [];
  const sink: TelemetrySink = {
    flows: () => undefined,
    syslog: () => undefined,
    deviceMetrics: (ref, ts, values) => metrics.push({ ref, ts: ts.getTime(), values }),
    deviceReachability: () => undefined,
  };
  return { sink, metrics };
}

/** Starts the puller on `config` (through its schema) with a recording sink; the metrics it delivers. */
async function startPuller(config: Record<string, unknown>, now: () => number = () => NOW) {
  const { sink, metrics } = recordingSink();
  running = await prometheusPuller.start({
    config: prometheusPuller.configSchema.parse(config),
    sink,
    log: createLogger("test", { level: "error" }),
    now,
  });
  return metrics;
}

/** The i-th scrape of a series first scraped at `firstMs`: every 5 minutes, with a few seconds of jitter. */
const scrapeAt = (firstMs: number, i: number) => firstMs + i * 300_000 + ((i * 7) % 4) * 1000;

const matrix = (series: { metric: Record<string, string>; values: [number, string][] }[]) => ({
  status: "success",
  data: { resultType: "matrix", result: series },
});

describe("prometheus puller", () => {
  it("maps query_range series to device metrics by the instance label", async () => {
    const prom = await fakePrometheus((url) => {
      const start = Number(url.searchParams.get("start"));
      return {
        status: 200,
        body: matrix([
          { metric: { instance: "10.0.0.5:9100", job: "node" }, values: [[start, "42.5"], [start + 60, "47.5"]] },
          { metric: { instance: "db-dc1-1:9100" }, values: [[start, "NaN"]] },
          { metric: { job: "no-instance" }, values: [[start, "1"]] },
        ]),
      };
    });
    const metrics = await startPuller({ url: prom.url, queries: [{ query: "avg by (instance) (cpu_busy_pct)", metric: "cpuPct" }], backfillMinutes: 5 });
    await expect.poll(() => metrics.length).toBe(2);
    expect(metrics[0]).toMatchObject({ ref: { address: "10.0.0.5" }, values: { cpuPct: 42.5 } });
    expect(metrics[1]!.ts - metrics[0]!.ts).toBe(60_000);
    const q = prom.requests[0]!;
    expect(q.pathname).toBe("/api/v1/query_range");
    expect(q.searchParams.get("query")).toBe("avg by (instance) (cpu_busy_pct)");
    expect(q.searchParams.get("step")).toBe("60");
    expect(Number(q.searchParams.get("end")) - Number(q.searchParams.get("start"))).toBe(4 * 60);
  });

  it("survives errors and garbage from the server and keeps pulling", async () => {
    let calls = 0;
    const prom = await fakePrometheus(() => {
      calls += 1;
      return calls === 1 ? { status: 500, body: { status: "error" } } : { status: 200, body: { nonsense: true } };
    });
    const metrics = await startPuller({ url: prom.url, intervalSec: 1, queries: [{ query: "up", metric: "cpuPct" }] });
    await expect.poll(() => calls, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    expect(metrics).toEqual([]);
  });
});

/**
 * A Prometheus holding series scraped every 5 minutes (a few seconds of jitter), answering as the real
 * one does: an instant query of `selector[Ns]` with the raw samples in (time − N, time]; a query_range
 * with, at every step, the latest sample up to 5 minutes back (the lookback fill). Expressions are read
 * as the series they select.
 */
function scrapedPrometheus(series: { labels: Record<string, string>; firstScrapeMs: number; values: number[] }[]) {
  const LOOKBACK_MS = 5 * 60_000;
  const samples = series.map((s) => ({
    labels: s.labels,
    points: s.values.map((v, i) => ({ tsMs: scrapeAt(s.firstScrapeMs, i), value: v })),
  }));
  return fakePrometheus((url) => {
    if (url.pathname === "/api/v1/query") {
      const m = /\[(\d+)s\]$/.exec(url.searchParams.get("query") ?? "");
      if (!m) return { status: 400, body: { status: "error", error: "expected a range vector" } };
      const time = Number(url.searchParams.get("time")) * 1000;
      const from = time - Number(m[1]) * 1000;
      return {
        status: 200,
        body: matrix(
          samples
            .map((s) => ({ metric: s.labels, values: s.points.filter((p) => p.tsMs > from && p.tsMs <= time).map((p): [number, string] => [p.tsMs / 1000, String(p.value)]) }))
            .filter((s) => s.values.length > 0),
        ),
      };
    }
    const [start, end, step] = ["start", "end", "step"].map((k) => Number(url.searchParams.get(k)) * 1000) as [number, number, number];
    return {
      status: 200,
      body: matrix(
        samples.map((s) => {
          const values: [number, string][] = [];
          for (let t = start; t <= end; t += step) {
            const latest = s.points.filter((p) => p.tsMs <= t && p.tsMs > t - LOOKBACK_MS).at(-1);
            if (latest) values.push([t / 1000, String(latest.value)]);
          }
          return { metric: s.labels, values };
        }),
      ),
    };
  });
}

describe("prometheus puller: a series scraped every 5 minutes", () => {
  // scrapes at 13:40:17, 13:45:17, … (plus jitter); NOW is 14:10:30
  const FIRST_SCRAPE = Date.parse("2026-11-17T13:40:17Z");
  const scrapeTimes = (n: number) => Array.from({ length: n }, (_, i) => scrapeAt(FIRST_SCRAPE, i));

  it("a plain selector arrives once per real scrape, at the scrape's own time, across overlapping pulls", async () => {
    const prom = await scrapedPrometheus([{ labels: { __name__: "cpu_busy_pct", instance: "10.0.0.5:9100" }, firstScrapeMs: FIRST_SCRAPE, values: [10, 11, 12, 13, 14, 15, 16, 17] }]);
    let nowMs = NOW;
    const metrics = await startPuller({ url: prom.url, intervalSec: 1, backfillMinutes: 30, queries: [{ query: "cpu_busy_pct", metric: "cpuPct" }] }, () => nowMs);
    // (13:40:30, 14:10:30]: the scrapes from 13:45 to 14:10, six of them
    await expect.poll(() => metrics.length).toBe(6);
    expect(metrics.map((m) => m.ts)).toEqual(scrapeTimes(7).slice(1));
    expect(metrics.map((m) => m.values.cpuPct)).toEqual([11, 12, 13, 14, 15, 16]);
    const first = prom.requests[0]!;
    expect(first.pathname).toBe("/api/v1/query");
    expect(first.searchParams.get("query")).toBe("cpu_busy_pct[1800s]");
    expect(first.searchParams.get("time")).toBe(String(NOW / 1000));

    // five minutes on: the next pull reaches back over the last scrape again, which is not delivered twice
    nowMs = NOW + 5 * 60_000;
    await expect.poll(() => metrics.length, { timeout: 5_000 }).toBe(7);
    expect(metrics[6]).toMatchObject({ ts: scrapeTimes(8)[7], values: { cpuPct: 17 } });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(metrics).toHaveLength(7);
    expect(new Set(metrics.map((m) => m.ts)).size).toBe(7);
  });

  it("an expression at a 5-minute step gives one point per scrape, not five copies", async () => {
    const prom = await scrapedPrometheus([{ labels: { instance: "10.0.0.5:9100" }, firstScrapeMs: FIRST_SCRAPE, values: [10, 11, 12, 13, 14, 15, 16, 17] }]);
    const metrics = await startPuller({ url: prom.url, backfillMinutes: 30, stepSec: 300, queries: [{ query: "avg by (instance) (cpu_busy_pct)", metric: "cpuPct" }] });
    // steps 13:45 … 14:10, each holding the scrape before it
    await expect.poll(() => metrics.length).toBe(6);
    expect(metrics.map((m) => m.values.cpuPct)).toEqual([10, 11, 12, 13, 14, 15]);
    expect(prom.requests[0]!.pathname).toBe("/api/v1/query_range");
    expect(prom.requests[0]!.searchParams.get("step")).toBe("300");
  });

  it("a counter becomes one per-second rate per scrape interval; a reset gives no rate, never a negative or huge one", async () => {
    // 3000 bytes per 5 minutes = 10 B/s; the exporter restarts before the fifth scrape
    const values = [0, 3000, 6000, 9000, 100, 3100, 6100];
    const prom = await scrapedPrometheus([
      { labels: { __name__: "ifHCInOctets", instance: "10.0.0.5:9116", ifName: "eth0" }, firstScrapeMs: FIRST_SCRAPE + 300_000, values },
    ]);
    const metrics = await startPuller(
      { url: prom.url, backfillMinutes: 50, queries: [{ query: 'ifHCInOctets{ifName="eth0"}', metric: "bandwidthInBps", counter: true, scale: 8 }] },
      () => NOW + 20 * 60_000,
    );
    // seven scrapes: six intervals, one of them across the reset
    await expect.poll(() => metrics.length).toBe(5);
    const times = Array.from({ length: 7 }, (_, i) => scrapeAt(FIRST_SCRAPE + 300_000, i));
    expect(metrics.map((m) => m.ts)).toEqual([times[1], times[2], times[3], times[5], times[6]]);
    for (const [i, m] of metrics.entries()) {
      const k = [1, 2, 3, 5, 6][i]!;
      expect(m.values.bandwidthInBps).toBeCloseTo((8 * 3000) / ((times[k]! - times[k - 1]!) / 1000));
    }
    expect(metrics.every((m) => m.values.bandwidthInBps! > 0 && m.values.bandwidthInBps! < 100)).toBe(true);
  });

  it("counter is refused for an expression (take rate() there)", () => {
    const parsed = prometheusPuller.configSchema.safeParse({
      url: "http://prometheus:9090",
      queries: [{ query: "sum by (instance) (ifHCInOctets)", metric: "bandwidthInBps", counter: true }],
    });
    expect(parsed.success).toBe(false);
  });
});

describe("prometheus puller after a long outage", () => {
  it("resumes within a bounded window instead of asking for the whole gap, which Prometheus refuses", { timeout: 20_000 }, async () => {
    // Prometheus is down for twelve days of the puller's clock (three days pass per failed pull); like the
    // real one, it refuses a query_range of more than 11,000 points per series, and a raw range vector is
    // answered from its samples in (time − N, time].
    let nowMs = NOW;
    let failures = 0;
    const prom = await fakePrometheus((url) => {
      if (failures < 4) {
        failures++;
        nowMs += 3 * 86_400_000;
        return { status: 503, body: { status: "error", error: "service unavailable" } };
      }
      const time = Number(url.searchParams.get("time") ?? url.searchParams.get("end"));
      if (url.pathname === "/api/v1/query") {
        return { status: 200, body: matrix([{ metric: { instance: "10.0.0.9:9115" }, values: [[time - 30, "0.25"]] }]) };
      }
      const [start, end, step] = ["start", "end", "step"].map((k) => Number(url.searchParams.get(k))) as [number, number, number];
      if ((end - start) / step + 1 > 11_000) {
        return { status: 400, body: { status: "error", errorType: "bad_data", error: "exceeded maximum resolution of 11,000 points per timeseries" } };
      }
      const values: [number, string][] = [];
      for (let t = start; t <= end; t += step) values.push([t, "42"]);
      return { status: 200, body: matrix([{ metric: { instance: "10.0.0.5:9100" }, values }]) };
    });
    const metrics = await startPuller(
      {
        url: prom.url,
        intervalSec: 1,
        backfillMinutes: 5,
        queries: [
          { query: "avg by (instance) (cpu_busy_pct)", metric: "cpuPct" },
          { query: "probe_duration_seconds", metric: "latencyMs", scale: 1000 },
        ],
      },
      () => nowMs,
    );
    // recovered: the last hour of the expression (60 steps) and the probe's newest sample arrive
    await expect.poll(() => metrics.filter((m) => m.values.cpuPct === 42).length, { timeout: 10_000 }).toBe(60);
    await expect.poll(() => metrics.filter((m) => m.values.latencyMs === 250).length, { timeout: 5_000 }).toBe(1);
    const cpu = metrics.filter((m) => m.values.cpuPct !== undefined);
    expect(Math.min(...cpu.map((m) => m.ts))).toBe(Math.floor(nowMs / 60_000) * 60_000 - 59 * 60_000);
    const recovered = prom.requests.slice(4);
    const range = recovered.find((u) => u.pathname === "/api/v1/query_range")!;
    expect(Number(range.searchParams.get("end")) - Number(range.searchParams.get("start"))).toBe(59 * 60);
    const raw = recovered.find((u) => u.pathname === "/api/v1/query")!;
    expect(raw.searchParams.get("query")).toBe("probe_duration_seconds[3600s]");
  });

  it("maxCatchUpMinutes sets the window", () => {
    const parsed = prometheusPuller.configSchema.parse({ url: "http://prometheus:9090", queries: [{ query: "up", metric: "cpuPct" }], maxCatchUpMinutes: 180 });
    expect(parsed.maxCatchUpMinutes).toBe(180);
    expect(prometheusPuller.configSchema.safeParse({ url: "http://prometheus:9090", queries: [{ query: "up", metric: "cpuPct" }], maxCatchUpMinutes: 0 }).success).toBe(false);
  });
});

describe("prometheus puller with allowed sources", () => {
  it("drops points of targets outside the allowed CIDRs; named targets and allowed addresses pass", async () => {
    const prom = await fakePrometheus((url) => {
      const start = Number(url.searchParams.get("start"));
      return {
        status: 200,
        body: matrix([
          { metric: { instance: "10.0.0.5:9100" }, values: [[start, "1"]] },
          { metric: { instance: "203.0.113.7:9100" }, values: [[start, "2"]] },
          { metric: { instance: "db-dc1-1:9100" }, values: [[start, "3"]] },
        ]),
      };
    });
    const metrics = await startPuller({ url: prom.url, backfillMinutes: 2, allowedSources: ["10.0.0.0/8"], queries: [{ query: "avg by (instance) (x)", metric: "cpuPct" }] });
    await expect.poll(() => metrics.length).toBe(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(metrics.map((m) => m.ref)).toEqual([{ address: "10.0.0.5" }, { name: "db-dc1-1" }]);
  });
});
