// The Prometheus puller against an HTTP server answering the real query_range API shape.
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
    const { sink, metrics } = recordingSink();
    running = await prometheusPuller.start({
      config: prometheusPuller.configSchema.parse({ url: prom.url, queries: [{ query: "cpu_busy_pct", metric: "cpuPct" }], backfillMinutes: 5 }),
      sink,
      log: createLogger("test", { level: "error" }),
      now: () => NOW,
    });
    await expect.poll(() => metrics.length).toBe(2);
    expect(metrics[0]).toMatchObject({ ref: { address: "10.0.0.5" }, values: { cpuPct: 42.5 } });
    expect(metrics[1]!.ts - metrics[0]!.ts).toBe(60_000);
    const q = prom.requests[0]!;
    expect(q.pathname).toBe("/api/v1/query_range");
    expect(q.searchParams.get("query")).toBe("cpu_busy_pct");
    expect(q.searchParams.get("step")).toBe("60");
    expect(Number(q.searchParams.get("end")) - Number(q.searchParams.get("start"))).toBe(4 * 60);
  });

  it("survives errors and garbage from the server and keeps pulling", async () => {
    let calls = 0;
    const prom = await fakePrometheus(() => {
      calls += 1;
      return calls === 1 ? { status: 500, body: { status: "error" } } : { status: 200, body: { nonsense: true } };
    });
    const { sink, metrics } = recordingSink();
    running = await prometheusPuller.start({
      config: prometheusPuller.configSchema.parse({ url: prom.url, intervalSec: 1, queries: [{ query: "up", metric: "cpuPct" }] }),
      sink,
      log: createLogger("test", { level: "error" }),
      now: () => NOW,
    });
    await expect.poll(() => calls, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    expect(metrics).toEqual([]);
  });
});
