// GET /metrics: the worker's Prometheus text metrics. Bound to 127.0.0.1 unless WORKER_METRICS_HOST
// says otherwise (security by default: open it up deliberately for a remote Prometheus).
import http from "node:http";
import type { Logger } from "@/lib/log";
import { metricsRegistry } from "./collectors/collector-metrics";

export async function startMetricsServer(host: string, port: number, log: Logger): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    metricsRegistry
      .metrics()
      .then((text) => res.writeHead(200, { "content-type": metricsRegistry.contentType }).end(text))
      .catch((err) => {
        log.error("metrics rendering failed", { error: String(err) });
        res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : port,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
