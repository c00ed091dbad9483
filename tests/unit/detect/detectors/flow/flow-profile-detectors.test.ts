// The protocol-shift, lateral-movement and geography detectors over the pure path the worker takes:
// flow records → the flow rollup's device-minute (protocol mix, top ports, internal contacts, top
// external peers) → the detection engine's per-device flow profile → the detector. Each anomaly is
// found; each benign look-alike (a small minute, one odd minute, the usual servers, a probe sweep, a
// CDN node in a new country serving little) is not.
import { describe, expect, it } from "vitest";
import { countryBreakdownOf } from "@/lib/alerts/country-breakdown";
import { DetectionEngine } from "@/lib/detect/detection-engine";
import type { Detection, RunnableDetector } from "@/lib/detect/detector";
import type { GeoInfo, GeoResolver } from "@/lib/detect/baseline/flow-profile";
import { geoAnomalyDetector } from "@/lib/detect/detectors/flow/geo-anomaly-detector";
import { lateralMovementDetector } from "@/lib/detect/detectors/flow/lateral-movement-detector";
import { jensenShannonDistance, protocolShiftDetector } from "@/lib/detect/detectors/flow/protocol-shift-detector";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { FlowRollup, MAX_INTERNAL_CONTACTS } from "@/lib/telemetry/flow-rollup";
import { allowedCountriesFor, parseAllowedCountries } from "@/lib/telemetry/geo/allowed-countries";
import { emptyMetricValues, type MetricSample } from "@/lib/telemetry/metrics";
import { trainBaselineIndex, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Monday 2026-12-07 10:00 UTC. */
const T0 = Date.UTC(2026, 11, 7, 10, 0);
const HOST = "10.1.1.10";
const DEVICE = { name: "ws-finance-1", address: HOST, role: "workstation", site: "hq" };

type F = Pick<FlowRecord, "dstAddr" | "dstPort" | "protocol" | "bytes" | "packets"> & Partial<FlowRecord>;

/** The rollup's summary of HOST for one minute of flows it sent. */
function minuteOf(rollup: FlowRollup, t: number, flows: readonly F[]) {
  for (const f of flows) {
    rollup.add({ exporter: "10.0.0.1", srcAddr: HOST, srcPort: 49152 + (f.dstPort % 1000), startMs: t + 1000, endMs: t + 30_000, tcpFlags: 0x1b, inputIf: 1, outputIf: 2, samplingRate: 1, ...f });
  }
  const rows = rollup.flushBefore(t + MINUTE);
  return rows.find((r) => r.address === HOST && !r.exporter);
}

function runner(detectors: RunnableDetector[], opts: { configs?: Record<string, unknown>; geo?: GeoResolver; allowed?: string; baselines?: ReadonlyMap<number, BaselineIndex> } = {}) {
  const rollup = new FlowRollup({ isInternal: createSubnetMatcher(["10.0.0.0/8"]) });
  const rules = parseAllowedCountries(opts.allowed);
  const engine = new DetectionEngine({
    detectors,
    configFor: (id) => opts.configs?.[id],
    flowProfile: { ...(opts.geo ? { geo: opts.geo } : {}), allowedCountries: (d) => allowedCountriesFor(rules, d) },
  });
  if (opts.baselines) engine.setBaselines(opts.baselines);
  return (t: number, flows: readonly F[]): Detection[] => {
    const summary = minuteOf(rollup, t, flows);
    // flows/s from the flows, as the router fills it for a device without its own counter
    const values = { ...emptyMetricValues(), flowsPerSec: summary ? summary.flows / 60 : null };
    const { detections, failures } = engine.observe({ deviceId: 1, ts: new Date(t), values }, DEVICE, summary);
    expect(failures).toEqual([]);
    return detections;
  };
}

const web = (i: number): F => ({ dstAddr: `93.184.216.${(i % 20) + 1}`, dstPort: 443, protocol: 6, bytes: 20_000, packets: 30 });
const dns = (i: number): F => ({ dstAddr: "10.0.0.53", dstPort: 53, protocol: 17, bytes: 200, packets: 2, srcPort: 50_000 + i });
/** An ordinary minute: 30 HTTPS sessions and 5 DNS lookups (~600 KB, TCP ~99 % of bytes). */
const usualMinute = (): F[] => [...Array.from({ length: 30 }, (_, i) => web(i)), ...Array.from({ length: 5 }, (_, i) => dns(i))];

describe("protocol shift", () => {
  /** An hour of usual minutes at 10:00 on the day before `T0 + DAY` (the hour-of-day mix is learnt). */
  function learnt(run: ReturnType<typeof runner>) {
    for (let m = 0; m < 60; m++) expect(run(T0 + m * MINUTE, usualMinute())).toEqual([]);
  }
  /** UDP to port 4444 taking 80 % of the bytes. */
  const udpFlood = (): F[] => [...usualMinute(), ...Array.from({ length: 40 }, (_, i) => ({ dstAddr: `198.51.100.${i + 1}`, dstPort: 4444, protocol: 17, bytes: 60_000, packets: 50 }))];

  it("UDP taking most of the bytes where it is usually ~0 % is found after three far minutes, naming the share and the port", () => {
    const run = runner([protocolShiftDetector]);
    learnt(run);
    const next = T0 + DAY;
    expect(run(next, usualMinute())).toEqual([]);
    expect(run(next + MINUTE, udpFlood())).toEqual([]);
    expect(run(next + 2 * MINUTE, udpFlood())).toEqual([]);
    const [d] = run(next + 3 * MINUTE, udpFlood());
    expect(d).toMatchObject({ anomalyType: "protocol_shift" });
    // the part that moved most leads the explanation (here the bytes per service); the protocol shares are evidence
    expect(d!.explanation).toMatch(/other 80 % against 3 %.*Top destination ports: 4444 \(80 %\)/);
    const udp = (d!.evidence!.protocolBytes as { name: string; now: number; usual: number }[]).find((x) => x.name === "UDP")!;
    expect(udp.now).toBeCloseTo(0.8, 1);
    expect(udp.usual).toBeLessThan(0.05); // the flood's first minutes are learnt too
    expect(d!.score).toBeGreaterThanOrEqual(0.3);
  });

  it("leaves a mix moved by a flood of flows (×4 the usual for the hour, from the trained baseline) to the flood and scan detectors", () => {
    // the usual 35 flows a minute, trained over two weeks; the flood adds 40 UDP flows (×2.1: still judged) or 200 more (×7.9: not)
    const usual: MetricSample[] = [];
    for (let t = T0 - 14 * DAY; t < T0; t += 5 * MINUTE) usual.push({ deviceId: 1, ts: new Date(t), values: { ...emptyMetricValues(), flowsPerSec: 35 / 60 } });
    const baselines = new Map([[1, trainBaselineIndex(usual)]]);
    const flood = (): F[] => [...udpFlood(), ...Array.from({ length: 200 }, (_, i) => ({ dstAddr: `198.51.100.${(i % 200) + 1}`, dstPort: 4444, protocol: 17, bytes: 500, packets: 1, srcPort: 30_000 + i }))];
    for (const [minute, found] of [[udpFlood, true], [flood, false]] as const) {
      const run = runner([protocolShiftDetector], { baselines });
      learnt(run);
      const detections = [0, 1, 2, 3].flatMap((m) => run(T0 + DAY + m * MINUTE, minute()));
      expect(detections.length > 0, minute === flood ? "flood" : "udp shift").toBe(found);
    }
  });

  it.each<[string, () => F[]]>([
    ["a small minute (a few UDP flows) cannot look far away", () => Array.from({ length: 4 }, (_, i) => ({ dstAddr: "198.51.100.1", dstPort: 4444, protocol: 17, bytes: 50_000, packets: 40, srcPort: 40_000 + i }))],
    ["the usual mix", usualMinute],
  ])("not found: %s", (_name, minute) => {
    const run = runner([protocolShiftDetector]);
    learnt(run);
    for (let m = 0; m < 5; m++) expect(run(T0 + DAY + m * MINUTE, minute())).toEqual([]);
  });

  it("one far minute between usual ones is not found (three in a row are needed), nor is an hour never learnt (cold start)", () => {
    const run = runner([protocolShiftDetector]);
    learnt(run);
    expect([run(T0 + DAY, udpFlood()), run(T0 + DAY + MINUTE, usualMinute()), run(T0 + DAY + 2 * MINUTE, udpFlood())].flat()).toEqual([]);
    const cold = runner([protocolShiftDetector]);
    for (let m = 0; m < 5; m++) expect(cold(T0 + m * MINUTE, udpFlood())).toEqual([]);
  });

  it.each<[string, number[], number[], number]>([
    ["same distribution", [0.5, 0.5], [0.5, 0.5], 0],
    ["disjoint", [1, 0], [0, 1], 1],
    ["scale does not matter", [2, 2], [0.5, 0.5], 0],
  ])("Jensen–Shannon distance: %s", (_n, p, q, expected) => {
    expect(jensenShannonDistance(p, q)).toBeCloseTo(expected, 6);
  });
});

describe("lateral movement", () => {
  const configs = { "flow-lateral-movement": { learnMinutes: 30 } };
  /** The workstation's usual internal servers: a file share and an intranet site. */
  const usualInternal = (): F[] => [
    { dstAddr: "10.1.2.1", dstPort: 445, protocol: 6, bytes: 50_000, packets: 60 },
    { dstAddr: "10.1.2.2", dstPort: 443, protocol: 6, bytes: 30_000, packets: 40 },
  ];
  function learnt(run: ReturnType<typeof runner>) {
    for (let m = 0; m < 30; m++) expect(run(T0 + m * MINUTE, [...usualMinute(), ...usualInternal()])).toEqual([]);
  }
  const session = (host: number, port: number): F => ({ dstAddr: `10.1.3.${host}`, dstPort: port, protocol: 6, bytes: 8_000, packets: 20 });

  it("sessions to 8 internal hosts never contacted before, over SMB and RDP within two minutes, are found with the ports and peers", () => {
    const run = runner([lateralMovementDetector], { configs });
    learnt(run);
    const t = T0 + 30 * MINUTE;
    expect(run(t, [...usualInternal(), ...[1, 2, 3].map((h) => session(h, 445))])).toEqual([]);
    const [d] = run(t + MINUTE, [...usualInternal(), ...[4, 5, 6].map((h) => session(h, 445)), ...[7, 8].map((h) => session(h, 3389))]);
    expect(d).toMatchObject({ anomalyType: "lateral_movement", evidence: { newPeers: 8, ports: [{ port: 445, service: "SMB", count: 6 }, { port: 3389, service: "RDP", count: 2 }] } });
    expect(d!.explanation).toContain("8 internal hosts never contacted before");
  });

  it.each<[string, F[]]>([
    ["the usual file share and intranet, every minute", usualInternal()],
    // bare probes: the port-scan detector's, not this one's
    ["a sweep of one-packet probes to 40 hosts", Array.from({ length: 40 }, (_, i) => ({ dstAddr: `10.1.4.${i + 1}`, dstPort: 445, protocol: 6, bytes: 60, packets: 1 }))],
    ["two new servers on a web port (a new intranet app)", [session(20, 443), session(21, 443)]],
  ])("not found: %s", (_name, flows) => {
    const run = runner([lateralMovementDetector], { configs });
    learnt(run);
    for (let m = 0; m < 5; m++) expect(run(T0 + (30 + m) * MINUTE, [...usualInternal(), ...flows])).toEqual([]);
  });

  it("is not judged before the device has been learnt (a first day of fan-out is its usual)", () => {
    const run = runner([lateralMovementDetector]);
    expect(run(T0, Array.from({ length: 10 }, (_, i) => session(i + 1, 445)))).toEqual([]);
  });

  it("itemises at most MAX_INTERNAL_CONTACTS connections per device-minute, counting the rest", () => {
    const rollup = new FlowRollup({ isInternal: createSubnetMatcher(["10.0.0.0/8"]) });
    const row = minuteOf(rollup, T0, Array.from({ length: 100 }, (_, i) => session(i + 1, 445)));
    expect(row!.internalContacts).toHaveLength(MAX_INTERNAL_CONTACTS);
    expect(row!.internalContactsDropped).toBe(100 - MAX_INTERNAL_CONTACTS);
  });
});

describe("geographic and ASN anomalies", () => {
  // a table standing in for the shipped databases (lib/telemetry/geo/ip-geo.ts reads those)
  const PLACES: Record<string, GeoInfo> = {
    "93.184.216": { country: "US", asn: 15133, asOrg: "Edgecast" },
    "151.101.1": { country: "CA", asn: 54113, asOrg: "Fastly, Inc." },
    "77.88.8": { country: "RU", asn: 13238, asOrg: "YANDEX LLC" },
    "185.220.101": { country: "DE", asn: 60729, asOrg: "Stiftung Erneuerbare Freiheit" },
  };
  const geo: GeoResolver = (ip) => PLACES[ip.split(".").slice(0, 3).join(".")];
  const configs = { "flow-geo-anomaly": { learnMinutes: 30 } };
  function learnt(run: ReturnType<typeof runner>) {
    for (let m = 0; m < 30; m++) expect(run(T0 + m * MINUTE, usualMinute())).toEqual([]);
  }
  const upload = (prefix: string, megabytes: number, peers = 2): F[] =>
    Array.from({ length: peers }, (_, i) => ({ dstAddr: `${prefix}.${i + 10}`, dstPort: 443, protocol: 6, bytes: (megabytes * 1e6) / peers, packets: 5000 }));

  it("20 MB to a country the device never used is found, with the country breakdown, the peers and their AS", () => {
    const run = runner([geoAnomalyDetector], { configs, geo });
    learnt(run);
    const [d] = run(T0 + 30 * MINUTE, [...usualMinute(), ...upload("77.88.8", 20)]);
    expect(d).toMatchObject({ anomalyType: "geo_anomaly", severity: "medium", evidence: { reason: "new country" } });
    const evidence = d!.evidence as { countries: { country: string; flagged: string | null }[]; peers: { country: string; asn?: number }[] };
    expect(evidence.countries.map((c) => [c.country, c.flagged])).toEqual([["RU", "new country"], ["US", null]]);
    expect(evidence.peers[0]).toMatchObject({ country: "RU", asn: 13238 });
    expect(d!.explanation).toContain("RU (new country): 20 MB with 2 peers");
    // what the alert page draws from the stored evidence
    const bars = countryBreakdownOf(JSON.parse(JSON.stringify(d!.evidence)) as Record<string, unknown>);
    expect(bars?.map((b) => [b.flag, b.country, b.flagged, b.peers])).toEqual([["🇷🇺", "RU", "new country", 2], ["🇺🇸", "US", null, 14]]); // of the minute's 16 top external peers
    expect(bars![0]!.share).toBeGreaterThan(0.95);
  });

  it("a CDN node in a new country serving a few hundred kilobytes is not reported; a new country is not judged before the device is learnt", () => {
    const run = runner([geoAnomalyDetector], { configs, geo });
    learnt(run);
    for (let m = 0; m < 5; m++) expect(run(T0 + (30 + m) * MINUTE, [...usualMinute(), ...upload("151.101.1", 0.3)])).toEqual([]);
    const cold = runner([geoAnomalyDetector], { configs, geo });
    expect(cold(T0, [...usualMinute(), ...upload("77.88.8", 20)])).toEqual([]);
  });

  it("with GEO_ALLOWED_COUNTRIES for the site, 1 MB outside the list is found from the first minute; inside the list, nothing", () => {
    const run = runner([geoAnomalyDetector], { geo, allowed: "US,CA;site:hq=US" });
    const [d] = run(T0, [...usualMinute(), ...upload("185.220.101", 1)]);
    expect(d).toMatchObject({ evidence: { reason: "outside allowed list", allowedCountries: ["US"] } });
    const same = runner([geoAnomalyDetector], { geo, allowed: "US,CA;site:hq=US" });
    expect(same(T0, usualMinute())).toEqual([]);
  });

  it.each<[string, string, object, string[] | null]>([
    ["general list", "us, ca", { site: "x", role: "y" }, ["CA", "US"]],
    ["site before role", "US;site:hq=FR;role:workstation=DE", { site: "HQ", role: "workstation" }, ["FR"]],
    ["role when the site has none", "US;role:workstation=DE", { site: "hq", role: "workstation" }, ["DE"]],
    ["no setting", "", { site: "hq", role: "workstation" }, null],
  ])("GEO_ALLOWED_COUNTRIES: %s", (_n, text, device, expected) => {
    const list = allowedCountriesFor(parseAllowedCountries(text), { ...DEVICE, ...device });
    expect(list ? [...list].sort() : null).toEqual(expected);
  });

  it.each(["USA", "US;site:=FR", "site:hq=", "US=CA", "U1"])("GEO_ALLOWED_COUNTRIES %j is refused with the bad part named", (text) => {
    expect(() => parseAllowedCountries(text)).toThrow(/"/);
  });
});
