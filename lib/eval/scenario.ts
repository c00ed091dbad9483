// Evaluation scenario files: JSON Lines, one object per line, in time order. A scenario holds the
// device inventory (config), per-device minute metrics, flow records, syslog messages, configuration
// snapshots (facts a poll reads off a device), business calendar events, maintenance windows and
// ground-truth labels. Pure: parseScenario takes the file's text.
import ipaddr from "ipaddr.js";
import { z } from "zod";
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import { parseSubnets } from "@/lib/telemetry/cidr";
import type { MetricName } from "@/lib/telemetry/metrics";
import { SYSLOG_SEVERITIES, type SyslogSeverity } from "@/lib/telemetry/syslog-message";

export const LABEL_TYPES = [
  "ddos",
  "app_ddos",
  "port_scan",
  "exfiltration",
  "slow_exfiltration",
  "link_down",
  "cpu_exhaustion",
  "degradation",
  "config_drift",
  "protocol_shift",
  "lateral_movement",
  "geo_anomaly",
  "credential_attack",
  "routing_flap",
  "unauthorized_change",
  "jitter",
  "memory_leak",
  "crypto_mining",
] as const;
export type LabelType = (typeof LABEL_TYPES)[number];

/** Scenario metric key → the product's metric name (`lib/telemetry/metrics.ts`). */
export const SCENARIO_METRIC_KEYS = {
  bandwidth_in_bps: "bandwidthInBps",
  bandwidth_out_bps: "bandwidthOutBps",
  pps: "packetsPerSec",
  flows_per_s: "flowsPerSec",
  conns_per_s: "connectionsPerSec",
  cpu_pct: "cpuPct",
  mem_pct: "memoryPct",
  latency_ms: "latencyMs",
  loss_pct: "packetLossPct",
} as const satisfies Record<string, MetricName>;
type ScenarioMetricKey = keyof typeof SCENARIO_METRIC_KEYS;
export type ScenarioMetricName = (typeof SCENARIO_METRIC_KEYS)[ScenarioMetricKey];

const KEY_OF_METRIC = Object.fromEntries(Object.entries(SCENARIO_METRIC_KEYS).map(([key, metric]) => [metric, key])) as Record<
  ScenarioMetricName,
  ScenarioMetricKey
>;

/** A metric's key in scenario files: "packetsPerSec" → "pps". */
export function scenarioMetricKey(metric: ScenarioMetricName): ScenarioMetricKey {
  return KEY_OF_METRIC[metric];
}

export interface ScenarioDevice {
  name: string;
  ip: string;
  role: string;
  site: string;
}

export interface ScenarioConfig {
  internalSubnets: string[];
  devices: ScenarioDevice[];
}

export interface ScenarioMetric {
  ts: Date;
  /** Device name. */
  device: string;
  /** Only the metrics the line reported. */
  values: Partial<Record<ScenarioMetricName, number>>;
}

export interface ScenarioFlow {
  ts: Date;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto: number;
  bytes: number;
  packets: number;
  durationS: number;
}

export interface ScenarioSyslog {
  ts: Date;
  /** Device name (resolved when the file names an IP). */
  device: string;
  severity: SyslogSeverity;
  /** The text as the device sends it, tag included ("%BGP-5-ADJCHANGE: neighbor 10.0.0.2 Down", "sshd[812]: Failed password …"). */
  message: string;
}

export interface ScenarioSnapshot {
  ts: Date;
  /** Device name (resolved when the file names an IP). */
  device: string;
  /** Only the facts the line reported; the others stay unknown (null). */
  facts: DeviceConfigFacts;
}

export interface CalendarEvent {
  start: Date;
  end: Date;
  name: string;
  expectedIncrease: number;
}

export interface MaintenanceWindow {
  start: Date;
  end: Date;
  /** Device names (IPs in the file are resolved to names). */
  devices: string[];
}

