// How detector results become alerts: dedup within the cooldown, escalation, maintenance windows, and
// an alert that always describes one finding (the strongest so far) whole.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertDedupKey } from "../../lib/alerts/alert-dedup-key";
import { recordDetection } from "../../lib/db/alert-recording-queries";
import type { Detection } from "../../lib/detect/detector";
import { fastFloodDetector } from "../../lib/detect/detectors/flow/fast-flood-detector";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { makeDetection, makeDevice } from "./fixtures";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

const at = (iso: string) => ({ value: 97, ts: iso });

describe("recordDetection", () => {
  it("raises one alert with an event, then folds repeats within 15 minutes into it and escalates", async () => {
    const d = await makeDevice(t.prisma);
    const first = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: at("2026-11-17T14:00:00Z") }) });
    expect(first.created).toBe(true);
    expect(first.alert.status).toBe("open");
    const again = await recordDetection(t.prisma, {
      deviceId: d.id,
      detection: makeDetection(d.id, { observed: at("2026-11-17T14:10:00Z"), severity: "critical", score: 12 }),
    });
    expect(again.created).toBe(false);
    expect(again.alert.id).toBe(first.alert.id);
    expect(again.alert.occurrences).toBe(2);
    expect(again.alert.severity).toBe("critical");
    expect(again.alert.lastSeenAt).toBe("2026-11-17T14:10:00.000Z");

    const later = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: at("2026-11-17T14:40:00Z") }) });
    expect(later.created).toBe(true);
    expect(await t.prisma.alert.count({ where: { deviceId: d.id } })).toBe(2);
    const types = (await t.prisma.event.findMany({ orderBy: { id: "asc" } })).map((e) => e.type);
    expect(types).toEqual(["alert.created", "alert.updated", "alert.created"]);
  });

  it("a recording retried under its write key (its first reply lost) counts once, with no second event", async () => {
    const d = await makeDevice(t.prisma);
    const first = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: at("2026-11-18T09:00:00Z") }) });
    const events = await t.prisma.event.count();
    const repeat = { deviceId: d.id, detection: makeDetection(d.id, { observed: at("2026-11-18T09:05:00Z") }), writeKey: "k-1" };
    expect((await recordDetection(t.prisma, repeat)).alert.occurrences).toBe(2);
    const retried = await recordDetection(t.prisma, repeat);
    expect(retried).toMatchObject({ created: false, replayed: true, alert: { id: first.alert.id, occurrences: 2 } });
    expect(await t.prisma.event.count()).toBe(events + 1);
    // a new recording (another key) still counts
    expect((await recordDetection(t.prisma, { ...repeat, writeKey: "k-2" })).alert.occurrences).toBe(3);
  });

  it("the minute pipeline's DDoS alert arriving minutes after the fast path's folds into it: one alert, raised when the fast path saw the flood", async () => {
    const d = await makeDevice(t.prisma);
    const windowEnd = Date.parse("2026-11-19T10:00:05Z");
    const rates = { packetsPerSec: 2_000, inboundBps: 8e6, flowsPerSec: 10, distinctSources: 20, outboundBps: 1.6e6 };
    const [fast] = fastFloodDetector.run({
      window: { host: "10.1.2.3", startMs: windowEnd - 5_000, windowMs: 5_000, judgedAtMs: windowEnd, packetsIn: 500_000, bytesIn: 4e7, flowsIn: 100, synFlowsIn: 0, distinctSources: 100, packetsOut: 1_000, bytesOut: 1e6, topSources: [], topPorts: [] },
      baseline: { windows: 100, mean: rates, peak: rates },
    });
    const first = await recordDetection(t.prisma, { deviceId: d.id, detection: { ...fast!, dedupKey: alertDedupKey(d.id, fast!) } });
    // the minute detector's finding for the minute the flood began, recorded after the lateness allowance
    const minute: Detection = { ...makeDetection(d.id), detector: "flow-ddos", anomalyType: "ddos", metric: "packetsPerSec", score: 9, severity: "critical", observed: at("2026-11-19T10:00:00Z") };
    const folded = await recordDetection(t.prisma, { deviceId: d.id, detection: { ...minute, dedupKey: alertDedupKey(d.id, minute) } });
    expect(folded).toMatchObject({ created: false, alert: { id: first.alert.id, occurrences: 2, type: "ddos", createdAt: first.alert.createdAt } });
    expect(await t.prisma.alert.count({ where: { deviceId: d.id } })).toBe(1);
  });

  it("a different metric on the same device is a separate alert", async () => {
    const d = await makeDevice(t.prisma);
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id) });
    await recordDetection(t.prisma, {
      deviceId: d.id,
      detection: makeDetection(d.id, { metric: "memoryPct", dedupKey: `${d.id}:hour-of-week-zscore:memoryPct:metric_spike` }),
    });
    expect(await t.prisma.alert.count({ where: { deviceId: d.id } })).toBe(2);
  });

  it("records an alert inside a maintenance window as suppressed, never open", async () => {
    const d = await makeDevice(t.prisma);
    const win = await t.prisma.maintenanceWindow.create({
      data: {
        scope: "device",
        deviceIds: [d.id],
        startsAt: new Date("2026-11-17T13:00:00Z"),
        endsAt: new Date("2026-11-17T15:00:00Z"),
        reason: "firmware upgrade",
      },
    });
    const r = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id), suppressedBy: { kind: "maintenance", windowId: win.id } });
    expect(r.alert.status).toBe("suppressed");
    expect(r.alert.expected.maintenanceWindowId).toBe(win.id);
  });

  it("keeps the metric, values, band, type, title and explanation of one finding: a stronger repeat replaces them all, a weaker one none", async () => {
    const d = await makeDevice(t.prisma, "sw-hq-1", { role: "switch" });
    // latency and partial packet loss going up are both "degradation": one dedup key, one alert
    const finding = (f: Detection) => ({ ...f, dedupKey: alertDedupKey(d.id, f) });
    const latency = finding({
      detector: "hour-of-week-zscore",
      anomalyType: "metric_spike",
      metric: "latencyMs",
      severity: "medium",
      score: 4.2,
      observed: { value: 48, ts: "2026-11-17T14:00:00.000Z" },
      expected: { low: 8, high: 20, mean: 12, std: 3, median: 12, hourOfWeek: 38, sampleCount: 120 },
      explanation: "Latency 48 ms is 300% above the usual 12 ms for Tuesday 14:00 UTC (z = 4.2).",
      contributions: [{ feature: "latencyMs", value: 48, expected: 12, share: 1 }],
      evidence: { probe: "icmp" },
    });
    const loss = finding({
      detector: "robust-zscore",
      anomalyType: "metric_spike",
      metric: "packetLossPct",
      severity: "high",
      score: 9.1,
      observed: { value: 6.5, ts: "2026-11-17T14:05:00.000Z" },
      expected: { low: 0, high: 0.5, median: 0.1, hourOfWeek: 38, sampleCount: 120 },
      explanation: "Packet loss 6.5% against a usual 0.1% for Tuesday 14:00 UTC (robust z = 9.1).",
      contributions: [{ feature: "packetLossPct", value: 6.5, expected: 0.1, share: 1 }],
    });
    expect(loss.dedupKey).toBe(latency.dedupKey);

    const first = await recordDetection(t.prisma, { deviceId: d.id, detection: latency });
    expect(first.alert).toMatchObject({ metric: "latencyMs", type: "degradation", explanation: latency.explanation, evidence: { probe: "icmp" } });

    // stronger (higher severity) within the cooldown: everything describing the finding moves together
    const stronger = await recordDetection(t.prisma, { deviceId: d.id, detection: loss });
    expect(stronger.created).toBe(false);
    expect(stronger.alert.id).toBe(first.alert.id);
    const lossView = {
      detector: "robust-zscore",
      anomalyType: "metric_spike",
      metric: "packetLossPct",
      severity: "high",
      score: 9.1,
      type: "degradation",
      title: "Network degradation",
      observed: { value: 6.5, ts: "2026-11-17T14:05:00.000Z" },
      expected: { low: 0, high: 0.5, median: 0.1, hourOfWeek: 38, sampleCount: 120 },
      explanation: loss.explanation,
      contributions: loss.contributions,
      // the latency finding's evidence is not left behind under the packet-loss explanation
      evidence: null,
    };
    expect(stronger.alert).toMatchObject({ ...lossView, occurrences: 2, lastSeenAt: "2026-11-17T14:05:00.000Z" });
    // first seen stays the first finding's
    expect(stronger.alert.observedAt).toBe("2026-11-17T14:00:00.000Z");
    expect(stronger.alert.expected.mean).toBeUndefined();

    // weaker (lower severity, even with a higher score) and equal repeats only count
    const weaker = await recordDetection(t.prisma, {
      deviceId: d.id,
      detection: { ...latency, score: 12, observed: { value: 90, ts: "2026-11-17T14:10:00.000Z" }, explanation: "Latency 90 ms (z = 12)." },
    });
    const equal = await recordDetection(t.prisma, {
      deviceId: d.id,
      detection: { ...loss, observed: { value: 6.4, ts: "2026-11-17T14:12:00.000Z" }, explanation: "Packet loss 6.4% (robust z = 9.1)." },
    });
    expect(weaker.alert.id).toBe(first.alert.id);
    expect(equal.alert).toMatchObject({ ...lossView, occurrences: 4, lastSeenAt: "2026-11-17T14:12:00.000Z", observedAt: "2026-11-17T14:00:00.000Z" });

    // what the pages read (the stored row) agrees with it
    const row = await t.prisma.alert.findUniqueOrThrow({ where: { id: first.alert.id } });
    expect(row).toMatchObject({ metric: "packetLossPct", detector: "robust-zscore", alertType: "degradation", severity: "high", score: 9.1, explanation: loss.explanation });
    expect(row.observed).toEqual(loss.observed);
    expect(await t.prisma.alert.count({ where: { deviceId: d.id } })).toBe(1);
  });

  it("a stronger repeat of a suppressed alert keeps why it was suppressed", async () => {
    const d = await makeDevice(t.prisma);
    const win = await t.prisma.maintenanceWindow.create({
      data: { scope: "device", deviceIds: [d.id], startsAt: new Date("2026-11-17T13:00:00Z"), endsAt: new Date("2026-11-17T15:00:00Z"), reason: "upgrade" },
    });
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id), suppressedBy: { kind: "maintenance", windowId: win.id } });
    const r = await recordDetection(t.prisma, {
      deviceId: d.id,
      detection: makeDetection(d.id, { severity: "critical", score: 14, expected: { low: 12, high: 48, median: 31 }, observed: at("2026-11-17T14:07:00Z") }),
    });
    expect(r.alert).toMatchObject({ status: "suppressed", severity: "critical", score: 14 });
    expect(r.alert.expected).toMatchObject({ low: 12, high: 48, median: 31, maintenanceWindowId: win.id, suppression: { kind: "maintenance", windowId: win.id } });
  });
});
