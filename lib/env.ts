// The one place environment variables are read and validated, shared by the supervisor, the worker
// and the web app. A bad value fails fast with a message naming the variable.
import path from "node:path";
import { z } from "zod";
import { SEVERITY_LEVELS } from "./detect/severity";
import { DEFAULT_INTERNAL_SUBNETS, parseSubnets } from "./telemetry/cidr";
import { parseAllowedCountries } from "./telemetry/geo/allowed-countries";

// Treat VAR= (empty) as unset, as shells and .env files commonly produce it.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/** A comma list of CIDRs, each checked (the message names the bad one); unset is an empty list. */
const cidrList = (v: string | undefined, ctx: z.RefinementCtx): string[] => {
  const list = (v ?? "").split(",").map((c) => c.trim()).filter(Boolean);
  try {
    parseSubnets(list);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
    return z.NEVER;
  }
  return list;
};

const flag = z
  .enum(["1", "0", "true", "false", "yes", "no"])
  .transform((v) => v === "1" || v === "true" || v === "yes");

const envSchema = z.object({
  PORT: optional(z.coerce.number().int().min(1).max(65535)).transform((v) => v ?? 3000),
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL"),
  ),
  // turbopackIgnore: a runtime path, not a file for the web build to trace (it would trace the whole project)
  DATA_DIR: optional(z.string()).transform((v) => path.resolve(/*turbopackIgnore: true*/ v ?? "./.data")),
  ADMIN_EMAIL: optional(z.email()).transform((v) => v ?? "admin@tidewatch.local"),
  ADMIN_PASSWORD: optional(z.string().min(8, "must be at least 8 characters")),
  NEXTAUTH_SECRET: optional(z.string().min(16, "must be at least 16 characters")),
  NEXTAUTH_URL: optional(z.url()),
  /** The address notifications link back to (alert pages); unset takes NEXTAUTH_URL, else http://localhost:PORT. */
  PUBLIC_URL: optional(z.url()),
  /**
   * Key for notification channel secrets at rest (any string of 32+ characters, hashed to AES-256);
   * unset uses a random key generated once into DATA_DIR/secret.key.
   */
  TIDEWATCH_SECRET_KEY: optional(z.string().min(32, "must be at least 32 characters")),
  /** Serve the web app over plain http on a non-loopback public URL in production (refused otherwise). */
  ALLOW_INSECURE_HTTP: optional(flag).transform((v) => v ?? false),
  /**
   * CIDRs of reverse proxies whose X-Forwarded-For is believed for the client address (login throttling);
   * unset trusts no proxy and uses the connection's own address.
   */
  TRUST_PROXY: optional(z.string()).transform(cidrList),
  /** Failed logins in the window after which one source address (or one account) gets 429 until they age out. */
  LOGIN_MAX_FAILURES_PER_ADDRESS: optional(z.coerce.number().int().min(1).max(100_000)).transform((v) => v ?? 10),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: optional(z.coerce.number().int().min(1).max(100_000)).transform((v) => v ?? 50),
  LOGIN_FAILURE_WINDOW_MIN: optional(z.coerce.number().min(1).max(24 * 60)).transform((v) => v ?? 15),
  /** Password hashes computed at once (bcrypt costs ~350 ms of CPU each); more wait, a long queue gets 503. */
  PASSWORD_HASH_CONCURRENCY: optional(z.coerce.number().int().min(1).max(64)).transform((v) => v ?? 2),
  /** Live streams (/api/stream) one user may hold open at once; beyond it 429. */
  STREAMS_PER_USER: optional(z.coerce.number().int().min(1).max(1000)).transform((v) => v ?? 8),
  SIMULATE: optional(flag),
  /** Simulated minutes per real minute while the demo simulator catches up to the wall clock. */
  SIM_SPEED: optional(z.coerce.number().min(1).max(3600)).transform((v) => v ?? 60),
  /** How far behind the wall clock the demo simulator starts its accelerated live replay. */
  SIM_CATCHUP_MINUTES: optional(z.coerce.number().int().min(0).max(24 * 60)).transform(
    (v) => v ?? 180,
  ),
  /** Mean simulated minutes between injected demo incidents. */
  SIM_INCIDENT_GAP_MINUTES: optional(z.coerce.number().min(1)).transform((v) => v ?? 25),
  SIM_SEED: optional(z.coerce.number().int()).transform((v) => v ?? 1),
  DEMO_DEVICES: optional(z.coerce.number().int().min(1).max(10_000)).transform((v) => v ?? 20),
  /**
   * Collectors the worker runs (comma list, default all); any left out is disabled. Names are checked
   * against the worker's collector registry (workers/collectors/registry.ts) when the worker starts:
   * importing the collectors here would pull them into the web app.
   */
  COLLECTORS: optional(z.string()).transform((v) => v?.split(",").map((c) => c.trim()).filter(Boolean)),
  /** Database timeouts (pg pool and Prisma): connecting, one statement, a transaction left idle. */
  DB_CONNECT_TIMEOUT_SEC: optional(z.coerce.number().min(0.1).max(300)).transform((v) => v ?? 5),
  DB_STATEMENT_TIMEOUT_SEC: optional(z.coerce.number().min(0.1).max(86_400)).transform((v) => v ?? 30),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_SEC: optional(z.coerce.number().min(0.1).max(86_400)).transform((v) => v ?? 60),
  /** How long one flush may spend storing telemetry before it is abandoned and retried (hung database). */
  FLUSH_DEADLINE_SEC: optional(z.coerce.number().min(0.1).max(600)).transform((v) => v ?? 40),
  // Storage lifecycle (lib/db/partition-queries.ts, workers/partition-maintainer.ts): day partitions
  // past their retention are dropped hourly.
  /**
   * Days of per-minute samples, flow and syslog rollups kept (whole UTC days; dropped within a day
   * after). At least 15: baselines train on the last 14 days of minutes.
   */
  RETENTION_RAW_DAYS: optional(z.coerce.number().int().min(15).max(3650)).transform((v) => v ?? 35),
  /** Days of hourly aggregates (metric_samples_hourly) kept; month partitions go once wholly older. */
  RETENTION_HOURLY_DAYS: optional(z.coerce.number().int().min(2).max(36500)).transform((v) => v ?? 400),
  /** Days of the live event log kept for browsers resuming their stream (deleted in batches). */
  EVENT_RETENTION_DAYS: optional(z.coerce.number().min(1).max(365)).transform((v) => v ?? 7),
  /** What the supervisor (`npm start`, `tidewatch`) runs: the web app, the worker, or both (comma list). */
  TIDEWATCH_SERVICES: optional(z.string())
    .transform((v) => (v ?? "web,worker").split(",").map((c) => c.trim()).filter(Boolean))
    .pipe(z.array(z.enum(["web", "worker"])).min(1)),
  /** Longest wait between restarts of a crashing child (the wait doubles from 1 s per crash in a row). */
  RESTART_BACKOFF_MAX_SEC: optional(z.coerce.number().min(0.05).max(3600)).transform((v) => v ?? 60),
  /** Set by the supervisor for the worker it starts: restarts so far and why the last one exited. */
  TIDEWATCH_RESTARTS: optional(z.coerce.number().int().min(0)).transform((v) => v ?? 0),
  TIDEWATCH_LAST_EXIT: optional(z.string().max(200)),
  COLLECTOR_HOST: optional(z.string()).transform((v) => v ?? "0.0.0.0"),
  NETFLOW_PORT: optional(z.coerce.number().int().min(0).max(65535)).transform((v) => v ?? 2055),
  SYSLOG_PORT: optional(z.coerce.number().int().min(0).max(65535)).transform((v) => v ?? 5514),
  /** Prometheus text metrics of the worker (GET /metrics). */
  WORKER_METRICS_PORT: optional(z.coerce.number().int().min(0).max(65535)).transform((v) => v ?? 9464),
  WORKER_METRICS_HOST: optional(z.string()).transform((v) => v ?? "127.0.0.1"),
  /** Comma-separated CIDRs whose hosts count as internal (flow attribution, exfiltration direction). */
  INTERNAL_SUBNETS: optional(z.string()).transform((v) =>
    v ? v.split(",").map((c) => c.trim()).filter(Boolean) : [...DEFAULT_INTERNAL_SUBNETS],
  ),
  /**
   * Comma-separated CIDRs of the peers the collectors accept (flow exporters, syslog senders,
   * Prometheus targets); unset accepts every source (the Overview says so).
   */
  COLLECTOR_ALLOWED_SOURCES: optional(z.string()).transform(cidrList),
  /** CIDRs of syslog relays whose HOSTNAME field is trusted for other devices (otherwise only a device's own address is). */
  SYSLOG_TRUSTED_RELAYS: optional(z.string()).transform(cidrList),
  /**
   * Countries external peers may be in, for every device and per site or role
   * ("US,CA;site:paris=FR,DE;role:dmz=US"); traffic elsewhere is a geo_anomaly. Unset: no list.
   */
  GEO_ALLOWED_COUNTRIES: optional(z.string()).transform((v, ctx) => {
    try {
      return parseAllowedCountries(v);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  }),
  /** Syslog TCP connections open at once, in total and from one source address (each buffers at most one 64 KiB frame). */
  SYSLOG_MAX_CONNECTIONS: optional(z.coerce.number().int().min(1).max(100_000)).transform((v) => v ?? 4096),
  SYSLOG_MAX_CONNECTIONS_PER_SOURCE: optional(z.coerce.number().int().min(1).max(100_000)).transform((v) => v ?? 32),
  /** Syslog per-minute counts (one per minute, name and sender) held at once; more are dropped as syslog_budget. */
  SYSLOG_MAX_OPEN_BUCKETS: optional(z.coerce.number().int().min(100)).transform((v) => v ?? 50_000),
  /** Devices auto-discovery adds per hour at most; further new sources are counted and listed as seen but not added. */
  DISCOVERY_MAX_NEW_DEVICES_PER_HOUR: optional(z.coerce.number().int().min(0).max(1_000_000)).transform((v) => v ?? 1000),
  /**
   * Distributed mode: the NATS JetStream server(s) (comma list of nats:// URLs). Unset (default), one
   * worker collects and detects alone; set, `npm run collector` processes publish telemetry to it and
   * workers consume it by partition (README "Distributed mode").
   */
  TIDEWATCH_BUS: optional(z.string()).transform((v, ctx) => {
    const urls = v?.split(",").map((u) => u.trim()).filter(Boolean);
    if (!urls || urls.length === 0) return undefined;
    for (const u of urls) {
      if (!/^(nats|tls):\/\/[^\s/]+(:\d+)?\/?$/.test(u)) {
        ctx.addIssue({ code: "custom", message: `not a nats:// URL: ${u}` });
        return z.NEVER;
      }
    }
    return urls;
  }),
  /** Partitions telemetry is split into by device address (fixed for a stream's life: every process must agree). */
  BUS_PARTITIONS: optional(z.coerce.number().int().min(1).max(1024)).transform((v) => v ?? 16),
  /** A worker's partitions and the once-per-cluster jobs move to another worker this long after it stops renewing them. */
  BUS_LEASE_TTL_SEC: optional(z.coerce.number().min(1).max(600)).transform((v) => v ?? 15),
  /** Bytes the telemetry stream may hold while workers are behind; publishing beyond it fails (collectors buffer, then drop, counted). */
  BUS_STREAM_MAX_MB: optional(z.coerce.number().int().min(1)).transform((v) => v ?? 2048),
  /** How long after a minute ends telemetry for it is still accepted before it is stored and checked. */
  ROLLUP_LATENESS_SEC: optional(z.coerce.number().min(0).max(600)).transform((v) => v ?? 90),
  /** Flow records that ended more than this before they arrived are dropped (reason clock_skew). */
  FLOW_CLOCK_SKEW_PAST_SEC: optional(z.coerce.number().min(1)).transform((v) => v ?? 3600),
  /** Flow records that start or end more than this after they arrived are dropped (reason clock_skew). */
  FLOW_CLOCK_SKEW_FUTURE_SEC: optional(z.coerce.number().min(1)).transform((v) => v ?? 300),
  // Global budgets of the flow collector and rollup (defaults serve a 10,000-device network; what
  // they evict or refuse is counted in tidewatch_flow_budget_evictions_total).
  /** Open device-minutes in the flow rollup. */
  FLOW_MAX_OPEN_BUCKETS: optional(z.coerce.number().int().min(100)).transform((v) => v ?? 60_000),
  /**
   * The fast path's window for volumetric floods (per destination host, judged as each window closes;
   * 0 turns the fast path off), and how many hosts it tracks (least recently seen evicted first).
   */
  FAST_PATH_WINDOW_SEC: optional(z.coerce.number().int().min(0).max(60)).transform((v) => v ?? 5),
  FAST_PATH_MAX_HOSTS: optional(z.coerce.number().int().min(100)).transform((v) => v ?? 20_000),
  /** Flow exporters whose templates and held data are tracked. */
  FLOW_MAX_EXPORTERS: optional(z.coerce.number().int().min(1)).transform((v) => v ?? 10_000),
  /** v9/IPFIX templates across all exporters (least recently used evicted), and per exporter. */
  FLOW_MAX_TEMPLATES: optional(z.coerce.number().int().min(1)).transform((v) => v ?? 20_000),
  FLOW_MAX_TEMPLATES_PER_EXPORTER: optional(z.coerce.number().int().min(1)).transform((v) => v ?? 256),
  /** Data sets (and their bytes) held for a template not yet seen, across all exporters. */
  FLOW_MAX_PENDING_SETS: optional(z.coerce.number().int().min(0)).transform((v) => v ?? 20_000),
  FLOW_MAX_PENDING_BYTES: optional(z.coerce.number().int().min(0)).transform((v) => v ?? 32 * 1024 * 1024),
  /** Flow sequence streams (exporter × version × domain) tracked for loss estimation. */
  FLOW_MAX_SEQUENCE_STREAMS: optional(z.coerce.number().int().min(1)).transform((v) => v ?? 20_000),
  /** UDP port of the demo devices' SNMP agents (one per device loopback address); 0 disables them. */
  SIM_SNMP_PORT: optional(z.coerce.number().int().min(0).max(65535)).transform((v) => v ?? 1161),
  /** Days of ordinary history the demo simulator generates into an empty database. */
  SIM_HISTORY_DAYS: optional(z.coerce.number().int().min(1).max(60)).transform((v) => v ?? 16),
  /** JSON file with SNMP targets and Prometheus queries (see README). */
  TIDEWATCH_CONFIG: optional(z.string()),
  // AI triage (lib/ai, workers/ai-triage.ts): advisory analyses of alerts by Claude; no key, no calls.
  /** Secret: redacted from logs, never sent anywhere but the Messages API. */
  ANTHROPIC_API_KEY: optional(z.string().min(1)),
  /** The SDK's own setting: another endpoint for the Messages API (a proxy, or the tests' fake). */
  ANTHROPIC_BASE_URL: optional(z.url()),
  ANTHROPIC_MODEL: optional(z.string().min(1)).transform((v) => v ?? "claude-sonnet-5-5"),
  /** Calls to the API per UTC day, at most; then analyses are refused as budget_exhausted. */
  AI_DAILY_CALL_LIMIT: optional(z.coerce.number().int().min(0).max(1_000_000)).transform((v) => v ?? 100),
  /** Dollars per UTC day, at most (priced from the tokens each call used). */
  AI_DAILY_BUDGET_USD: optional(z.coerce.number().min(0)).transform((v) => v ?? 5),
  /** Alerts below this severity are not sent for analysis automatically (analysts can still ask). */
  AI_MIN_SEVERITY: optional(z.enum(SEVERITY_LEVELS)).transform((v) => v ?? "high"),
  /**
   * Low-priority work: alerts at or above this severity but below AI_MIN_SEVERITY are analysed through
   * the Message Batches API (half price, answered within 24 h); "off" sends none.
   */
  AI_BATCH_MIN_SEVERITY: optional(z.enum([...SEVERITY_LEVELS, "off"])).transform((v) => v ?? "medium"),
  /** How often collected low-priority alerts are sent as one batch, and finished batches are read. */
  AI_BATCH_INTERVAL_SEC: optional(z.coerce.number().min(1).max(86_400)).transform((v) => v ?? 600),
  /** Replace internal addresses (INTERNAL_SUBNETS) with stable placeholders in what is sent. */
  AI_MASK_INTERNAL_ADDRESSES: optional(flag).transform((v) => v ?? true),
  /** Analyses in flight at once. */
  AI_CONCURRENCY: optional(z.coerce.number().int().min(1).max(16)).transform((v) => v ?? 2),
  /** One call's time limit (each attempt), and how often 429/5xx/connection errors are retried. */
  AI_TIMEOUT_SEC: optional(z.coerce.number().min(1).max(600)).transform((v) => v ?? 60),
  AI_MAX_RETRIES: optional(z.coerce.number().int().min(0).max(10)).transform((v) => v ?? 2),
  // Mitigation over BGP (lib/mitigation): which speaker carries the routes, and what may never be announced.
  /** off: no speaker; dry-run: record what would be announced (default); gobgp: drive gobgpd over gRPC. */
  MITIGATION_BGP: optional(z.enum(["off", "dry-run", "gobgp"])).transform((v) => v ?? "dry-run"),
  /** gobgpd's gRPC API (host:port; gobgpd's own default is 50051). */
  GOBGP_API: optional(
    z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, "must be host:port, e.g. 127.0.0.1:50051"),
  ).transform((v) => v ?? "127.0.0.1:50051"),
  /** Time limit of one gRPC call to gobgpd. */
  GOBGP_TIMEOUT_SEC: optional(z.coerce.number().min(0.1).max(120)).transform((v) => v ?? 5),
  /** Next hop of announced IPv4 blackholes (edge routers route it to a discard interface; RFC 7999 practice). */
  MITIGATION_NEXT_HOP: optional(z.ipv4()).transform((v) => v ?? "192.0.2.1"),
  /** Next hop of announced IPv6 blackholes (100::1 is in the discard-only prefix, RFC 6666). */
  MITIGATION_NEXT_HOP_V6: optional(z.ipv6()).transform((v) => v ?? "100::1"),
  /** CIDRs never to be blackholed or filtered, nor covered by a mitigation (routers, DNS, customers' gateways). */
  MITIGATION_PROTECTED_PREFIXES: optional(z.string()).transform(cidrList),
  /** Mitigations active at once at most; approved ones beyond it wait for one to end. */
  MITIGATION_MAX_ACTIVE: optional(z.coerce.number().int().min(1).max(10_000)).transform((v) => v ?? 10),
  /** The longest TTL a playbook setting or an analyst's Extend may give (minutes). */
  MITIGATION_MAX_TTL_MIN: optional(z.coerce.number().int().min(1).max(7 * 1440)).transform((v) => v ?? 1440),
  LOG_LEVEL: optional(z.enum(["debug", "info", "warn", "error"])).transform((v) => v ?? "info"),
  LOG_FORMAT: optional(z.enum(["pretty", "json"])).transform((v) => v ?? "pretty"),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid environment:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated environment of this process (parsed once). */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/**
 * Log level and format alone, never throwing: loggers are created while modules load, before a process
 * gets to report a bad environment in full, so a bad value here falls back to the default.
 */
export function logSettings(source: Record<string, string | undefined> = process.env): Pick<Env, "LOG_LEVEL" | "LOG_FORMAT"> {
  const result = envSchema.pick({ LOG_LEVEL: true, LOG_FORMAT: true }).safeParse(source);
  return result.success ? result.data : { LOG_LEVEL: "info", LOG_FORMAT: "pretty" };
}

/** Where links in notifications point: PUBLIC_URL, else NEXTAUTH_URL, else this host's port; no trailing slash. */
export function publicUrl(e: Env): string {
  return (e.PUBLIC_URL ?? e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
}

/** The simulator runs by default only in the embedded (demo) mode. */
export function simulatorEnabled(e: Env, embedded: boolean): boolean {
  return e.SIMULATE ?? embedded;
}
