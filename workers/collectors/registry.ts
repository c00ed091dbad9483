// Every collector the worker can run, keyed by the name COLLECTORS uses. Adding a collector is one
// entry here: its definition and how its config comes from the environment and the config file
// (TIDEWATCH_CONFIG). `configFrom` returns undefined when the collector has nothing to do (no SNMP
// targets, no Prometheus queries), and the worker then leaves it off.
import { EnvError, type Env } from "@/lib/env";
import type { CollectorConfig } from "@/lib/telemetry/collector-config";
import type { CollectorDefinition } from "./collector";
import { netflowCollector, netflowLimitsFromEnv } from "./netflow-collector";
import { prometheusPuller } from "./prometheus-puller";
import { snmpPoller } from "./snmp-poller";
import { syslogCollector } from "./syslog-collector";

export interface RegisteredCollector {
  // the config is validated by the definition's own schema when it starts
  definition: CollectorDefinition<any>;
  configFrom(e: Env, file: CollectorConfig): unknown;
}

export const COLLECTOR_REGISTRY = {
  netflow: {
    definition: netflowCollector,
    configFrom: (e) => ({ port: e.NETFLOW_PORT, host: e.COLLECTOR_HOST, allowedSources: e.COLLECTOR_ALLOWED_SOURCES, ...netflowLimitsFromEnv(e) }),
  },
  syslog: {
    definition: syslogCollector,
    configFrom: (e) => ({
      port: e.SYSLOG_PORT,
      host: e.COLLECTOR_HOST,
      allowedSources: e.COLLECTOR_ALLOWED_SOURCES,
      maxConnections: e.SYSLOG_MAX_CONNECTIONS,
      maxConnectionsPerSource: e.SYSLOG_MAX_CONNECTIONS_PER_SOURCE,
    }),
  },
  snmp: {
    definition: snmpPoller,
    configFrom: (_e, file) => (file.snmp.targets.length > 0 ? { targets: file.snmp.targets } : undefined),
  },
  prometheus: {
    definition: prometheusPuller,
    configFrom: (e, file) => (file.prometheus ? { ...file.prometheus, allowedSources: e.COLLECTOR_ALLOWED_SOURCES } : undefined),
  },
} satisfies Record<string, RegisteredCollector>;

export type CollectorName = keyof typeof COLLECTOR_REGISTRY;
export const COLLECTOR_NAMES = Object.keys(COLLECTOR_REGISTRY) as CollectorName[];

/** The collectors COLLECTORS names (all when unset), in registry order; an unknown name is an EnvError naming it. */
export function enabledCollectors(names: readonly string[] | undefined): CollectorName[] {
  if (!names) return COLLECTOR_NAMES;
  const unknown = names.filter((n) => !(n in COLLECTOR_REGISTRY));
  if (unknown.length > 0) {
    throw new EnvError([`COLLECTORS: unknown collector ${unknown.map((n) => `"${n}"`).join(", ")} (known: ${COLLECTOR_NAMES.join(", ")})`]);
  }
  return COLLECTOR_NAMES.filter((n) => names.includes(n));
}
