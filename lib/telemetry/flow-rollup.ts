// Rolls decoded flows up per device per minute. A flow counts for its exporter and for each endpoint
// inside `internal_subnets` (so hosts behind an exporter get their own series). Memory is bounded
// however many hosts appear: distinct peers/ports are HyperLogLog counters, top talkers a
// Space-Saving sketch, and only a short ring of recent flows is kept per device (alert evidence).
// The number of open device-minutes is bounded too (`maxOpenBuckets`; host addresses, which any
// flow can invent, may use only 90% of it, so exporters always find room), and no bucket is opened
// for a minute further than `maxAheadMs` beyond the last flush watermark: such a bucket would never
// be flushed. What either refuses is counted (`budgetDroppedFlows`, `futureFlows`).
// Each minute also keeps, within fixed bounds, its protocol mix by flows, top destination ports, the
// internal hosts it connected to and its top external peers (protocol shift, lateral movement, geography).
// Pure: time comes from the flows and from the caller's watermark.
import type { FlowRecord } from "./flow-record";
import { HyperLogLog } from "./sketch/hyper-log-log";
import { sketchHash, SmallSpaceSaving, SpaceSaving } from "./sketch/space-saving";
import type { SubnetMatcher } from "./cidr";

const MINUTE = 60_000;
/** A long-lived flow is spread over at most this many minutes. */
const MAX_SPREAD_MINUTES = 10;
/**
 * A "long, low-byte" flow lasted at least this long while averaging under `LOW_BYTE_RATE`: the shape of
 * a slow application-layer attack (Slowloris-like clients trickling a header line every few seconds),
 * which ordinary long flows (downloads, backups, streams) never have.
 */
export const LONG_FLOW_MS = 30_000;
/** Bytes per second (sampling already applied) under which a long flow counts as low-byte. */
export const LOW_BYTE_RATE = 256;
/** Flows with at most this many packets are "small": probes, bare SYNs and their retry. */
export const SMALL_FLOW_PACKETS = 2;
/**
 * Internal hosts a device opened connections to in one minute that are itemised (peer, port); more are
 * only counted (`internalContactsDropped`). Enough for lateral movement's fan-out, bounded per bucket.
 */
export const MAX_INTERNAL_CONTACTS = 32;
/** Space-Saving counters for destination ports and for external peers per device-minute. */
const PORT_SKETCH_CAPACITY = 12;
const EXTERNAL_SKETCH_CAPACITY = 24;
/** Destination ports counted exactly per device-minute (`watchDstPorts`), at most. */
export const MAX_WATCHED_PORTS = 64;
/** How many of each a flushed minute lists. */
const TOP_PORTS = 6;
const TOP_EXTERNAL_PEERS = 16;

export interface DstPortShare {
  port: number;
  bytes: number;
}

/** A connection this device opened to an internal host (the lower port taken as the service's). */
export interface InternalContact {
  peer: string;
  port: number;
  /** Packets of the flows behind it; at most SMALL_FLOW_PACKETS means probes only. */
  packets: number;
}

export interface TopTalker {
  peer: string;
  direction: "in" | "out";
  bytes: number;
}

export interface DeviceMinuteFlows {
  /** Exporter or host address the rollup belongs to. */
  address: string;
  /** Whether the address is a flow exporter (else an internal host seen in flows). */
  exporter: boolean;
  /** Start of the minute (epoch ms). */
  minute: number;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
  flows: number;
  tcpSynFlows: number;
  distinctPeers: number;
  distinctDstPorts: number;
  protocolBytes: Record<string, number>;
  topTalkers: TopTalker[];
  // Always set by FlowRollup; optional so summaries stored or built before these existed still fit.
  /** Outbound bytes whose peer is outside `internal_subnets` (what could leave the network). */
  bytesOutExternal?: number;
  /** Flows (ended this minute) lasting ≥ LONG_FLOW_MS while averaging < LOW_BYTE_RATE bytes/s. */
  longLowByteFlows?: number;
  /** Flows (ended this minute) with ≤ SMALL_FLOW_PACKETS packets. */
  smallFlows?: number;
  /** Flows ended this minute per IP protocol number (protocol mix by flows; `protocolBytes` by bytes). */
  protocolFlows?: Record<string, number>;
  /** The destination ports carrying the most bytes, largest first. */
  topDstPorts?: DstPortShare[];
  /**
   * Bytes to each of the rollup's `watchDstPorts` seen this minute (only those seen), however small:
   * a mining pool's few kB a minute never make the top ports of a busy host.
   */
  watchedDstPorts?: DstPortShare[];
  /** Connections this device opened to internal hosts (at most MAX_INTERNAL_CONTACTS), for lateral movement. */
  internalContacts?: InternalContact[];
  /** Further internal (peer, port) pairs this minute beyond MAX_INTERNAL_CONTACTS. */
  internalContactsDropped?: number;
  /** The peers outside `internal_subnets` exchanging the most bytes, largest first (geography, ASNs). */
  externalPeers?: TopTalker[];
}

