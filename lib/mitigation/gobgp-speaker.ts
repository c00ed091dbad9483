// The product's BgpSpeaker: drives GoBGP's daemon (gobgpd, 3.x API) over gRPC. Tidewatch originates
// paths into gobgpd's global RIB (AddPath / DeletePath) and gobgpd carries them to its BGP peers, the
// edge routers, which blackhole what carries 65535:666 and apply FlowSpec rules (RFC 8955). gobgpd's
// RIB is the truth of what is announced (ListPath), so a restarted Tidewatch reads it back to reconcile.
//
// The protos are vendored from Debian's golang-github-osrg-gobgp-dev 3.10.0 (matching Debian's gobgpd)
// and loaded at run time with @grpc/proto-loader. google.protobuf.Any fields (NLRIs, path attributes)
// are written and read in protobufjs' JSON form, { "@type": "type.googleapis.com/apipb.X", ...fields }.
//
// Assumes the gobgpd is Tidewatch's own: every locally originated blackhole (65535:666) or FlowSpec
// discard/rate-limit path in its global RIB is reported as announced by Tidewatch.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import ipaddr from "ipaddr.js";
import type { AnnouncedRoute, BgpSpeaker, MitigationRoute } from "./bgp-speaker";
import { canonicalPrefix } from "./prefix-safety";
import { routeKey } from "./route-text";

export interface GobgpSpeakerOptions {
  /** gobgpd's gRPC API, host:port. */
  address: string;
  /** Time limit of each gRPC call, in milliseconds. */
  timeoutMs: number;
  /** Next hop of IPv4 blackholes without their own (MITIGATION_NEXT_HOP). */
  nextHop: string;
  /** Next hop of IPv6 blackholes without their own (MITIGATION_NEXT_HOP_V6). */
  nextHopV6: string;
}

/** A failed call to gobgpd, saying what was attempted and why it failed, in an operator's words. */
export class GobgpError extends Error {
  constructor(
    message: string,
    /** The gRPC status code (14 UNAVAILABLE: gobgpd not reachable; 4 DEADLINE_EXCEEDED: no answer in time). */
    public readonly code: number | undefined,
  ) {
    super(message);
    this.name = "GobgpError";
  }
}

const TYPE = "type.googleapis.com/apipb.";

/** RFC 7999 BLACKHOLE: every blackhole carries it, and only paths with it are read back as blackholes. */
const BLACKHOLE_COMMUNITY = "65535:666";

// FlowSpec component types (RFC 8955 section 4.2.2) and numeric operator bits.
const FS_DST_PREFIX = 1;
const FS_SRC_PREFIX = 2;
const FS_IP_PROTO = 3;
const FS_DST_PORT = 5;
const FS_SRC_PORT = 6;
const FS_OP_EQ = 0x01;
const FS_OP_LT = 0x04;
const FS_OP_GT = 0x02;
const FS_OP_AND = 0x40;

// Traffic-rate extended community (RFC 8955 section 7.3): type 0x80, sub-type 0x06; rate 0 discards.
const EXT_TRAFFIC_RATE = "TrafficRateExtended";

type Family = { afi: "AFI_IP" | "AFI_IP6"; safi: "SAFI_UNICAST" | "SAFI_FLOW_SPEC_UNICAST" };
const FAMILIES: readonly Family[] = [
  { afi: "AFI_IP", safi: "SAFI_UNICAST" },
  { afi: "AFI_IP6", safi: "SAFI_UNICAST" },
  { afi: "AFI_IP", safi: "SAFI_FLOW_SPEC_UNICAST" },
  { afi: "AFI_IP6", safi: "SAFI_FLOW_SPEC_UNICAST" },
];

/** An Any in protobufjs' JSON form. */
type AnyJson = { "@type": string; [field: string]: unknown };
interface ApiPath {
  family: Family;
  nlri: AnyJson;
  pattrs: AnyJson[];
  neighborIp?: string;
  isWithdraw?: boolean;
}

type Callback<T> = (err: grpc.ServiceError | null, value?: T) => void;
interface GobgpClient extends grpc.Client {
  addPath(req: unknown, options: grpc.CallOptions, cb: Callback<unknown>): void;
  deletePath(req: unknown, options: grpc.CallOptions, cb: Callback<unknown>): void;
  listPath(req: unknown, options: grpc.CallOptions): grpc.ClientReadableStream<{ destination?: { paths?: ApiPath[] } }>;
}

type GobgpClientCtor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => GobgpClient;
let serviceCtor: GobgpClientCtor | undefined;

