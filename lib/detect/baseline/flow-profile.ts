// What one device usually does in its flows, learnt minute by minute in the detection engine for the
// protocol-shift, lateral-movement and geography detectors:
// - its protocol mix (TCP/UDP/ICMP/other shares of bytes and of flows, and the bytes per service class
//   of destination port) per hour of the week and per hour of the day, as running means;
// - the internal hosts (and their ports) it has opened connections to;
// - the countries and ASNs of its external peers (with a resolver, `GeoResolver`).
// Memory is bounded per device: 192 hour slots of 24 floats, at most MAX_KNOWN_PEERS internal peers,
// MAX_KNOWN_ASNS ASNs and the ~250 countries, and a few recent minutes. Pure: time comes from the
// samples; the resolver is an in-memory lookup. `prepare` reads a minute against what is known so far
// (what the detectors see), `commit` then learns it.
import type { DetectorDevice } from "@/lib/detect/detector";
import { HOURS_PER_WEEK, hourOfWeekAt } from "@/lib/detect/baseline/hour-of-week";
import type { DeviceMinuteFlows, InternalContact } from "@/lib/telemetry/flow-rollup";

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Protocol groups of the mix, in vector order. */
export const PROTOCOL_GROUPS = ["TCP", "UDP", "ICMP", "other"] as const;

/** Service classes of destination ports, in vector order; "other" takes every unlisted port. */
export const SERVICE_CLASSES = [
  { name: "web", ports: [80, 443, 8080, 8443] },
  { name: "dns", ports: [53, 853] },
  { name: "mail", ports: [25, 110, 143, 465, 587, 993, 995] },
  { name: "ssh", ports: [22] },
  { name: "smb", ports: [139, 445] },
  { name: "rdp", ports: [3389] },
  { name: "winrm", ports: [5985, 5986] },
  { name: "database", ports: [1433, 1521, 3306, 5432, 6379, 27017] },
  { name: "file transfer", ports: [20, 21, 69, 873, 2049] },
  { name: "ntp", ports: [123] },
  { name: "snmp", ports: [161, 162] },
  { name: "vpn", ports: [500, 1194, 4500, 51820] },
  { name: "bgp", ports: [179] },
  { name: "other", ports: [] },
] as const;

const CLASS_OF_PORT = new Map<number, number>(SERVICE_CLASSES.flatMap((c, i) => c.ports.map((p) => [p, i] as [number, number])));
const OTHER_CLASS = SERVICE_CLASSES.length - 1;

const P = PROTOCOL_GROUPS.length;
const C = SERVICE_CLASSES.length;
/** Offsets of the three distributions inside a mix vector. */
export const MIX_PARTS = { bytes: [0, P], flows: [P, 2 * P], services: [2 * P, 2 * P + C] } as const;
export const MIX_LENGTH = 2 * P + C;
/** Slot layout: [minutes learnt, ...mix]. */
const SLOT = 1 + MIX_LENGTH;
const SLOTS = HOURS_PER_WEEK + 24;

/** Running means weigh at most this many minutes (older days fade). */
const MAX_WEIGHT_HOUR_OF_WEEK = 240;
const MAX_WEIGHT_HOUR_OF_DAY = 600;
/** A minute with fewer flows than this teaches the mix nothing (its shares are noise). */
const LEARN_MIN_FLOWS = 5;
/** Recent minutes kept for confirmation and fan-out windows. */
const RECENT_KEPT = 10;

export const MAX_KNOWN_PEERS = 4096;
const MAX_PORTS_PER_PEER = 16;
export const MAX_KNOWN_ASNS = 2048;
const MAX_KNOWN_COUNTRIES = 300;

export function protocolGroup(protocol: number): number {
  if (protocol === 6) return 0;
  if (protocol === 17) return 1;
  if (protocol === 1 || protocol === 58) return 2;
  return 3;
}

export function serviceClassOf(port: number): number {
  return CLASS_OF_PORT.get(port) ?? OTHER_CLASS;
}

/** One minute's protocol mix: three distributions (each sums to 1 when its total is > 0). */
export interface MinuteMix {
  ts: number;
  flows: number;
  bytes: number;
  mix: Float64Array;
}

