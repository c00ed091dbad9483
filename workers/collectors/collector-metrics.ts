// The worker's Prometheus metrics (a stable interface: dashboards and alerts are built on these
// names). Collectors increment them; workers/metrics-server.ts serves them at GET /metrics.
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: "tidewatch_worker_" });

export const flowRecordsTotal = new Counter({
  name: "tidewatch_flow_records_total",
  help: "Flow records decoded, by export version (5, 9, 10 = IPFIX)",
  labelNames: ["version"] as const,
  registers: [metricsRegistry],
});

export const flowPacketsTotal = new Counter({
  name: "tidewatch_flow_datagrams_total",
  help: "Flow export datagrams received",
  labelNames: ["version"] as const,
  registers: [metricsRegistry],
});

export const flowEstimatedLostTotal = new Counter({
  name: "tidewatch_flow_estimated_lost_total",
  help: "Flow records (v5/IPFIX) or export packets (v9) estimated lost from sequence-number gaps",
  labelNames: ["version"] as const,
  registers: [metricsRegistry],
});

export const collectorDroppedTotal = new Counter({
  name: "tidewatch_collector_dropped_total",
  help: "Input dropped by a collector, by reason (truncated, bad_version, ...)",
  labelNames: ["collector", "reason"] as const,
  registers: [metricsRegistry],
});

export const syslogMessagesTotal = new Counter({
  name: "tidewatch_syslog_messages_total",
  help: "Syslog messages parsed",
  labelNames: ["transport", "format"] as const,
  registers: [metricsRegistry],
});

export const syslogNonUtf8Total = new Counter({
  name: "tidewatch_syslog_non_utf8_messages_total",
  help: "Syslog messages whose bytes were not valid UTF-8 (kept, read as Latin-1)",
  labelNames: ["transport"] as const,
  registers: [metricsRegistry],
});

export const snmpPollsTotal = new Counter({
  name: "tidewatch_snmp_polls_total",
  help: "SNMP polls by result (ok, timeout, error)",
  labelNames: ["result"] as const,
  registers: [metricsRegistry],
});

export const prometheusPullsTotal = new Counter({
  name: "tidewatch_prometheus_pulls_total",
  help: "Prometheus pulls (query or query_range) by result",
  labelNames: ["result"] as const,
  registers: [metricsRegistry],
});

export const ingestLagSeconds = new Gauge({
  name: "tidewatch_ingest_lag_seconds",
  help: "Age of the newest telemetry minute handed to the detectors",
  registers: [metricsRegistry],
});

export const collectorUp = new Gauge({
  name: "tidewatch_collector_up",
  help: "1 when the collector is running",
  labelNames: ["collector"] as const,
  registers: [metricsRegistry],
});

export const inventoryRefusedTotal = new Counter({
  name: "tidewatch_inventory_refused_total",
  help: "Device names or new devices refused (invalid_hostname, untrusted_hostname, discovery_cap)",
  labelNames: ["reason"] as const,
  registers: [metricsRegistry],
});

export const flowBudgetEvictionsTotal = new Counter({
  name: "tidewatch_flow_budget_evictions_total",
  help: "Flow state evicted or refused because a global budget was full (budget: rollup_buckets, templates, pending_sets, exporters, domains, sequence_streams)",
  labelNames: ["budget"] as const,
  registers: [metricsRegistry],
});

export const flowStateSize = new Gauge({
  name: "tidewatch_flow_state_size",
  help: "Size of the flow collector's bounded state (structure: rollup_buckets, templates, domains, pending_sets, pending_bytes, exporters, sequence_streams)",
  labelNames: ["structure"] as const,
  registers: [metricsRegistry],
});

export const flowExporterClockSkewSeconds = new Gauge({
  name: "tidewatch_flow_exporter_clock_skew_seconds",
  help: "Exporters whose flow times fell outside the accepted window recently: how far (s, negative = in the past) the last such record was from its arrival; at most 20 exporters listed",
  labelNames: ["exporter"] as const,
  registers: [metricsRegistry],
});

export const busConsumerRepullsTotal = new Counter({
  name: "tidewatch_bus_consumer_repulls_total",
  help: "Distributed mode: a partition's consumer found stalled (messages pending, no pull waiting, nothing read for 3 s) and pulled afresh",
  labelNames: ["partition"] as const,
  registers: [metricsRegistry],
});