// gRPC's reconnect backoff grows to 120 s by default, and calls fail at once while it waits: after a
// 40 s outage of gobgpd the speaker answered 19.6 s after gobgpd was back, 0.8 s with these (a local
// daemon: retrying every 2 s is cheap).
const CHANNEL_OPTIONS: grpc.ChannelOptions = { "grpc.initial_reconnect_backoff_ms": 500, "grpc.max_reconnect_backoff_ms": 2_000 };

function protoDir(): string {
  // Next to this file when run from source (tsx); from the project root when bundled elsewhere.
  const candidates = [
    fileURLToPath(new URL("./gobgp-proto", import.meta.url)),
    path.join(process.cwd(), "lib", "mitigation", "gobgp-proto"),
  ];
  const found = candidates.find((dir) => existsSync(path.join(dir, "gobgp.proto")));
  if (!found) throw new Error(`the gobgp protos were not found (looked in ${candidates.join(", ")})`);
  return found;
}

function gobgpApi() {
  if (!serviceCtor) {
    const definition = protoLoader.loadSync(["gobgp.proto", "attribute.proto", "capability.proto"], {
      includeDirs: [protoDir()],
      keepCase: false,
      longs: Number,
      enums: String,
      defaults: false,
      oneofs: true,
      // Any fields as { "@type", ...fields } both ways.
      json: true,
    });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      apipb: { GobgpApi: GobgpClientCtor };
    };
    serviceCtor = loaded.apipb.GobgpApi;
  }
  return serviceCtor;
}

export class GobgpSpeaker implements BgpSpeaker {
  private readonly client: GobgpClient;
  private closed = false;

  constructor(private readonly options: GobgpSpeakerOptions) {
    const Api = gobgpApi();
    this.client = new Api(options.address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  }

  async announce(route: MitigationRoute): Promise<void> {
    const path = toApiPath(route, this.options);
    await this.unary("announce", route, (cb) =>
      this.client.addPath({ tableType: "GLOBAL", path }, this.callOptions(), cb),
    );
  }

  async withdraw(route: MitigationRoute): Promise<void> {
    // gobgpd removes the path with this NLRI, whatever its attributes; withdrawing an absent one is a no-op.
    const path = toApiPath(route, this.options);
    await this.unary("withdraw", route, (cb) =>
      this.client.deletePath({ tableType: "GLOBAL", family: path.family, path }, this.callOptions(), cb),
    );
  }

  async listAnnounced(): Promise<AnnouncedRoute[]> {
    const found = new Map<string, AnnouncedRoute>();
    for (const family of FAMILIES) {
      for (const path of await this.listPaths(family)) {
        if (!isLocal(path) || path.isWithdraw) continue;
        const route = fromApiPath(path);
        if (route) found.set(routeKey(route), { route, key: routeKey(route) });
      }
    }
    return [...found.values()];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
  }

  private callOptions(): grpc.CallOptions {
    return { deadline: new Date(Date.now() + this.options.timeoutMs) };
  }

  private unary(what: string, route: MitigationRoute, call: (cb: Callback<unknown>) => void): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the gobgp speaker is closed"));
    return new Promise((resolve, reject) => {
      call((err) => (err ? reject(this.describe(err, `${what} ${routeKey(route)}`)) : resolve()));
    });
  }

  private listPaths(family: Family): Promise<ApiPath[]> {
    if (this.closed) return Promise.reject(new Error("the gobgp speaker is closed"));
    return new Promise((resolve, reject) => {
      const paths: ApiPath[] = [];
      const stream = this.client.listPath({ tableType: "GLOBAL", family }, this.callOptions());
      stream.on("data", (response) => paths.push(...(response.destination?.paths ?? [])));
      stream.on("error", (err: grpc.ServiceError) => reject(this.describe(err, `list the ${familyName(family)} routes`)));
      stream.on("end", () => resolve(paths));
    });
  }

  private describe(err: grpc.ServiceError, what: string): GobgpError {
    const where = `gobgpd at ${this.options.address} (GOBGP_API)`;
    switch (err.code) {
      case grpc.status.UNAVAILABLE:
        return new GobgpError(`could not ${what}: ${where} is unreachable (${err.details || err.message})`, err.code);
      case grpc.status.DEADLINE_EXCEEDED:
        return new GobgpError(`could not ${what}: ${where} did not answer within ${this.options.timeoutMs / 1000} s`, err.code);
      default:
        return new GobgpError(`could not ${what}: ${where} refused it: ${err.details || err.message}`, err.code);
    }
  }
}

function familyName(family: Family): string {
  return `${family.afi === "AFI_IP" ? "IPv4" : "IPv6"} ${family.safi === "SAFI_UNICAST" ? "unicast" : "FlowSpec"}`;
}