interface Bucket {
  address: string;
  exporter: boolean;
  minute: number;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
  flows: number;
  tcpSynFlows: number;
  bytesOutExternal: number;
  longLowByteFlows: number;
  smallFlows: number;
  peers: HyperLogLog;
  ports: HyperLogLog;
  /** [protocol, bytes, protocol, bytes, ...]: a device-minute rarely sees more than three protocols. */
  protocolBytes: number[];
  /** [protocol, flows, ...], as protocolBytes. */
  protocolFlows: number[];
  /** Peers tagged with the direction (DIRECTION_TAG). */
  talkers: SpaceSaving<string>;
  // created at first use: most device-minutes need only some of them
  dstPorts?: SmallSpaceSaving<number>;
  /** Watched destination port → bytes (at most the watch list's size). */
  watched?: Map<number, number>;
  /** As talkers. */
  external?: SmallSpaceSaving<string>;
  /** "peer|port" → packets. */
  contacts?: Map<string, number>;
  contactsDropped: number;
}

export interface FlowRollupOptions {
  isInternal: SubnetMatcher;
  topTalkers?: number;
  /** Space-Saving counters per device-minute (top talkers are exact above 1/capacity of bytes). */
  sketchCapacity?: number;
  recentFlowsPerDevice?: number;
  /** Devices whose recent flows are kept (least recently seen are forgotten first). */
  recentFlowDevices?: number;
  /** Open device-minutes (default 60,000: 10,000 devices × the few minutes the lateness window keeps open, with room to spare). */
  maxOpenBuckets?: number;
  /** How far past the last flush watermark a flow's minute may lie (default 15 min). */
  maxAheadMs?: number;
  /**
   * Distributed mode: the addresses this rollup keeps (its bus partition's); a flow's attributions
   * to other addresses are rolled up by their own partitions' owners.
   */
  owns?: (address: string) => boolean;
  /** Destination ports whose bytes every device-minute reports exactly (`watchedDstPorts`), e.g. mining-pool ports. */
  watchDstPorts?: readonly number[];
}

/** Share of the bucket budget host addresses may fill; the rest is kept for exporters. */
const HOST_BUCKET_SHARE = 0.9;

/** Talker sketches count (direction, peer) pairs: the direction as the key's tag. */
const DIRECTION_TAG = { in: 0, out: 1 } as const;
const TAG_DIRECTION = ["in", "out"] as const;

/** One address's recent flows (a ring once full) and its place in the least-recently-seen list. */
interface RecentFlows {
  address: string;
  flows: FlowRecord[];
  /** Index of the oldest flow once `flows` is full. */
  start: number;
  older: RecentFlows | null;
  newer: RecentFlows | null;
}

export class FlowRollup {
  // Open device-minutes by minute then address (no key string per attribution), and in the order
  // they were opened, which is the order flushes emit them in.
  private readonly buckets = new Map<number, Map<string, Bucket>>();
  private opened: Bucket[] = [];
  private readonly recent = new Map<string, RecentFlows>();
  /** Least and most recently seen addresses of `recent` (a doubly linked list: touching one is O(1)). */
  private oldestRecent: RecentFlows | null = null;
  private newestRecent: RecentFlows | null = null;
  private readonly topN: number;
  private readonly capacity: number;
  private readonly recentPerDevice: number;
  private readonly recentDevices: number;
  private readonly maxBuckets: number;
  private readonly maxHostBuckets: number;
  private readonly maxAheadMs: number;
  private watchDstPorts: ReadonlySet<number>;
  /** The last flush's watermark (finite ones only): minutes far beyond it are refused. */
  private watermark = -Infinity;
  /** Flows for device-minutes already flushed (arrived after they were written). */
  lateFlows = 0;
  /** Flow attributions refused because the open-bucket budget was full. */
  budgetDroppedFlows = 0;
  /** Flow attributions refused because their minute lies too far beyond the flush watermark. */
  futureFlows = 0;
  /**
   * Per address, the newest minute already flushed: later flows for it or before it are late.
   * Insertion order = least recently flushed first; at most twice the bucket budget are remembered
   * (else every address ever seen, spoofed ones included, would stay here). A forgotten address's
   * late flow opens its minute again, merged into what was stored: the price of bounded memory.
   */
  private readonly lastFlushed = new Map<string, number>();
  private readonly maxRemembered: number;
  /** Minutes before this are closed for every address (`closeBefore`), remembered or not. */
  private floor = -Infinity;

