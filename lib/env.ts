// The one place environment variables are read and validated, shared by the supervisor, the worker
// and the web app. A bad value fails fast with a message naming the variable.
import path from "node:path";
import { z } from "zod";
import { DEFAULT_INTERNAL_SUBNETS } from "./telemetry/cidr";

// Treat VAR= (empty) as unset, as shells and .env files commonly produce it.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const flag = z
  .enum(["1", "0", "true", "false", "yes", "no"])
  .transform((v) => v === "1" || v === "true" || v === "yes");

const envSchema = z.object({
  PORT: optional(z.coerce.number().int().min(1).max(65535)).transform((v) => v ?? 3000),
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL"),
  ),
  DATA_DIR: optional(z.string()).transform((v) => path.resolve(v ?? "./.data")),
  ADMIN_EMAIL: optional(z.email()).transform((v) => v ?? "admin@tidewatch.local"),
  ADMIN_PASSWORD: optional(z.string().min(8, "must be at least 8 characters")),
  NEXTAUTH_SECRET: optional(z.string().min(16, "must be at least 16 characters")),
  NEXTAUTH_URL: optional(z.url()),
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
  /** Collectors the worker runs (comma list); any left out is disabled. */
  COLLECTORS: optional(z.string())
    .transform((v) => (v ?? "netflow,syslog,snmp,prometheus").split(",").map((c) => c.trim()).filter(Boolean))
    .pipe(z.array(z.enum(["netflow", "syslog", "snmp", "prometheus"]))),
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
  /** How long after a minute ends telemetry for it is still accepted before it is stored and checked. */
  ROLLUP_LATENESS_SEC: optional(z.coerce.number().min(0).max(600)).transform((v) => v ?? 90),
  /** UDP port of the demo devices' SNMP agents (one per device loopback address); 0 disables them. */
  SIM_SNMP_PORT: optional(z.coerce.number().int().min(0).max(65535)).transform((v) => v ?? 1161),
  /** Days of ordinary history the demo simulator generates into an empty database. */
  SIM_HISTORY_DAYS: optional(z.coerce.number().int().min(1).max(60)).transform((v) => v ?? 16),
  /** JSON file with SNMP targets and Prometheus queries (see README). */
  TIDEWATCH_CONFIG: optional(z.string()),
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

/** The simulator runs by default only in the embedded (demo) mode. */
export function simulatorEnabled(e: Env, embedded: boolean): boolean {
  return e.SIMULATE ?? embedded;
}
