// What a collector publishes to the telemetry bus in distributed mode: the TelemetrySink calls it
// would have made, for one partition, as JSON. Partitions are chosen by device address (the address
// a device's telemetry names it by), so every minute of a device is rolled up by one worker. Pure: no
// network here (workers/cluster carries the batches).
import type { DeviceConfigFacts } from "../../detect/peers/device-profile";
import { hashString } from "../../hash";
import type { FlowRecord } from "../flow-record";
import type { MetricName } from "../metrics";
import type { SyslogMessage } from "../syslog-message";

export const TELEMETRY_STREAM = "TIDEWATCH_TELEMETRY";
export const TELEMETRY_SUBJECT_PREFIX = "tidewatch.telemetry";

export function partitionOf(address: string, partitions: number): number {
  return hashString(address) % partitions;
}

export function partitionSubject(partition: number): string {
  return `${TELEMETRY_SUBJECT_PREFIX}.${partition}`;
}

interface DeviceRefWire {
  address?: string;
  name?: string;
}

export interface BusBatch {
  /** When the collector published it (epoch ms). */
  at: number;
  flows: FlowRecord[];
  syslog: { message: SyslogMessage; source: string; receivedAt: number }[];
  gauges: { device: DeviceRefWire; ts: number; values: Partial<Record<MetricName, number>> }[];
  reachability: { device: DeviceRefWire; reachable: boolean; at: number }[];
  /** SNMP configuration facts (absent in batches of collectors that predate them). */
  facts?: { device: DeviceRefWire; ts: number; facts: DeviceConfigFacts }[];
}

export function emptyBusBatch(at: number): BusBatch {
  return { at, flows: [], syslog: [], gauges: [], reachability: [], facts: [] };
}

export function busBatchSize(b: BusBatch): number {
  return b.flows.length + b.syslog.length + b.gauges.length + b.reachability.length + (b.facts?.length ?? 0);
}

/** The key a device reference is partitioned by: its address when known, else its name. */
export function deviceKey(device: DeviceRefWire): string {
  return device.address ?? device.name ?? "";
}

/**
 * The partitions a flow belongs to: its exporter's and each internal endpoint's (the rollup
 * attributes a flow to all of them; each partition's owner keeps only its own addresses).
 */
export function flowPartitions(flow: FlowRecord, partitions: number, isInternal: (address: string) => boolean): number[] {
  const out = [partitionOf(flow.exporter, partitions)];
  for (const a of [flow.srcAddr, flow.dstAddr]) {
    if (a === flow.exporter || !isInternal(a)) continue;
    const p = partitionOf(a, partitions);
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

const MINUTE = 60_000;
/** A batch's newest minute is taken no later than this after its publication (the rollup refuses flows further ahead). */
const MAX_AHEAD_MS = 15 * MINUTE;

/** The newest minute (epoch ms) any of the batch's telemetry falls in: it is settled once that minute is stored. */
export function newestMinuteOf(b: BusBatch): number {
  let newest = -Infinity;
  for (const f of b.flows) newest = Math.max(newest, Number.isFinite(f.endMs) ? f.endMs : f.startMs);
  for (const s of b.syslog) newest = Math.max(newest, s.receivedAt);
  for (const g of b.gauges) newest = Math.max(newest, g.ts);
  for (const f of b.facts ?? []) newest = Math.max(newest, f.ts);
  newest = Math.min(newest, b.at + MAX_AHEAD_MS);
  return Math.floor(newest / MINUTE) * MINUTE;
}

export function encodeBusBatch(b: BusBatch): Uint8Array {
  return Buffer.from(JSON.stringify(b));
}

const isTime = (v: unknown) => typeof v === "number" || v === null;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Parses a published batch; null when it is not one (counted and dropped by the consumer). The shape
 * is checked down to the fields the router reads; the bus is the cluster's own, so values are trusted
 * as much as the collectors that decoded them.
 */
export function decodeBusBatch(data: Uint8Array): BusBatch | null {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(data).toString("utf8"));
  } catch {
    return null;
  }
  if (!isObject(v) || typeof v.at !== "number") return null;
  const { flows, syslog, gauges, reachability } = v;
  if (!Array.isArray(flows) || !Array.isArray(syslog) || !Array.isArray(gauges) || !Array.isArray(reachability)) return null;
  for (const f of flows) {
    if (!isObject(f) || typeof f.exporter !== "string" || typeof f.srcAddr !== "string" || typeof f.dstAddr !== "string") return null;
    if (typeof f.bytes !== "number" || typeof f.packets !== "number" || !isTime(f.endMs) || !isTime(f.startMs)) return null;
    // JSON writes an unreadable time (NaN) as null; the rollup reads NaN
    if (f.endMs === null) f.endMs = NaN;
    if (f.startMs === null) f.startMs = NaN;
  }
  for (const s of syslog) if (!isObject(s) || !isObject(s.message) || typeof s.source !== "string" || typeof s.receivedAt !== "number") return null;
  for (const g of gauges) if (!isObject(g) || !isObject(g.device) || typeof g.ts !== "number" || !isObject(g.values)) return null;
  for (const r of reachability) if (!isObject(r) || !isObject(r.device) || typeof r.reachable !== "boolean" || typeof r.at !== "number") return null;
  if (v.facts !== undefined) {
    if (!Array.isArray(v.facts)) return null;
    for (const f of v.facts) if (!isObject(f) || !isObject(f.device) || typeof f.ts !== "number" || !isObject(f.facts)) return null;
  }
  return v as unknown as BusBatch;
}