  constructor(private readonly options: FlowRollupOptions) {
    this.topN = options.topTalkers ?? 10;
    this.capacity = options.sketchCapacity ?? 24;
    this.recentPerDevice = options.recentFlowsPerDevice ?? 20;
    this.recentDevices = options.recentFlowDevices ?? 5_000;
    this.maxBuckets = options.maxOpenBuckets ?? 60_000;
    this.maxHostBuckets = Math.floor(this.maxBuckets * HOST_BUCKET_SHARE);
    this.maxAheadMs = options.maxAheadMs ?? 15 * MINUTE;
    this.maxRemembered = 2 * this.maxBuckets;
    this.watchDstPorts = new Set();
    this.setWatchedDstPorts(options.watchDstPorts ?? []);
  }

  add(flow: FlowRecord): void {
    const srcInternal = this.options.isInternal(flow.srcAddr);
    const dstInternal = this.options.isInternal(flow.dstAddr);
    // For the exporter, traffic towards the inside is inbound; everything else outbound.
    const exporterOut = srcInternal && !dstInternal;
    // the last argument: whether the peer (dst when out, src when in) is inside the internal subnets
    this.attribute(flow, flow.exporter, true, exporterOut ? "out" : "in", exporterOut ? dstInternal : srcInternal);
    if (srcInternal && flow.srcAddr !== flow.exporter) this.attribute(flow, flow.srcAddr, false, "out", dstInternal);
    if (dstInternal && flow.dstAddr !== flow.exporter) this.attribute(flow, flow.dstAddr, false, "in", srcInternal);
  }

  private attribute(flow: FlowRecord, address: string, exporter: boolean, direction: "in" | "out", peerInternal: boolean): void {
    if (this.options.owns && !this.options.owns(address)) return;
    const external = direction === "out" && !peerInternal;
    this.remember(address, flow);
    const end = Number.isFinite(flow.endMs) ? flow.endMs : flow.startMs;
    const start = Number.isFinite(flow.startMs) && flow.startMs <= end ? flow.startMs : end;
    const firstMinute = Math.floor(Math.max(start, end - MAX_SPREAD_MINUTES * MINUTE) / MINUTE) * MINUTE;
    const lastMinute = Math.floor(end / MINUTE) * MINUTE;
    const minutes = (lastMinute - firstMinute) / MINUTE + 1;
    const span = Math.max(1, end - start);
    const peer = direction === "out" ? flow.dstAddr : flow.srcAddr;
    if (!Number.isFinite(lastMinute)) return;
    if (this.watermark > -Infinity && lastMinute >= this.watermark + this.maxAheadMs) {
      this.futureFlows += 1;
      return;
    }
    const closedUpTo = Math.max(this.lastFlushed.get(address) ?? -Infinity, this.floor - MINUTE);
    // hashed once for every sketch and minute the attribution touches
    const peerHash = sketchHash(peer);
    const portHash = sketchHash(flow.dstPort);
    const tag = DIRECTION_TAG[direction];
    let refused = false;
    for (let m = firstMinute; m <= lastMinute; m += MINUTE) {
      if (m <= closedUpTo) {
        if (m === lastMinute) this.lateFlows += 1;
        continue;
      }
      // a flow's bytes are spread over the minutes it was active in, in proportion to the overlap
      const share = minutes === 1 ? 1 : Math.max(0, Math.min(end, m + MINUTE) - Math.max(start, m)) / span;
      const b = this.bucket(address, exporter, m);
      if (!b) {
        refused = true;
        continue;
      }
      const bytes = flow.bytes * share;
      const packets = flow.packets * share;
      if (direction === "in") {
        b.bytesIn += bytes;
        b.packetsIn += packets;
      } else {
        b.bytesOut += bytes;
        b.packetsOut += packets;
        if (external) b.bytesOutExternal += bytes;
      }
      addProtocolBytes(b.protocolBytes, flow.protocol, bytes);
      b.talkers.addHashed(peer, peerHash, bytes, tag);
      (b.dstPorts ??= new SmallSpaceSaving<number>(PORT_SKETCH_CAPACITY)).addHashed(flow.dstPort, portHash, bytes);
      if (this.watchDstPorts.has(flow.dstPort)) {
        const watched = (b.watched ??= new Map());
        watched.set(flow.dstPort, (watched.get(flow.dstPort) ?? 0) + bytes);
      }
      if (!peerInternal) (b.external ??= new SmallSpaceSaving<string>(EXTERNAL_SKETCH_CAPACITY)).addHashed(peer, peerHash, bytes, tag);
      if (m === lastMinute) {
        // counts belong to the minute the flow ended in, so each flow is counted once
        b.flows += 1;
        addProtocolBytes(b.protocolFlows, flow.protocol, 1);
        // NetFlow is one record per direction: the side towards the lower port is taken as the one
        // connected to, so a server's replies to its clients' ephemeral ports are not "contacts"
        if (direction === "out" && peerInternal && flow.dstPort <= flow.srcPort) this.contact(b, peer, flow.dstPort, flow.packets);
        if (flow.protocol === 6 && (flow.tcpFlags & 0x02) !== 0) b.tcpSynFlows += 1;
        if (flow.packets <= SMALL_FLOW_PACKETS) b.smallFlows += 1;
        if (end - start >= LONG_FLOW_MS && (flow.bytes * 1000) / (end - start) < LOW_BYTE_RATE) b.longLowByteFlows += 1;
        b.peers.addHash(peerHash);
        b.ports.addHash(portHash);
      }
    }
    if (refused) this.budgetDroppedFlows += 1;
  }