export interface Label {
  start: Date;
  end: Date;
  /** Device name (resolved when the file names an IP). */
  device: string;
  /** The device as written in the file: a name or an IP. */
  target: string;
  type: LabelType;
}

export interface Scenario {
  config: ScenarioConfig;
  metrics: ScenarioMetric[];
  flows: ScenarioFlow[];
  syslog: ScenarioSyslog[];
  snapshots: ScenarioSnapshot[];
  calendar: CalendarEvent[];
  maintenance: MaintenanceWindow[];
  labels: Label[];
  /**
   * Time span of the scenario: earliest to latest metric/flow/syslog/snapshot timestamp; when the file has no
   * telemetry, the span of its calendar, maintenance and label windows.
   */
  span: { start: Date; end: Date };
}

const MAX_REPORTED = 10;
/** Longest syslog message taken (RFC 5424 receivers must take 480 bytes and should take 2048). */
export const MAX_SYSLOG_MESSAGE = 8192;

/** Snapshot fact key in scenario files → the product's configuration fact (`DeviceConfigFacts`). */
const SNMP_VERSIONS = { "1": "v1", "2c": "v2c", "3": "v3" } as const satisfies Record<string, NonNullable<DeviceConfigFacts["snmpVersion"]>>;
const factsSchema = z
  .strictObject({
    snmp_version: z.enum(Object.keys(SNMP_VERSIONS) as [keyof typeof SNMP_VERSIONS]).optional(),
    telnet: z.boolean().optional(),
    ssh: z.boolean().optional(),
    http: z.boolean().optional(),
    ntp_synced: z.boolean().optional(),
    firmware: z.string().trim().min(1).max(128).optional(),
  })
  .refine((f) => Object.values(f).some((v) => v !== undefined), "needs at least one fact");
type FactsLine = z.output<typeof factsSchema>;

function factsOf(f: FactsLine): DeviceConfigFacts {
  return {
    snmpVersion: f.snmp_version ? SNMP_VERSIONS[f.snmp_version] : null,
    telnetEnabled: f.telnet ?? null,
    sshEnabled: f.ssh ?? null,
    httpMgmtEnabled: f.http ?? null,
    ...(f.ntp_synced !== undefined ? { ntpSynced: f.ntp_synced } : {}),
    ...(f.firmware !== undefined ? { firmware: f.firmware } : {}),
  };
}

/** The facts as a snapshot line writes them (unknown facts left out). */
export function factsLine(facts: DeviceConfigFacts): FactsLine {
  const version = Object.entries(SNMP_VERSIONS).find(([, v]) => v === facts.snmpVersion)?.[0] as keyof typeof SNMP_VERSIONS | undefined;
  return {
    ...(version ? { snmp_version: version } : {}),
    ...(facts.telnetEnabled !== null ? { telnet: facts.telnetEnabled } : {}),
    ...(facts.sshEnabled !== null ? { ssh: facts.sshEnabled } : {}),
    ...(facts.httpMgmtEnabled !== null ? { http: facts.httpMgmtEnabled } : {}),
    ...(facts.ntpSynced !== undefined ? { ntp_synced: facts.ntpSynced } : {}),
    ...(facts.firmware !== undefined ? { firmware: facts.firmware } : {}),
  };
}

const timestamp = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
/** Dotted-quad IPv4 or IPv6 (ipaddr.isValid also takes classful forms such as "10.1"). */
function isIpAddress(s: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(s) || (s.includes(":") && ipaddr.IPv6.isValid(s));
}
const ipAddress = z.string().refine(isIpAddress, "not an IP address");
const name = z.string().trim().min(1);
const port = z.number().int().min(0).max(65535);
const count = z.number().int().nonnegative();

const metricValue = z.number().finite().nonnegative().nullable().optional();
const metricsSchema = z.strictObject(
  Object.fromEntries(Object.keys(SCENARIO_METRIC_KEYS).map((k) => [k, metricValue])) as Record<
    ScenarioMetricKey,
    typeof metricValue
  >,
);

