// Flow security detection on the worker's real path: NetFlow v5 datagrams over UDP to the real
// collector, the router's rollup (external peers, internal contacts), the pipeline with the shipped IP
// databases and GEO_ALLOWED_COUNTRIES, alerts in Postgres. A host sending 2 MB to Russian addresses
// under a US-only list, and opening SMB sessions to 8 internal hosts it never contacted, raises a
// geo_anomaly and a lateral_movement alert; a host talking to a US address raises neither.
import dgram from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { createLogger } from "@/lib/log";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import { allowedCountriesFor, parseAllowedCountries } from "@/lib/telemetry/geo/allowed-countries";
import { loadShippedIpGeo } from "@/lib/telemetry/geo/ip-geo";
import { encodeNetflowV5 } from "@/lib/telemetry/netflow/encode-netflow-v5";
import type { FlowExportRecord } from "@/lib/telemetry/netflow/flow-export-record";
import type { Clock } from "@/workers/clock";
import { netflowConfigSchema, startNetflowCollector } from "@/workers/collectors/netflow-collector";
import { createDetectionPipeline } from "@/workers/detection-pipeline";
import { DeviceRegistry } from "@/workers/device-registry";
import { postgresPipelineStore } from "@/workers/pipeline-store";
import { TelemetryRouter } from "@/workers/telemetry-router";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { waitFor } from "../wait-for";

const log = createLogger("test:flow-security", { level: "error" });
const MINUTE = 60_000;

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

describe("flow security alerts through the worker's path", () => {
  it("2 MB to Russia under a US-only list and SMB sessions to 8 new internal hosts become geo_anomaly and lateral_movement alerts; US traffic raises nothing", { timeout: 60_000 }, async () => {
    const now = Date.now();
    const clock = { t: now };
    const c: Clock = { now: () => clock.t, sleep: async () => undefined };
    const registry = await DeviceRegistry.load(t.prisma, log, { maxNewPerHour: 100, trustedRelays: [], now: () => clock.t });
    const allowed = parseAllowedCountries("US");
    const pipeline = createDetectionPipeline({
      store: postgresPipelineStore(t.prisma, pool()),
      lookupDevice: (id) => registry.get(id),
      log,
      clock: c,
      // judged from the first minute here (the product learns a day of the device's flows first)
      detectorConfigs: { "flow-lateral-movement": { learnMinutes: 0 } },
      flowProfile: { geo: loadShippedIpGeo().lookup, allowedCountries: (d) => allowedCountriesFor(allowed, d) },
    });
    const router = new TelemetryRouter({ pipeline, registry, clock: c, log, isInternal: createSubnetMatcher(["10.0.0.0/8"]), failureKeywords: () => [] });
    const collector = await startNetflowCollector({ config: netflowConfigSchema.parse({ port: 0, host: "127.0.0.1" }), sink: router, log, now: () => Date.now() });
    try {
      // inside one minute: a flow spanning a minute boundary has its bytes shared between the two minutes
      const minuteStart = Math.floor((now - MINUTE) / MINUTE) * MINUTE;
      const end = minuteStart + 40_000;
      const rec = (srcAddr: string, dstAddr: string, dstPort: number, bytes: number, packets: number): FlowExportRecord => ({
        srcAddr,
        dstAddr,
        srcPort: 50_000 + (dstPort % 1000),
        dstPort,
        protocol: 6,
        bytes,
        packets,
        startMs: end - 20_000,
        endMs: end,
        tcpFlags: 0x1b,
      });
      const records = [
        // Yandex's 77.88.8.0/24 (RU in the shipped DB-IP database)
        ...Array.from({ length: 10 }, (_, i) => rec("10.1.1.10", `77.88.8.${1 + (i % 2)}`, 443, 200_000, 300)),
        ...Array.from({ length: 8 }, (_, i) => rec("10.1.1.10", `10.1.3.${i + 1}`, 445, 8_000, 20)),
        // Google's 8.8.8.8 (US): allowed
        ...Array.from({ length: 10 }, () => rec("10.1.1.11", "8.8.8.8", 443, 200_000, 300)),
      ];
      const datagrams = encodeNetflowV5(records, { exportMs: now }).datagrams;
      const sock = dgram.createSocket("udp4");
      for (const d of datagrams) await new Promise<void>((resolve, reject) => sock.send(d, collector.ports.udp!, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
      sock.close();
      await waitFor(`${records.length} records`, () => collector.stats().records === records.length);

      clock.t += 3 * MINUTE;
      await router.flush();

      const alerts = await t.prisma.alert.findMany({ include: { device: { select: { name: true, managementIp: true } } } });
      const of = (type: string) => alerts.filter((a) => a.alertType === type);
      const geoOfHost = of("geo_anomaly").find((a) => a.device.managementIp === "10.1.1.10");
      expect(geoOfHost?.evidence).toMatchObject({ reason: "outside allowed list", allowedCountries: ["US"], countries: [{ country: "RU", bytes: 2_000_000, flagged: "outside allowed list" }] });
      expect((geoOfHost!.evidence as { peers: { asn?: number }[] }).peers[0]).toMatchObject({ asn: 13238 });
      expect(of("geo_anomaly").some((a) => a.device.managementIp === "10.1.1.11")).toBe(false);
      const lateral = of("lateral_movement");
      expect(lateral.map((a) => a.device.managementIp)).toEqual(["10.1.1.10"]);
      expect(lateral[0]!.evidence).toMatchObject({ newPeers: 8, ports: [{ port: 445, service: "SMB", count: 8 }] });
    } finally {
      await collector.stop();
    }
  });
});
