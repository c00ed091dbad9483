import { describe, expect, it } from "vitest";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { applyIncidents, INCIDENT_KINDS, isOffHours, planIncidents, type Incident } from "@/lib/simulator/incidents";
import { createNetworkModel } from "@/lib/simulator/network-model";
import type { MetricName, MetricValues } from "@/lib/telemetry/metrics";

const MINUTE = 60_000;
const fleet = demoFleet(20, 1);
const model = createNetworkModel({ devices: fleet, seed: 1 });

function incident(kind: Incident["kind"], overrides: Partial<Incident> = {}): Incident {
  return {
    id: `${kind}-test`,
    kind,
    deviceIndex: 2,
    start: new Date("2025-01-08T14:00:00Z"),
    end: new Date("2025-01-08T14:10:00Z"),
    intensity: 0.5,
    ...overrides,
  };
}

const ratio = (after: MetricValues, before: MetricValues, metric: MetricName) => (after[metric] ?? 0) / (before[metric] ?? 1);

describe("applyIncidents", () => {
  it("an injected ddos raises packets/s during [start, end) and not outside", () => {
    const ddos = incident("ddos");
    const start = ddos.start.getTime();
    const minutes = [-2, -1, 0, 1, 5, 9, 10, 11].map((offset) => new Date(start + offset * MINUTE));
    const raised = minutes.map((ts) => {
      const base = model.valuesAt(2, ts);
      return ratio(applyIncidents(base, 2, ts, [ddos]), base, "packetsPerSec");
    });
    const [before2, before1, first, second, middle, last, end, after] = raised;
    for (const r of [before2, before1, end, after]) expect(r).toBe(1);
    for (const r of [first, second, middle, last]) expect(r).toBeGreaterThanOrEqual(5);
  });

  it("leaves other devices alone", () => {
    const ts = new Date("2025-01-08T14:05:00Z");
    const base = model.valuesAt(3, ts);
    expect(applyIncidents(base, 3, ts, [incident("ddos")])).toEqual(base);
  });

  it("is pure: returns a new object and does not mutate the input", () => {
    const ts = new Date("2025-01-08T14:05:00Z");
    const base = model.valuesAt(2, ts);
    const copy = { ...base };
    const out = applyIncidents(base, 2, ts, [incident("cpu_exhaustion")]);
    expect(base).toEqual(copy);
    expect(out).not.toBe(base);
    expect(applyIncidents(base, 2, ts, [incident("cpu_exhaustion")])).toEqual(out);
  });

  type Effect = { metric: MetricName; lo: number; hi: number; how: "ratio" | "value" };
  it.each<{ kind: Incident["kind"]; changes: Effect[]; unchanged: MetricName[] }>([
    {
      kind: "ddos",
      changes: [
        { metric: "packetsPerSec", lo: 5, hi: 20, how: "ratio" },
        { metric: "bandwidthInBps", lo: 5, hi: 20, how: "ratio" },
        { metric: "connectionsPerSec", lo: 5, hi: 20, how: "ratio" },
      ],
      unchanged: ["bandwidthOutBps", "cpuPct", "memoryPct", "latencyMs", "packetLossPct"],
    },
    {
      kind: "exfiltration",
      changes: [
        { metric: "bandwidthOutBps", lo: 6, hi: 15, how: "ratio" },
        { metric: "packetsPerSec", lo: 1.5, hi: 15, how: "ratio" },
      ],
      unchanged: ["bandwidthInBps", "connectionsPerSec", "flowsPerSec", "cpuPct", "latencyMs"],
    },
    {
      kind: "cpu_exhaustion",
      changes: [{ metric: "cpuPct", lo: 95, hi: 100, how: "value" }],
      unchanged: ["bandwidthInBps", "bandwidthOutBps", "packetsPerSec", "memoryPct", "latencyMs", "packetLossPct"],
    },
    {
      kind: "link_degradation",
      changes: [
        { metric: "latencyMs", lo: 5, hi: 10, how: "ratio" },
        { metric: "packetLossPct", lo: 2, hi: 10, how: "value" },
      ],
      unchanged: ["bandwidthInBps", "bandwidthOutBps", "cpuPct", "memoryPct"],
    },
  ])("$kind changes $changes.0.metric within range at every intensity", ({ kind, changes, unchanged }) => {
    for (const intensity of [0, 0.3, 1]) {
      for (let offset = 0; offset < 10; offset++) {
        const ts = new Date(Date.parse("2025-01-08T14:00:00Z") + offset * MINUTE);
        const base = model.valuesAt(2, ts);
        const out = applyIncidents(base, 2, ts, [incident(kind, { intensity })]);
        for (const { metric, lo, hi, how } of changes) {
          const x = how === "ratio" ? ratio(out, base, metric) : (out[metric] ?? Number.NaN);
          expect(x, `${metric} at intensity ${intensity}`).toBeGreaterThanOrEqual(lo * 0.999);
          expect(x, `${metric} at intensity ${intensity}`).toBeLessThanOrEqual(hi * 1.001);
        }
        for (const metric of unchanged) expect(out[metric]).toBe(base[metric]);
      }
    }
  });

  it("higher intensity means a stronger effect", () => {
    const ts = new Date("2025-01-08T14:03:00Z");
    const base = model.valuesAt(2, ts);
    const weak = applyIncidents(base, 2, ts, [incident("ddos", { intensity: 0 })]);
    const strong = applyIncidents(base, 2, ts, [incident("ddos", { intensity: 1 })]);
    expect(strong.packetsPerSec ?? 0).toBeGreaterThan(2 * (weak.packetsPerSec ?? 0));
  });

  it("keeps null values null", () => {
    const ts = new Date("2025-01-08T14:03:00Z");
    const base = { ...model.valuesAt(2, ts), cpuPct: null, packetsPerSec: null };
    const out = applyIncidents(base, 2, ts, [incident("cpu_exhaustion"), incident("ddos")]);
    expect(out.cpuPct).toBeNull();
    expect(out.packetsPerSec).toBeNull();
  });
});