  private bucket(address: string, exporter: boolean, minute: number): Bucket | undefined {
    let byAddress = this.buckets.get(minute);
    let b = byAddress?.get(address);
    if (!b) {
      if (this.opened.length >= (exporter ? this.maxBuckets : this.maxHostBuckets)) return undefined;
      b = {
        address,
        exporter,
        minute,
        bytesIn: 0,
        bytesOut: 0,
        packetsIn: 0,
        packetsOut: 0,
        flows: 0,
        tcpSynFlows: 0,
        bytesOutExternal: 0,
        longLowByteFlows: 0,
        smallFlows: 0,
        peers: new HyperLogLog(),
        ports: new HyperLogLog(),
        protocolBytes: [],
        protocolFlows: [],
        talkers: new SpaceSaving(this.capacity),
        contactsDropped: 0,
      };
      if (!byAddress) this.buckets.set(minute, (byAddress = new Map()));
      byAddress.set(address, b);
      this.opened.push(b);
    } else if (exporter && !b.exporter) {
      b.exporter = true;
    }
    return b;
  }

  private contact(b: Bucket, peer: string, port: number, packets: number): void {
    const key = `${peer}|${port}`;
    const contacts = (b.contacts ??= new Map());
    const had = contacts.get(key);
    if (had !== undefined) contacts.set(key, had + packets);
    else if (contacts.size < MAX_INTERNAL_CONTACTS) contacts.set(key, packets);
    else b.contactsDropped += 1;
  }

  private remember(address: string, flow: FlowRecord): void {
    let r = this.recent.get(address);
    if (r) {
      if (r !== this.newestRecent) {
        this.unlinkRecent(r);
        this.linkNewest(r);
      }
    } else {
      if (this.recent.size >= this.recentDevices && this.oldestRecent) {
        const oldest = this.oldestRecent;
        this.unlinkRecent(oldest);
        this.recent.delete(oldest.address);
      }
      r = { address, flows: [], start: 0, older: null, newer: null };
      this.recent.set(address, r);
      this.linkNewest(r);
    }
    // a fixed-size ring once full: the newest flow overwrites the oldest
    if (r.flows.length < this.recentPerDevice) r.flows.push(flow);
    else if (this.recentPerDevice > 0) {
      r.flows[r.start] = flow;
      r.start = (r.start + 1) % this.recentPerDevice;
    }
  }

  private unlinkRecent(r: RecentFlows): void {
    if (r.older) r.older.newer = r.newer;
    else this.oldestRecent = r.newer;
    if (r.newer) r.newer.older = r.older;
    else this.newestRecent = r.older;
    r.older = r.newer = null;
  }