/** The mix of a minute's flows; undefined without flows or bytes. */
export function mixOf(ts: number, flows: Pick<DeviceMinuteFlows, "bytesIn" | "bytesOut" | "flows" | "protocolBytes" | "protocolFlows" | "topDstPorts">): MinuteMix | undefined {
  const bytes = flows.bytesIn + flows.bytesOut;
  const count = flows.flows;
  if (!(bytes > 0) || !(count > 0)) return undefined;
  const mix = new Float64Array(MIX_LENGTH);
  let byteSum = 0;
  for (const [p, b] of Object.entries(flows.protocolBytes)) {
    mix[protocolGroup(Number(p))]! += b;
    byteSum += b;
  }
  let flowSum = 0;
  for (const [p, n] of Object.entries(flows.protocolFlows ?? {})) {
    mix[P + protocolGroup(Number(p))]! += n;
    flowSum += n;
  }
  let classified = 0;
  for (const t of flows.topDstPorts ?? []) {
    mix[2 * P + serviceClassOf(t.port)]! += t.bytes;
    classified += t.bytes;
  }
  // the ports the top list leaves out are counted as "other"
  const portTotal = Math.max(classified, byteSum);
  mix[2 * P + OTHER_CLASS]! += portTotal - classified;
  normalise(mix, 0, P, byteSum);
  normalise(mix, P, 2 * P, flowSum);
  normalise(mix, 2 * P, 2 * P + C, portTotal);
  return { ts, flows: count, bytes, mix };
}

function normalise(v: Float64Array, from: number, to: number, total: number): void {
  if (!(total > 0)) return;
  for (let i = from; i < to; i++) v[i]! /= total;
}

/** Where a reference mix comes from. */
export interface MixReference {
  kind: "hour-of-week" | "hour-of-day";
  /** Hour of the week (0..167, Monday 00:00 UTC = 0) or hour of the day (0..23 UTC). */
  hour: number;
  /** Minutes it was learnt from (each weighs at most 1/240 or 1/600 in the mean). */
  minutes: number;
  mix: Float64Array;
}

export interface GeoInfo {
  /** ISO 3166-1 alpha-2. */
  country?: string;
  asn?: number;
  asOrg?: string;
}

/** IP → country/ASN, in memory (`lib/telemetry/geo/ip-geo.ts` loads one from the shipped databases). */
export type GeoResolver = (ip: string) => GeoInfo | undefined;

/** One country's share of a minute's external traffic. */
export interface CountryUse {
  country: string;
  bytes: number;
  bytesIn: number;
  bytesOut: number;
  /** The peers behind it (the minute's top external peers), largest first. */
  peers: { peer: string; direction: "in" | "out"; bytes: number; asn?: number; asOrg?: string }[];
  /** Minutes the device had used this country before this one (0: never). */
  minutesSeen: number;
}

export interface AsnUse {
  asn: number;
  asOrg?: string;
  country?: string;
  bytes: number;
  minutesSeen: number;
}

export interface MinuteGeo {
  /** Largest first. Peers the database does not know (private, reserved, unallocated) are left out. */
  countries: CountryUse[];
  asns: AsnUse[];
  /** External bytes of the minute's top peers, resolved or not. */
  externalBytes: number;
  /** Minutes with a resolved external peer learnt before this one (the geography's learning clock). */
  learntMinutes: number;
  /** Countries allowed for this device (GEO_ALLOWED_COUNTRIES), null when no list applies. */
  allowedCountries: ReadonlySet<string> | null;
}

/** A connection of this minute to an internal host, with what the device knew of it before. */
export interface ContactNovelty extends InternalContact {
  /** The device had never connected to this host. */
  newPeer: boolean;
  /** …or had, but never on this port. */
  newPort: boolean;
}

export interface RecentContacts {
  ts: number;
  /** The minute's connections to hosts or ports new to the device. */
  novel: readonly ContactNovelty[];
  dropped: number;
}