function isLocal(path: ApiPath): boolean {
  return !path.neighborIp || path.neighborIp === "<nil>";
}

// ---- MitigationRoute → gobgp API path ----

/** The gobgp API path for a route (exported for tests of the encoding). Throws on a malformed route. */
export function toApiPath(route: MitigationRoute, options: Pick<GobgpSpeakerOptions, "nextHop" | "nextHopV6">): ApiPath {
  const origin: AnyJson = { "@type": `${TYPE}OriginAttribute`, origin: 0 }; // IGP
  if (route.kind === "blackhole") {
    const [addr, bits] = parsePrefix(route.prefix, "prefix");
    const v4 = addr.kind() === "ipv4";
    const family: Family = { afi: v4 ? "AFI_IP" : "AFI_IP6", safi: "SAFI_UNICAST" };
    const nlri: AnyJson = { "@type": `${TYPE}IPAddressPrefix`, prefixLen: bits, prefix: addr.toString() };
    const nextHop = route.nextHop ?? (v4 ? options.nextHop : options.nextHopV6);
    if (!ipaddr.isValid(nextHop) || ipaddr.parse(nextHop).kind() !== addr.kind()) {
      throw new Error(`next hop "${nextHop}" is not an ${v4 ? "IPv4" : "IPv6"} address for ${route.prefix}`);
    }
    const communities = [...new Set([BLACKHOLE_COMMUNITY, ...route.communities])].map(encodeCommunity);
    const pattrs: AnyJson[] = [
      origin,
      // IPv6 routes carry their next hop and NLRI in MP_REACH_NLRI (RFC 4760).
      v4
        ? { "@type": `${TYPE}NextHopAttribute`, nextHop }
        : { "@type": `${TYPE}MpReachNLRIAttribute`, family, nextHops: [nextHop], nlris: [nlri] },
      { "@type": `${TYPE}CommunitiesAttribute`, communities },
    ];
    return { family, nlri, pattrs };
  }

  const [dst, dstBits] = parsePrefix(route.destination, "destination");
  const v4 = dst.kind() === "ipv4";
  const family: Family = { afi: v4 ? "AFI_IP" : "AFI_IP6", safi: "SAFI_FLOW_SPEC_UNICAST" };
  const rules: AnyJson[] = [flowPrefix(FS_DST_PREFIX, dst, dstBits)];
  if (route.source) {
    const [src, srcBits] = parsePrefix(route.source, "source");
    if (src.kind() !== dst.kind()) throw new Error(`source ${route.source} and destination ${route.destination} are of different IP versions`);
    rules.push(flowPrefix(FS_SRC_PREFIX, src, srcBits));
  }
  const numeric = (type: number, values: readonly number[] | undefined, max: number, field: string) => {
    if (!values?.length) return;
    const unique = [...new Set(values)].sort((a, b) => a - b);
    for (const v of unique) {
      if (!Number.isInteger(v) || v < 0 || v > max) throw new Error(`${field} ${v} is not an integer from 0 to ${max}`);
    }
    // Items without the AND bit are ORed: "any of these values" (gobgpd adds the length and end-of-list bits).
    rules.push({ "@type": `${TYPE}FlowSpecComponent`, type, items: unique.map((value) => ({ op: FS_OP_EQ, value })) });
  };
  numeric(FS_IP_PROTO, route.protocols, 255, "protocol");
  numeric(FS_DST_PORT, route.destinationPorts, 65535, "destination port");
  numeric(FS_SRC_PORT, route.sourcePorts, 65535, "source port");
  const nlri: AnyJson = { "@type": `${TYPE}FlowSpecNLRI`, rules };

  const rate = route.action.type === "discard" ? 0 : route.action.bytesPerSecond;
  if (!Number.isFinite(rate) || rate < 0) throw new Error(`rate limit ${rate} is not a number of bytes per second ≥ 0`);
  const pattrs: AnyJson[] = [
    origin,
    // FlowSpec has no next hop of its own (RFC 8955 section 4): gobgpd's own CLI sends the zero address.
    { "@type": `${TYPE}MpReachNLRIAttribute`, family, nextHops: [v4 ? "0.0.0.0" : "::"], nlris: [nlri] },
    {
      "@type": `${TYPE}ExtendedCommunitiesAttribute`,
      communities: [{ "@type": `${TYPE}${EXT_TRAFFIC_RATE}`, asn: 0, rate }],
    },
  ];
  return { family, nlri, pattrs };
}

