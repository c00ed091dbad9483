// Runs the real NetFlow collector on 127.0.0.1 (ephemeral port) with a sink that keeps what it is
// given, a logger that records lines, and helpers to send datagrams and wait for them to land.
import dgram from "node:dgram";
import type { Logger, LogFields } from "@/lib/log";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import type { TelemetrySink } from "@/workers/collectors/telemetry-sink";
import {
  netflowConfigSchema,
  startNetflowCollector,
  type NetflowCollectorConfig,
  type RunningNetflowCollector,
} from "@/workers/collectors/netflow-collector";

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  msg: string;
  fields?: LogFields;
}

export function captureLogger(lines: LogLine[]): Logger {
  const logger: Logger = {
    debug: (msg, fields) => lines.push({ level: "debug", msg, fields }),
    info: (msg, fields) => lines.push({ level: "info", msg, fields }),
    warn: (msg, fields) => lines.push({ level: "warn", msg, fields }),
    error: (msg, fields) => lines.push({ level: "error", msg, fields }),
    child: () => logger,
  };
  return logger;
}

export interface TestCollector {
  collector: RunningNetflowCollector;
  port: number;
  flows: FlowRecord[];
  logs: LogLine[];
  /** Replace to make the sink misbehave. */
  onFlows: (records: readonly FlowRecord[]) => void;
  send(datagrams: readonly Buffer[]): Promise<void>;
  /** Resolves once `predicate` holds (polled), rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestCollector(config: Partial<NetflowCollectorConfig> = {}): Promise<TestCollector> {
  const flows: FlowRecord[] = [];
  const logs: LogLine[] = [];
  const harness = {
    onFlows: (records: readonly FlowRecord[]) => {
      for (const r of records) flows.push(r);
    },
  };
  const sink: TelemetrySink = {
    flows: (records) => harness.onFlows(records),
    syslog: () => undefined,
    deviceMetrics: () => undefined,
    deviceReachability: () => undefined,
  };
  const collector = await startNetflowCollector({
    config: netflowConfigSchema.parse({ port: 0, host: "127.0.0.1", ...config }),
    sink,
    log: captureLogger(logs),
    now: () => Date.now(),
  });
  const client = dgram.createSocket("udp4");
  const port = collector.ports.udp;
  return {
    collector,
    port,
    flows,
    logs,
    get onFlows() {
      return harness.onFlows;
    },
    set onFlows(fn) {
      harness.onFlows = fn;
    },
    send: (datagrams) =>
      Promise.all(
        datagrams.map(
          (d) => new Promise<void>((resolve, reject) => client.send(d, port, "127.0.0.1", (err) => (err ? reject(err) : resolve()))),
        ),
      ).then(() => undefined),
    async waitFor(predicate, timeoutMs = 5000, what = "condition") {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async stop() {
      client.close();
      await collector.stop();
    },
  };
}

/** A UDP port that was free a moment ago (for peers that cannot report an ephemeral one). */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