/** What the detectors read for one device-minute. */
export interface FlowProfileView {
  /** This minute's protocol mix; undefined without flows. */
  readonly mix: MinuteMix | undefined;
  /** The previous minutes' mixes (minutes with flows only), oldest first. */
  readonly recentMixes: readonly MinuteMix[];
  /** The usual mixes for `ts`: its hour of the week and its hour of the day, those learnt at all. */
  references(ts: number): MixReference[];
  /** This minute's connections to internal hosts, each marked new or not. */
  readonly contacts: readonly ContactNovelty[];
  readonly contactsDropped: number;
  /** The previous minutes' new connections, oldest first. */
  readonly recentContacts: readonly RecentContacts[];
  /** Minutes with flows learnt before this one (the lateral-movement learning clock). */
  readonly flowMinutes: number;
  /** This minute's geography; undefined without a resolver or external peers. */
  readonly geo: MinuteGeo | undefined;
}

export interface FlowProfileOptions {
  geo?: GeoResolver;
  /** Countries allowed for a device, or null for none (see GEO_ALLOWED_COUNTRIES). */
  allowedCountries?: (device: DetectorDevice) => ReadonlySet<string> | null;
}

interface Prepared {
  view: FlowProfileView;
  ts: number;
}

export class FlowProfile {
  /** Hour slots, allocated at the first minute with flows. */
  private slots: Float32Array | null = null;
  private readonly recentMixes: MinuteMix[] = [];
  private readonly recentContacts: RecentContacts[] = [];
  /** peer → ports connected to; Map order = least recently used first. */
  private readonly knownPeers = new Map<string, number[]>();
  private readonly countries = new Map<string, number>();
  /** asn → minutes seen; Map order = least recently used first. */
  private readonly asns = new Map<number, number>();
  private flowMinutes = 0;
  private geoMinutes = 0;
  private latest = -Infinity;
  private pending: Prepared | null = null;

  constructor(private readonly options: FlowProfileOptions = {}) {}

  /** This minute as the detectors see it, against what was learnt before it. */
  prepare(ts: number, flows: DeviceMinuteFlows | Omit<DeviceMinuteFlows, "address" | "exporter" | "minute"> | undefined, device?: DetectorDevice): FlowProfileView {
    const mix = flows ? mixOf(ts, flows) : undefined;
    const contacts: ContactNovelty[] = (flows?.internalContacts ?? []).map((c) => {
      const ports = this.knownPeers.get(c.peer);
      return { ...c, newPeer: !ports, newPort: !!ports && !ports.includes(c.port) };
    });
    const geo = flows ? this.geoOf(flows, device) : undefined;
    const slots = this.slots;
    const view: FlowProfileView = {
      mix,
      recentMixes: this.recentMixes.slice(),
      references: (t) => (slots ? referencesAt(slots, t) : []),
      contacts,
      contactsDropped: flows?.internalContactsDropped ?? 0,
      recentContacts: this.recentContacts.slice(),
      flowMinutes: this.flowMinutes,
      geo,
    };
    this.pending = { view, ts };
    return view;
  }

  /** Learns the minute last prepared (a repeated or older minute is not learnt). */
  commit(): void {
    const p = this.pending;
    this.pending = null;
    if (!p || p.ts <= this.latest) return;
    this.latest = p.ts;
    const { view, ts } = p;
    if (view.mix) {
      this.flowMinutes += 1;
      push(this.recentMixes, view.mix, RECENT_KEPT);
      if (view.mix.flows >= LEARN_MIN_FLOWS) this.learnMix(view.mix);
    }
    const novel = view.contacts.filter((c) => c.newPeer || c.newPort);
    if (novel.length > 0 || view.contactsDropped > 0) push(this.recentContacts, { ts, novel, dropped: view.contactsDropped }, RECENT_KEPT);
    while (this.recentContacts.length > 0 && this.recentContacts[0]!.ts <= ts - RECENT_KEPT * MINUTE) this.recentContacts.shift();
    for (const c of view.contacts) this.knowContact(c.peer, c.port);
    if (view.geo && view.geo.countries.length + view.geo.asns.length > 0) {
      this.geoMinutes += 1;
      for (const c of view.geo.countries) {
        if (this.countries.has(c.country) || this.countries.size < MAX_KNOWN_COUNTRIES) this.countries.set(c.country, (this.countries.get(c.country) ?? 0) + 1);
      }
      for (const a of view.geo.asns) {
        const seen = this.asns.get(a.asn) ?? 0;
        this.asns.delete(a.asn);
        this.asns.set(a.asn, seen + 1);
        if (this.asns.size > MAX_KNOWN_ASNS) this.asns.delete(this.asns.keys().next().value!);
      }
    }
  }