function flowPrefix(type: number, addr: ipaddr.IPv4 | ipaddr.IPv6, bits: number): AnyJson {
  const rule: AnyJson = { "@type": `${TYPE}FlowSpecIPPrefix`, type, prefixLen: bits, prefix: addr.toString() };
  if (addr.kind() === "ipv6") rule.offset = 0;
  return rule;
}

function parsePrefix(text: string, field: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  try {
    const canonical = canonicalPrefix(text);
    return ipaddr.parseCIDR(canonical);
  } catch {
    throw new Error(`${field} "${text}" is not a prefix such as 203.0.113.7/32`);
  }
}

/** "65535:666" → 0xFFFF029A. */
export function encodeCommunity(text: string): number {
  const m = /^(\d{1,5}):(\d{1,5})$/.exec(text.trim());
  const high = m ? Number(m[1]) : NaN;
  const low = m ? Number(m[2]) : NaN;
  if (!(high <= 0xffff && low <= 0xffff)) throw new Error(`community "${text}" is not asn:value with both parts from 0 to 65535`);
  return ((high << 16) | low) >>> 0;
}

export function decodeCommunity(value: number): string {
  return `${value >>> 16}:${value & 0xffff}`;
}

// ---- gobgp API path → MitigationRoute ----

/** The mitigation route a path from gobgpd's RIB stands for, or null when it is not one Tidewatch makes. */
export function fromApiPath(path: ApiPath): MitigationRoute | null {
  const nlri = path.nlri;
  const type = nlri?.["@type"];
  const attr = (name: string) => path.pattrs?.find((p) => p["@type"] === `${TYPE}${name}`);
  if (type === `${TYPE}IPAddressPrefix`) {
    const communities = ((attr("CommunitiesAttribute")?.communities as number[] | undefined) ?? []).map(decodeCommunity);
    if (!communities.includes(BLACKHOLE_COMMUNITY)) return null;
    const nextHop =
      (attr("NextHopAttribute")?.nextHop as string | undefined) ??
      ((attr("MpReachNLRIAttribute")?.nextHops as string[] | undefined) ?? [])[0];
    return {
      kind: "blackhole",
      prefix: canonicalPrefix(`${nlri.prefix as string}/${Number(nlri.prefixLen ?? 0)}`),
      communities,
      ...(nextHop ? { nextHop } : {}),
    };
  }
  if (type === `${TYPE}FlowSpecNLRI`) {
    const rate = (
      (attr("ExtendedCommunitiesAttribute")?.communities as AnyJson[] | undefined) ?? []
    ).find((c) => c["@type"] === `${TYPE}${EXT_TRAFFIC_RATE}`);
    if (!rate) return null;
    let destination: string | undefined;
    let source: string | undefined;
    const lists: Record<number, number[]> = {};
    for (const rule of (nlri.rules as AnyJson[] | undefined) ?? []) {
      const ruleType = Number(rule.type ?? 0);
      if (rule["@type"] === `${TYPE}FlowSpecIPPrefix`) {
        const prefix = canonicalPrefix(`${rule.prefix as string}/${Number(rule.prefixLen ?? 0)}`);
        if (ruleType === FS_DST_PREFIX) destination = prefix;
        else if (ruleType === FS_SRC_PREFIX) source = prefix;
        else return null;
      } else if (rule["@type"] === `${TYPE}FlowSpecComponent` && [FS_IP_PROTO, FS_DST_PORT, FS_SRC_PORT].includes(ruleType)) {
        const items = (rule.items as { op?: number; value?: number }[] | undefined) ?? [];
        // Only "equals v1 or v2 ..." is a MitigationRoute; ranges and ANDs are someone else's rule.
        if (items.some((i) => ((i.op ?? 0) & (FS_OP_EQ | FS_OP_LT | FS_OP_GT | FS_OP_AND)) !== FS_OP_EQ)) return null;
        lists[ruleType] = items.map((i) => Number(i.value ?? 0));
      } else {
        return null;
      }
    }
    if (!destination) return null;
    const bytesPerSecond = Number(rate.rate ?? 0);
    return {
      kind: "flowspec",
      destination,
      ...(source ? { source } : {}),
      ...(lists[FS_IP_PROTO] ? { protocols: lists[FS_IP_PROTO] } : {}),
      ...(lists[FS_DST_PORT] ? { destinationPorts: lists[FS_DST_PORT] } : {}),
      ...(lists[FS_SRC_PORT] ? { sourcePorts: lists[FS_SRC_PORT] } : {}),
      action: bytesPerSecond === 0 ? { type: "discard" } : { type: "rate-limit", bytesPerSecond },
    };
  }
  return null;
}