  private linkNewest(r: RecentFlows): void {
    r.older = this.newestRecent;
    if (this.newestRecent) this.newestRecent.newer = r;
    else this.oldestRecent = r;
    this.newestRecent = r;
  }

  /** The most recent flows seen for an address, oldest first (a copy). */
  recentFlows(address: string): readonly FlowRecord[] {
    const r = this.recent.get(address);
    if (!r) return [];
    return r.start === 0 ? r.flows.slice() : [...r.flows.slice(r.start), ...r.flows.slice(0, r.start)];
  }

  /**
   * Closes every minute before `ms` for all addresses: later flows for them count as late instead of
   * reopening them (distributed mode: those minutes are stored, and a redelivered batch must not add
   * to them again).
   */
  closeBefore(ms: number): void {
    this.floor = Math.max(this.floor, ms);
  }

  /** Completed device-minutes before `watermark` (epoch ms); later flows for them count as late. */
  flushBefore(watermark: number): DeviceMinuteFlows[] {
    if (Number.isFinite(watermark)) this.watermark = Math.max(this.watermark, watermark);
    const out: DeviceMinuteFlows[] = [];
    const stillOpen: Bucket[] = [];
    for (const b of this.opened) {
      if (b.minute >= watermark) {
        stillOpen.push(b);
        continue;
      }
      const byAddress = this.buckets.get(b.minute)!;
      byAddress.delete(b.address);
      if (byAddress.size === 0) this.buckets.delete(b.minute);
      const flushed = this.lastFlushed.get(b.address) ?? -Infinity;
      this.lastFlushed.delete(b.address);
      this.lastFlushed.set(b.address, Math.max(flushed, b.minute));
      out.push({
        address: b.address,
        exporter: b.exporter,
        minute: b.minute,
        bytesIn: b.bytesIn,
        bytesOut: b.bytesOut,
        packetsIn: b.packetsIn,
        packetsOut: b.packetsOut,
        flows: b.flows,
        tcpSynFlows: b.tcpSynFlows,
        distinctPeers: b.flows === 0 ? 0 : b.peers.estimate(),
        distinctDstPorts: b.flows === 0 ? 0 : b.ports.estimate(),
        protocolBytes: protocolBytesRecord(b.protocolBytes),
        topTalkers: b.talkers.topTagged(this.topN).map((t) => ({ peer: t.key, direction: TAG_DIRECTION[t.tag]!, bytes: Math.round(t.count) })),
        bytesOutExternal: b.bytesOutExternal,
        longLowByteFlows: b.longLowByteFlows,
        smallFlows: b.smallFlows,
        protocolFlows: protocolBytesRecord(b.protocolFlows),
        topDstPorts: (b.dstPorts?.top(TOP_PORTS) ?? []).map((t) => ({ port: t.key, bytes: Math.round(t.count) })),
        ...(b.watched ? { watchedDstPorts: [...b.watched].map(([port, bytes]) => ({ port, bytes: Math.round(bytes) })) } : {}),
        internalContacts: [...(b.contacts ?? [])].map(([key, packets]) => {
          const cut = key.lastIndexOf("|");
          return { peer: key.slice(0, cut), port: Number(key.slice(cut + 1)), packets: Math.round(packets) };
        }),
        internalContactsDropped: b.contactsDropped,
        externalPeers: (b.external?.topTagged(TOP_EXTERNAL_PEERS) ?? []).map((t) => ({ peer: t.key, direction: TAG_DIRECTION[t.tag]!, bytes: Math.round(t.count) })),
      });
    }
    this.opened = stillOpen;
    while (this.lastFlushed.size > this.maxRemembered) this.lastFlushed.delete(this.lastFlushed.keys().next().value!);
    return out.sort((a, b) => a.minute - b.minute);
  }

  /**
   * Replaces the ports counted exactly from now on (the detectors' tuned settings changed); at most
   * MAX_WATCHED_PORTS, the lowest kept, so a bucket's watched counts stay bounded.
   */
  setWatchedDstPorts(ports: readonly number[]): void {
    const next = [...new Set(ports)].sort((a, b) => a - b).slice(0, MAX_WATCHED_PORTS);
    if (next.length !== this.watchDstPorts.size || next.some((p) => !this.watchDstPorts.has(p))) this.watchDstPorts = new Set(next);
  }