const window = { start: timestamp, end: timestamp };
const endAfterStart: [(w: { start: Date; end: Date }) => boolean, { path: string[]; message: string }] = [
  (w) => w.end.getTime() > w.start.getTime(),
  { path: ["end"], message: "must be after start" },
];

const lineSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("config"),
    internal_subnets: z.array(z.string()).superRefine((cidrs, ctx) => {
      cidrs.forEach((c, i) => {
        try {
          parseSubnets([c]);
        } catch (e) {
          ctx.addIssue({ code: "custom", path: [i], message: (e as Error).message });
        }
      });
    }),
    devices: z
      .array(z.object({ name, ip: ipAddress, role: z.string(), site: z.string() }))
      .min(1)
      .superRefine((devices, ctx) => {
        const names = new Set<string>();
        const ips = new Set<string>();
        devices.forEach((d, i) => {
          if (names.has(d.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate device "${d.name}"` });
          if (ips.has(d.ip)) ctx.addIssue({ code: "custom", path: [i, "ip"], message: `duplicate IP ${d.ip}` });
          names.add(d.name);
          ips.add(d.ip);
        });
      }),
  }),
  z.object({ kind: z.literal("metric"), ts: timestamp, device: name, metrics: metricsSchema }),
  z.object({
    kind: z.literal("flow"),
    ts: timestamp,
    src: ipAddress,
    dst: ipAddress,
    sport: port,
    dport: port,
    proto: z.number().int().min(0).max(255),
    bytes: count,
    packets: count,
    duration_s: z.number().finite().nonnegative(),
  }),
  z.object({
    kind: z.literal("syslog"),
    ts: timestamp,
    device: name,
    severity: z.enum(SYSLOG_SEVERITIES as [SyslogSeverity, ...SyslogSeverity[]]),
    message: z.string().min(1).max(MAX_SYSLOG_MESSAGE),
  }),
  z.object({ kind: z.literal("snapshot"), ts: timestamp, device: name, facts: factsSchema }),
  z
    .object({ kind: z.literal("calendar"), ...window, name, expected_increase: z.number().finite().positive() })
    .refine(...endAfterStart),
  z.object({ kind: z.literal("maintenance"), ...window, devices: z.array(name).min(1) }).refine(...endAfterStart),
  z.object({ kind: z.literal("label"), ...window, device: name, type: z.enum(LABEL_TYPES) }).refine(...endAfterStart),
]);
type Line = z.output<typeof lineSchema>;

function fieldOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(line)" : path.map(String).join(".");
}

/**
 * Parses a scenario file. Throws an Error listing up to 10 problems as `line N: field: message`
 * (blank lines are ignored; line numbers are 1-based file lines).
 */
export function parseScenario(text: string): Scenario {
  const problems: string[] = [];
  const report = (line: number, field: string, message: string) => problems.push(`line ${line}: ${field}: ${message}`);
  const lines: { no: number; value: Line }[] = [];

  text.split(/\r?\n/).forEach((raw, i) => {
    const no = i + 1;
    if (raw.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      report(no, "(json)", (e as Error).message);
      return;
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) report(no, fieldOf(issue.path), issue.message);
      return;
    }
    lines.push({ no, value: parsed.data });
  });

  const configs = lines.filter((l) => l.value.kind === "config");
  if (configs.length === 0 && problems.length === 0) report(1, "kind", 'the scenario has no "config" line');
  for (const extra of configs.slice(1)) report(extra.no, "kind", `a second "config" line (the first is line ${configs[0]?.no})`);
  const configLine = configs[0]?.value;
  const config: ScenarioConfig =
    configLine?.kind === "config"
      ? {
          internalSubnets: configLine.internal_subnets,
          devices: configLine.devices.map((d) => ({ name: d.name, ip: d.ip, role: d.role, site: d.site })),
        }
      : { internalSubnets: [], devices: [] };
  const byName = new Set(config.devices.map((d) => d.name));
  const nameByIp = new Map(config.devices.map((d) => [normalizeIp(d.ip), d.name]));
  const resolve = (device: string): string | undefined =>
    byName.has(device) ? device : isIpAddress(device) ? nameByIp.get(normalizeIp(device)) : undefined;

  const scenario: Omit<Scenario, "span"> = { config, metrics: [], flows: [], syslog: [], snapshots: [], calendar: [], maintenance: [], labels: [] };
  let lastTelemetryTs = -Infinity;
  const checkOrder = (no: number, ts: Date) => {
    if (ts.getTime() < lastTelemetryTs) report(no, "ts", `out of time order (before ${new Date(lastTelemetryTs).toISOString()})`);
    else lastTelemetryTs = ts.getTime();
  };

  for (const { no, value: v } of lines) {
    switch (v.kind) {
      case "config":
        break;
      case "metric": {
        checkOrder(no, v.ts);
        if (configLine && !byName.has(v.device)) report(no, "device", `unknown device "${v.device}"`);
        const values: Partial<Record<ScenarioMetricName, number>> = {};
        for (const [key, metric] of Object.entries(SCENARIO_METRIC_KEYS) as [ScenarioMetricKey, ScenarioMetricName][]) {
          const x = v.metrics[key];
          if (x !== undefined && x !== null) values[metric] = x;
        }
        scenario.metrics.push({ ts: v.ts, device: v.device, values });
        break;
      }
      case "flow":
        checkOrder(no, v.ts);
        scenario.flows.push({
          ts: v.ts,
          src: v.src,
          dst: v.dst,
          sport: v.sport,
          dport: v.dport,
          proto: v.proto,
          bytes: v.bytes,
          packets: v.packets,
          durationS: v.duration_s,
        });
        break;
      case "syslog":
      case "snapshot": {
        checkOrder(no, v.ts);
        const device = resolve(v.device);
        if (device === undefined) {
          if (configLine) report(no, "device", `unknown device or IP "${v.device}"`);
          break;
        }
        if (v.kind === "syslog") scenario.syslog.push({ ts: v.ts, device, severity: v.severity, message: v.message });
        else scenario.snapshots.push({ ts: v.ts, device, facts: factsOf(v.facts) });
        break;
      }
      case "calendar":
        scenario.calendar.push({ start: v.start, end: v.end, name: v.name, expectedIncrease: v.expected_increase });
        break;
      case "maintenance": {
        const devices: string[] = [];
        v.devices.forEach((d, i) => {
          const resolved = resolve(d);
          if (resolved === undefined) {
            if (configLine) report(no, `devices.${i}`, `unknown device or IP "${d}"`);
          } else devices.push(resolved);
        });
        scenario.maintenance.push({ start: v.start, end: v.end, devices });
        break;
      }
      case "label": {
        const resolved = resolve(v.device);
        if (resolved === undefined) {
          if (configLine) report(no, "device", `unknown device or IP "${v.device}"`);
          break;
        }
        scenario.labels.push({ start: v.start, end: v.end, device: resolved, target: v.device, type: v.type });
        break;
      }
    }
  }

  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_REPORTED);
    const more = problems.length - shown.length;
    throw new Error(
      `invalid scenario (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        shown.map((p) => `  ${p}`).join("\n") +
        (more > 0 ? `\n  … and ${more} more` : ""),
    );
  }
  return { ...scenario, span: spanOf(scenario) };
}

function normalizeIp(ip: string): string {
  return ipaddr.parse(ip).toNormalizedString();
}

function spanOf(s: Omit<Scenario, "span">): { start: Date; end: Date } {
  let times = [...s.metrics, ...s.flows, ...s.syslog, ...s.snapshots].map((x) => x.ts.getTime());
  if (times.length === 0) {
    times = [...s.calendar, ...s.maintenance, ...s.labels].flatMap((w) => [w.start.getTime(), w.end.getTime()]);
  }
  if (times.length === 0) return { start: new Date(0), end: new Date(0) };
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of times) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return { start: new Date(lo), end: new Date(hi) };
}