describe("planIncidents", () => {
  const from = new Date("2025-01-06T00:00:00Z");
  const to = new Date("2025-01-20T00:00:00Z");
  const plan = planIncidents({ seed: 1, deviceCount: 20, from, to, meanGapMinutes: 60 });

  it("is deterministic for a seed and differs between seeds", () => {
    expect(planIncidents({ seed: 1, deviceCount: 20, from, to, meanGapMinutes: 60 })).toEqual(plan);
    expect(planIncidents({ seed: 2, deviceCount: 20, from, to, meanGapMinutes: 60 })).not.toEqual(plan);
  });

  it("schedules roughly one incident per (gap + duration) over the window", () => {
    const windowMinutes = (to.getTime() - from.getTime()) / MINUTE;
    const expected = windowMinutes / (60 + 17.5);
    expect(plan.length).toBeGreaterThan(expected * 0.8);
    expect(plan.length).toBeLessThan(expected * 1.2);
  });

  it("every incident is minute-aligned, 5–30 minutes long, starts in the window and targets a real device", () => {
    for (const i of plan) {
      const minutes = (i.end.getTime() - i.start.getTime()) / MINUTE;
      expect(minutes).toBeGreaterThanOrEqual(5);
      expect(minutes).toBeLessThanOrEqual(30);
      expect(Number.isInteger(minutes)).toBe(true);
      expect(i.start.getTime() % MINUTE).toBe(0);
      expect(i.start.getTime()).toBeGreaterThanOrEqual(from.getTime());
      expect(i.start.getTime()).toBeLessThan(to.getTime());
      expect(i.deviceIndex).toBeGreaterThanOrEqual(0);
      expect(i.deviceIndex).toBeLessThan(20);
      expect(i.intensity).toBeGreaterThanOrEqual(0);
      expect(i.intensity).toBeLessThanOrEqual(1);
    }
  });

  it("incidents never overlap and ids are unique", () => {
    for (let k = 1; k < plan.length; k++) {
      expect(plan[k]!.start.getTime()).toBeGreaterThan(plan[k - 1]!.end.getTime());
    }
    expect(new Set(plan.map((i) => i.id)).size).toBe(plan.length);
  });

  it("uses every kind and several devices, and exfiltration only starts off-hours", () => {
    expect(new Set(plan.map((i) => i.kind))).toEqual(new Set(INCIDENT_KINDS));
    expect(new Set(plan.map((i) => i.deviceIndex)).size).toBeGreaterThan(10);
    for (const i of plan.filter((x) => x.kind === "exfiltration")) expect(isOffHours(i.start)).toBe(true);
  });

  it("firstStartsAt makes the first incident start there (rounded up to the minute)", () => {
    const now = new Date("2025-01-08T09:41:30Z");
    const live = planIncidents({ seed: 1, deviceCount: 20, from: now, to: new Date("2025-01-08T12:00:00Z"), meanGapMinutes: 25, firstStartsAt: new Date("2025-01-08T09:42:10Z") });
    expect(live[0]?.start.toISOString()).toBe("2025-01-08T09:43:00.000Z");
    expect(live.length).toBeGreaterThan(1);
  });

  it("extending the window keeps the plan's beginning (resume-safe)", () => {
    const shorter = planIncidents({ seed: 1, deviceCount: 20, from, to: new Date("2025-01-10T00:00:00Z"), meanGapMinutes: 60 });
    expect(plan.slice(0, shorter.length)).toEqual(shorter);
  });

  it("kinds restricts what is drawn", () => {
    const onlyDdos = planIncidents({ seed: 1, deviceCount: 20, from, to, meanGapMinutes: 60, kinds: ["ddos"] });
    expect(onlyDdos.length).toBeGreaterThan(0);
    expect(new Set(onlyDdos.map((i) => i.kind))).toEqual(new Set(["ddos"]));
  });

  it.each([
    { name: "no devices", deviceCount: 0, length: 0 },
    { name: "an empty window", deviceCount: 5, to: from, length: 0 },
  ])("returns nothing for $name", ({ deviceCount, to: end, length }) => {
    expect(planIncidents({ seed: 1, deviceCount, from, to: end ?? to, meanGapMinutes: 30 })).toHaveLength(length);
  });

  it.each([
    { name: "a zero gap", meanGapMinutes: 0, deviceCount: 5 },
    { name: "a fractional device count", meanGapMinutes: 10, deviceCount: 2.5 },
    { name: "firstStartsAt before from", meanGapMinutes: 10, deviceCount: 5, firstStartsAt: new Date("2025-01-01T00:00:00Z") },
  ])("rejects $name", (o) => {
    expect(() => planIncidents({ seed: 1, from, to, ...o })).toThrow(RangeError);
  });
});

describe("isOffHours", () => {
  it.each([
    { ts: "2025-01-08T14:00:00Z", off: false },
    { ts: "2025-01-08T08:00:00Z", off: false },
    { ts: "2025-01-08T07:59:00Z", off: true },
    { ts: "2025-01-08T18:00:00Z", off: true },
    { ts: "2025-01-11T14:00:00Z", off: true },
    { ts: "2025-01-12T14:00:00Z", off: true },
  ])("$ts → $off", ({ ts, off }) => {
    expect(isOffHours(new Date(ts))).toBe(off);
  });
});
