// The collector contract: each long-running telemetry source (NetFlow, syslog, SNMP, Prometheus) is
// defined once with its config schema and a start function, registered in registry.ts, and
// started/stopped by the worker. A collector must never throw out of its socket handlers: bad input
// is counted and dropped.
import type { z } from "zod";
import type { Logger } from "@/lib/log";
import type { SkewedExporter } from "@/lib/telemetry/netflow/clock-skew";
import type { TelemetrySink } from "./telemetry-sink";

export interface CollectorContext<Config> {
  config: Config;
  sink: TelemetrySink;
  log: Logger;
  /** Injectable time (epoch ms) for template expiry, rate math and poll scheduling. */
  now: () => number;
}

export interface RunningCollector {
  /** Where it listens, once listening (port 0 in config means "any free port"). */
  ports?: { udp?: number; tcp?: number };
  /** Extra fields for the worker's heartbeat (the Overview's ingest panel), e.g. exporters with skewed clocks. */
  report?(): { clockSkew?: SkewedExporter[] };
  stop(): Promise<void>;
}

export interface CollectorDefinition<Config> {
  /** Its key in the registry (workers/collectors/registry.ts), which is what COLLECTORS names. */
  readonly name: string;
  readonly configSchema: z.ZodType<Config>;
  start(ctx: CollectorContext<Config>): Promise<RunningCollector>;
}

export function defineCollector<Config>(definition: CollectorDefinition<Config>): CollectorDefinition<Config> {
  return definition;
}
