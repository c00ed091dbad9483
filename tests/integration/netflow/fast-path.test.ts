// The fast path on the real path: a worker process fed a UDP flood as NetFlow v9 over loopback stores
// a DDoS alert for the attacked host within 10 s of the flood's first datagram (the minute pipeline
// alone needs the minute plus its lateness allowance), saying it came from the fast path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { floodToAlert, startFloodWorker, type FloodWorker } from "../../../scripts/lib/flood-to-alert";
import { createTestDatabase, type TestDatabase } from "../test-database";

let t: TestDatabase;
let worker: FloodWorker;

beforeAll(async () => {
  t = await createTestDatabase();
  // the minute pipeline waits its default 90 s lateness: only the fast path can alert within the test
  worker = await startFloodWorker(t.prisma, t.url);
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  await t?.drop();
});

describe("the fast path for volumetric floods", () => {
  it("stores the flood's alert within 10 s of its first flow, from the fast path, naming the window, rate and top sources", { timeout: 40_000 }, async () => {
    const host = "10.66.0.1";
    const timing = await floodToAlert(t.prisma, worker.netflowPort, { host, pps: 200_000, sources: 200 }, 20_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${worker.output().slice(-3000)}`);
    });
    expect(timing.msToAlert).toBeGreaterThan(0);
    expect(timing.msToAlert).toBeLessThan(10_000);
    const alert = await t.prisma.alert.findUniqueOrThrow({ where: { id: timing.alertId }, include: { device: true } });
    expect(alert).toMatchObject({ detector: "flow-ddos-fast", alertType: "ddos", dedupKey: `${alert.deviceId}:ddos`, status: "open" });
    expect(alert.device.name).toBe(host);
    expect(["high", "critical"]).toContain(alert.severity);
    const evidence = alert.evidence as Record<string, unknown>;
    expect(evidence).toMatchObject({ fastPath: true, host, window: { seconds: 5 } });
    // an open window is judged on its counts so far over the whole window's length (a lower bound of the
    // flood's rate), so the reported rate is at least the cold-host minimum of 50,000 packets/s
    expect(evidence.packetsPerSec as number).toBeGreaterThanOrEqual(50_000);
    expect((evidence.topSources as { peer: string }[])[0]!.peer).toMatch(/^198\.18\./);
    expect((evidence.topPorts as { port: string }[])[0]!.port).toMatch(/^17\//);
    // one alert for the host, however many windows the flood lasted
    expect(await t.prisma.alert.count({ where: { deviceId: alert.deviceId } })).toBe(1);
  });
});
