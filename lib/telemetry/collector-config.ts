// The optional worker config file (TIDEWATCH_CONFIG): SNMP targets and Prometheus queries, which
// do not fit in environment variables. Validated with a message naming the bad entry.
import fs from "node:fs";
import { z } from "zod";
import { METRICS } from "./metrics";
import { managementProbeSchema } from "./mgmt-probe";
import { isSeriesSelector } from "./prometheus/series-samples";

/**
 * SNMPv3 credentials of a target (the config file's and the poller's): `level` authPriv (default)
 * needs both keys, authNoPriv only the auth key (agents without privacy, e.g. behind a secure
 * management network), noAuthNoPriv neither.
 */
export const snmpV3Schema = z
  .strictObject({
    user: z.string().min(1),
    level: z.enum(["noAuthNoPriv", "authNoPriv", "authPriv"]).default("authPriv"),
    authProtocol: z.enum(["md5", "sha", "sha224", "sha256", "sha384", "sha512"]).default("sha"),
    authKey: z.string().min(8, "must be at least 8 characters (RFC 3414)").optional(),
    privProtocol: z.enum(["des", "aes", "aes256b", "aes256r"]).default("aes"),
    privKey: z.string().min(8, "must be at least 8 characters (RFC 3414)").optional(),
  })
  .superRefine((v, ctx) => {
    if (v.level !== "noAuthNoPriv" && !v.authKey) ctx.addIssue({ code: "custom", path: ["authKey"], message: `is required for ${v.level}` });
    if (v.level === "authPriv" && !v.privKey) ctx.addIssue({ code: "custom", path: ["privKey"], message: "is required for authPriv" });
  });

const snmpTarget = z.strictObject({
  name: z.string().min(1),
  address: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(161),
  version: z.enum(["2c", "3"]).default("2c"),
  community: z.string().optional(),
  v3: snmpV3Schema.optional(),
  intervalSec: z.number().min(5).default(60),
  /** v3 targets: a v2c community to probe with after each poll (an answer is an SNMPv3 downgrade); see the SNMP poller. */
  v2cProbeCommunity: z.string().min(1).optional(),
  /** Opt-in TCP connects to the telnet/SSH/HTTP management ports after each poll (true, or per service a port or false); see the SNMP poller. */
  probeManagementPorts: managementProbeSchema,
});

/** One Prometheus query of the worker config file; the puller's own config takes the same. */
export const prometheusQuerySchema = z
  .strictObject({
    query: z.string().min(1),
    metric: z.enum(METRICS),
    /** Series label naming the device (host:port values are reduced to the host). */
    deviceLabel: z.string().default("instance"),
    scale: z.number().default(1),
    /** The selected series are counters: their per-second rate is delivered (a plain series selector only). */
    counter: z.boolean().default(false),
  })
  .refine((q) => !q.counter || isSeriesSelector(q.query), {
    message: "counter needs a plain series selector (for an expression, take rate() in PromQL)",
    path: ["counter"],
  });

export const collectorConfigSchema = z.strictObject({
  snmp: z.strictObject({ targets: z.array(snmpTarget).default([]) }).default({ targets: [] }),
  prometheus: z
    .strictObject({
      url: z.url(),
      intervalSec: z.number().min(5).default(60),
      /** query_range step of expression queries: at most the scrape interval of the series they read. */
      stepSec: z.number().int().min(1).default(60),
      queries: z.array(prometheusQuerySchema).min(1),
    })
    .optional(),
});

export type CollectorConfig = z.infer<typeof collectorConfigSchema>;

export function loadCollectorConfig(file: string | undefined): CollectorConfig {
  if (!file) return collectorConfigSchema.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`TIDEWATCH_CONFIG ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = collectorConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`TIDEWATCH_CONFIG ${file}: ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}