  private learnMix(m: MinuteMix): void {
    const slots = (this.slots ??= new Float32Array(SLOTS * SLOT));
    const how = hourOfWeekAt(m.ts);
    learnSlot(slots, how, m.mix, MAX_WEIGHT_HOUR_OF_WEEK);
    learnSlot(slots, HOURS_PER_WEEK + Math.floor((m.ts % (24 * HOUR)) / HOUR), m.mix, MAX_WEIGHT_HOUR_OF_DAY);
  }

  private knowContact(peer: string, port: number): void {
    const ports = this.knownPeers.get(peer);
    if (ports) {
      this.knownPeers.delete(peer);
      if (!ports.includes(port) && ports.length < MAX_PORTS_PER_PEER) ports.push(port);
      this.knownPeers.set(peer, ports);
      return;
    }
    this.knownPeers.set(peer, [port]);
    if (this.knownPeers.size > MAX_KNOWN_PEERS) this.knownPeers.delete(this.knownPeers.keys().next().value!);
  }

  private geoOf(flows: Pick<DeviceMinuteFlows, "externalPeers">, device?: DetectorDevice): MinuteGeo | undefined {
    const resolve = this.options.geo;
    const peers = flows.externalPeers ?? [];
    if (!resolve || peers.length === 0) return undefined;
    const byCountry = new Map<string, CountryUse>();
    const byAsn = new Map<number, AsnUse>();
    let externalBytes = 0;
    for (const p of peers) {
      externalBytes += p.bytes;
      const info = resolve(p.peer);
      if (!info) continue;
      if (info.country) {
        let c = byCountry.get(info.country);
        if (!c) byCountry.set(info.country, (c = { country: info.country, bytes: 0, bytesIn: 0, bytesOut: 0, peers: [], minutesSeen: this.countries.get(info.country) ?? 0 }));
        c.bytes += p.bytes;
        if (p.direction === "in") c.bytesIn += p.bytes;
        else c.bytesOut += p.bytes;
        c.peers.push({ peer: p.peer, direction: p.direction, bytes: p.bytes, ...(info.asn !== undefined ? { asn: info.asn } : {}), ...(info.asOrg ? { asOrg: info.asOrg } : {}) });
      }
      if (info.asn !== undefined) {
        let a = byAsn.get(info.asn);
        if (!a) byAsn.set(info.asn, (a = { asn: info.asn, ...(info.asOrg ? { asOrg: info.asOrg } : {}), ...(info.country ? { country: info.country } : {}), bytes: 0, minutesSeen: this.asns.get(info.asn) ?? 0 }));
        a.bytes += p.bytes;
      }
    }
    return {
      countries: [...byCountry.values()].sort((a, b) => b.bytes - a.bytes),
      asns: [...byAsn.values()].sort((a, b) => b.bytes - a.bytes),
      externalBytes,
      learntMinutes: this.geoMinutes,
      allowedCountries: device && this.options.allowedCountries ? this.options.allowedCountries(device) : null,
    };
  }
}

function push<T>(ring: T[], item: T, max: number): void {
  ring.push(item);
  if (ring.length > max) ring.shift();
}

function learnSlot(slots: Float32Array, slot: number, mix: Float64Array, maxWeight: number): void {
  const o = slot * SLOT;
  const n = slots[o]! + 1;
  slots[o] = n;
  const alpha = 1 / Math.min(n, maxWeight);
  for (let i = 0; i < MIX_LENGTH; i++) slots[o + 1 + i] = slots[o + 1 + i]! + alpha * (mix[i]! - slots[o + 1 + i]!);
}

function referencesAt(slots: Float32Array, ts: number): MixReference[] {
  const how = hourOfWeekAt(ts);
  const hod = Math.floor((((ts % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR)) / HOUR);
  const out: MixReference[] = [];
  for (const [kind, hour, slot] of [
    ["hour-of-week", how, how],
    ["hour-of-day", hod, HOURS_PER_WEEK + hod],
  ] as const) {
    const o = slot * SLOT;
    const minutes = slots[o]!;
    if (minutes > 0) out.push({ kind, hour, minutes, mix: Float64Array.from(slots.subarray(o + 1, o + SLOT)) });
  }
  return out;
}