  /** Open buckets (for memory accounting and tests). */
  openBuckets(): number {
    return this.opened.length;
  }
}

function addProtocolBytes(pairs: number[], protocol: number, bytes: number): void {
  for (let i = 0; i < pairs.length; i += 2) {
    if (pairs[i] === protocol) {
      pairs[i + 1]! += bytes;
      return;
    }
  }
  pairs.push(protocol, bytes);
}

function protocolBytesRecord(pairs: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < pairs.length; i += 2) out[String(pairs[i])] = Math.round(pairs[i + 1]!);
  return out;
}

/** Per-minute rates for the detectors from one device-minute of flows. */
export function flowMetrics(
  r: Pick<DeviceMinuteFlows, "bytesIn" | "bytesOut" | "packetsIn" | "packetsOut" | "flows" | "tcpSynFlows" | "distinctPeers" | "distinctDstPorts">,
) {
  const seconds = MINUTE / 1000;
  return {
    bandwidthInBps: (r.bytesIn * 8) / seconds,
    bandwidthOutBps: (r.bytesOut * 8) / seconds,
    packetsPerSec: (r.packetsIn + r.packetsOut) / seconds,
    flowsPerSec: r.flows / seconds,
    // new TCP connections when flags are exported; exporters without flags leave this to flows/s
    connectionsPerSec: r.tcpSynFlows / seconds,
    distinctPeers: r.distinctPeers,
    distinctDstPorts: r.distinctDstPorts,
  };
}

/** The parts of a device-minute the protocol-mix, lateral-movement and geography detectors read. */
export type FlowDetail = Pick<
  DeviceMinuteFlows,
  "protocolFlows" | "topDstPorts" | "watchedDstPorts" | "internalContacts" | "internalContactsDropped" | "externalPeers"
>;

/** A copy of a minute's detail, to start a merged row with. */
export function flowDetailOf(r: FlowDetail): FlowDetail {
  return {
    protocolFlows: { ...r.protocolFlows },
    topDstPorts: [...(r.topDstPorts ?? [])],
    ...(r.watchedDstPorts ? { watchedDstPorts: [...r.watchedDstPorts] } : {}),
    internalContacts: [...(r.internalContacts ?? [])],
    internalContactsDropped: r.internalContactsDropped ?? 0,
    externalPeers: [...(r.externalPeers ?? [])],
  };
}

/**
 * Adds another rollup of the same device-minute (an exporter's and a host's view of one device) into
 * `into`, within the same bounds as one rollup.
 */
export function mergeFlowDetail(into: FlowDetail, r: FlowDetail): void {
  const flows = (into.protocolFlows ??= {});
  for (const [p, n] of Object.entries(r.protocolFlows ?? {})) flows[p] = (flows[p] ?? 0) + n;
  into.topDstPorts = mergeTop(into.topDstPorts ?? [], r.topDstPorts ?? [], (t) => String(t.port), TOP_PORTS);
  if (r.watchedDstPorts) into.watchedDstPorts = mergeTop(into.watchedDstPorts ?? [], r.watchedDstPorts, (t) => String(t.port), Infinity);
  into.externalPeers = mergeTop(into.externalPeers ?? [], r.externalPeers ?? [], (t) => `${t.direction}|${t.peer}`, TOP_EXTERNAL_PEERS);
  const contacts = [...(into.internalContacts ?? [])];
  const seen = new Set(contacts.map((c) => `${c.peer}|${c.port}`));
  let dropped = (into.internalContactsDropped ?? 0) + (r.internalContactsDropped ?? 0);
  for (const c of r.internalContacts ?? []) {
    if (seen.has(`${c.peer}|${c.port}`)) continue;
    if (contacts.length < MAX_INTERNAL_CONTACTS) contacts.push(c);
    else dropped += 1;
  }
  into.internalContacts = contacts;
  into.internalContactsDropped = dropped;
}

function mergeTop<T extends { bytes: number }>(a: readonly T[], b: readonly T[], key: (t: T) => string, n: number): T[] {
  const byKey = new Map<string, T>();
  for (const t of [...a, ...b]) {
    const k = key(t);
    const had = byKey.get(k);
    byKey.set(k, had ? { ...had, bytes: had.bytes + t.bytes } : { ...t });
  }
  return [...byKey.values()].sort((x, y) => y.bytes - x.bytes).slice(0, n);
}
