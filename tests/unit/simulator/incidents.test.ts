import { describe, expect, it } from "vitest";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import {
  applyIncidents,
  incidentActiveAt,
  incidentActiveWindows,
  INCIDENT_KINDS,
  HEALTH_INCIDENT_KINDS,
  SECURITY_INCIDENT_KINDS,
  isOffHours,
  planIncidents,
  type Incident,
} from "@/lib/simulator/incidents";
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
  it.each<{ name: string; kind: Incident["kind"]; overrides?: Partial<Incident>; changes: Effect[]; unchanged: MetricName[] }>([
    {
      name: "ddos",
      kind: "ddos",
      changes: [
        { metric: "packetsPerSec", lo: 5, hi: 20, how: "ratio" },
        { metric: "bandwidthInBps", lo: 5, hi: 20, how: "ratio" },
        { metric: "connectionsPerSec", lo: 5, hi: 20, how: "ratio" },
      ],
      unchanged: ["bandwidthOutBps", "cpuPct", "memoryPct", "latencyMs", "packetLossPct"],
    },
    {
      name: "app_ddos (connections way up, bandwidth barely)",
      kind: "app_ddos",
      changes: [
        { metric: "connectionsPerSec", lo: 8, hi: 30, how: "ratio" },
        { metric: "flowsPerSec", lo: 6, hi: 25, how: "ratio" },
        { metric: "bandwidthInBps", lo: 1.03, hi: 1.15, how: "ratio" },
        { metric: "packetsPerSec", lo: 1.1, hi: 1.5, how: "ratio" },
      ],
      unchanged: ["bandwidthOutBps", "cpuPct", "latencyMs", "packetLossPct"],
    },
    {
      name: "port_scan (flows way up, bytes not)",
      kind: "port_scan",
      changes: [
        { metric: "flowsPerSec", lo: 10, hi: 40, how: "ratio" },
        { metric: "connectionsPerSec", lo: 3, hi: 10, how: "ratio" },
        { metric: "packetsPerSec", lo: 1.05, hi: 1.3, how: "ratio" },
      ],
      unchanged: ["bandwidthInBps", "bandwidthOutBps", "cpuPct", "memoryPct", "latencyMs", "packetLossPct"],
    },
    {
      name: "exfiltration",
      kind: "exfiltration",
      changes: [
        { metric: "bandwidthOutBps", lo: 6, hi: 15, how: "ratio" },
        { metric: "packetsPerSec", lo: 1.5, hi: 15, how: "ratio" },
      ],
      unchanged: ["bandwidthInBps", "connectionsPerSec", "flowsPerSec", "cpuPct", "latencyMs"],
    },
    {
      name: "slow_exfiltration (outbound only a little up)",
      kind: "slow_exfiltration",
      changes: [{ metric: "bandwidthOutBps", lo: 1.03, hi: 1.06, how: "ratio" }],
      unchanged: ["bandwidthInBps", "connectionsPerSec", "flowsPerSec", "cpuPct", "latencyMs", "packetLossPct"],
    },
    {
      name: "link_down (no traffic, all packets lost)",
      kind: "link_down",
      changes: [
        { metric: "bandwidthInBps", lo: 0, hi: 0, how: "value" },
        { metric: "bandwidthOutBps", lo: 0, hi: 0, how: "value" },
        { metric: "packetsPerSec", lo: 0, hi: 0, how: "value" },
        { metric: "flowsPerSec", lo: 0, hi: 0, how: "value" },
        { metric: "packetLossPct", lo: 100, hi: 100, how: "value" },
      ],
      unchanged: ["cpuPct", "memoryPct"],
    },
    {
      name: "cpu_exhaustion",
      kind: "cpu_exhaustion",
      changes: [{ metric: "cpuPct", lo: 95, hi: 100, how: "value" }],
      unchanged: ["bandwidthInBps", "bandwidthOutBps", "packetsPerSec", "memoryPct", "latencyMs", "packetLossPct"],
    },
    {
      name: "degradation",
      kind: "degradation",
      changes: [
        { metric: "latencyMs", lo: 5, hi: 10, how: "ratio" },
        { metric: "packetLossPct", lo: 2, hi: 10, how: "value" },
      ],
      unchanged: ["bandwidthInBps", "bandwidthOutBps", "cpuPct", "memoryPct"],
    },
    {
      name: "link_degradation (old name of degradation)",
      kind: "link_degradation" as Incident["kind"],
      changes: [
        { metric: "latencyMs", lo: 5, hi: 10, how: "ratio" },
        { metric: "packetLossPct", lo: 2, hi: 10, how: "value" },
      ],
      unchanged: ["bandwidthInBps", "bandwidthOutBps", "cpuPct", "memoryPct"],
    },
    {
      name: "ddos_exfiltration, the DDoS side",
      kind: "ddos_exfiltration",
      overrides: { campaignId: "campaign-test", role: "ddos" },
      changes: [{ metric: "packetsPerSec", lo: 5, hi: 20, how: "ratio" }],
      unchanged: ["bandwidthOutBps", "cpuPct", "latencyMs"],
    },
    {
      name: "ddos_exfiltration, the exfiltration side",
      kind: "ddos_exfiltration",
      overrides: { campaignId: "campaign-test", role: "exfiltration" },
      changes: [{ metric: "bandwidthOutBps", lo: 6, hi: 15, how: "ratio" }],
      unchanged: ["bandwidthInBps", "connectionsPerSec", "cpuPct", "latencyMs"],
    },
  ])("$name: changes what it should within range at every intensity", ({ kind, overrides, changes, unchanged }) => {
    for (const intensity of [0, 0.3, 1]) {
      for (let offset = 0; offset < 10; offset++) {
        const ts = new Date(Date.parse("2025-01-08T14:00:00Z") + offset * MINUTE);
        const base = model.valuesAt(2, ts);
        const out = applyIncidents(base, 2, ts, [incident(kind, { intensity, ...overrides })]);
        for (const { metric, lo, hi, how } of changes) {
          const x = how === "ratio" ? ratio(out, base, metric) : (out[metric] ?? Number.NaN);
          expect(x, `${metric} at intensity ${intensity}`).toBeGreaterThanOrEqual(lo * 0.999);
          expect(x, `${metric} at intensity ${intensity}`).toBeLessThanOrEqual(hi * 1.001);
        }
        for (const metric of unchanged) expect(out[metric]).toBe(base[metric]);
      }
    }
  });

  it("a link down reports no latency (probes time out)", () => {
    const ts = new Date("2025-01-08T14:05:00Z");
    expect(applyIncidents(model.valuesAt(2, ts), 2, ts, [incident("link_down")]).latencyMs).toBeNull();
  });

  // the security kinds but geo_anomaly (outbound) and crypto_mining (CPU) leave the metrics alone: their evidence is in flows and syslog (demo-traffic.test.ts)
  const METRIC_KINDS = INCIDENT_KINDS.filter((k) => k === "geo_anomaly" || k === "crypto_mining" || !(SECURITY_INCIDENT_KINDS as readonly string[]).includes(k));
  it.each(METRIC_KINDS.map((kind) => ({ kind })))("$kind changes the device only inside [start, end)", ({ kind }) => {
    const inc = incident(kind, { role: kind === "ddos_exfiltration" ? "exfiltration" : undefined });
    const start = inc.start.getTime();
    for (const offset of [-30, -1, 10, 11, 60]) {
      const ts = new Date(start + offset * MINUTE);
      const base = model.valuesAt(2, ts);
      expect(applyIncidents(base, 2, ts, [inc]), `offset ${offset}`).toEqual(base);
    }
    for (const offset of [0, 5, 9]) {
      const ts = new Date(start + offset * MINUTE);
      const base = model.valuesAt(2, ts);
      expect(applyIncidents(base, 2, ts, [inc]), `offset ${offset}`).not.toEqual(base);
    }
  });

  it("a memory leak climbs steadily from the usual level to ~93 % at its end, whatever the daily cycle", () => {
    const leak = incident("memory_leak", { start: new Date("2025-01-08T02:00:00Z"), end: new Date("2025-01-10T02:00:00Z") });
    const memoryAt = (h: number) => {
      const ts = new Date(leak.start.getTime() + h * 3_600_000);
      return applyIncidents(model.valuesAt(2, ts), 2, ts, [leak]).memoryPct!;
    };
    const usual = model.valuesAt(2, leak.start).memoryPct!;
    expect(memoryAt(0)).toBeCloseTo(usual, 0);
    // six-hour means rise every quarter day, and the last hour is near the peak
    const sixHourMeans = [0, 6, 12, 18, 24, 30, 36, 42].map((h) => [0, 1, 2, 3, 4, 5].reduce((s, k) => s + memoryAt(h + k), 0) / 6);
    for (let k = 1; k < sixHourMeans.length; k++) expect(sixHourMeans[k]!).toBeGreaterThan(sixHourMeans[k - 1]!);
    expect(memoryAt(47.9)).toBeGreaterThan(91);
  });

  it("jitter makes successive latency polls differ by at least 10 ms (median) where they usually differ by a fraction of that", () => {
    const jitter = incident("jitter", { end: new Date("2025-01-08T14:30:00Z"), intensity: 0 });
    const latency = (withIncident: boolean) =>
      Array.from({ length: 30 }, (_, k) => {
        const ts = new Date(jitter.start.getTime() + k * MINUTE);
        return applyIncidents(model.valuesAt(2, ts), 2, ts, withIncident ? [jitter] : []).latencyMs!;
      });
    const medianDiff = (xs: number[]) => xs.slice(1).map((x, k) => Math.abs(x - xs[k]!)).sort((a, b) => a - b)[14]!;
    expect(medianDiff(latency(true))).toBeGreaterThanOrEqual(10);
    expect(medianDiff(latency(false))).toBeLessThan(1);
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

  /** Acute incidents take turns across the fleet; a campaign's members share one turn. */
  const slots = (incidents: readonly Incident[]) => {
    const bySlot = new Map<string, Incident[]>();
    for (const i of incidents) {
      if (i.kind === "slow_exfiltration") continue;
      const key = i.campaignId ?? i.id;
      bySlot.set(key, [...(bySlot.get(key) ?? []), i]);
    }
    return [...bySlot.values()];
  };

  it("schedules roughly one acute incident (or campaign) per (gap + duration) over the window", () => {
    const windowMinutes = (to.getTime() - from.getTime()) / MINUTE;
    const expected = windowMinutes / (60 + 17.5);
    expect(slots(plan).length).toBeGreaterThan(expected * 0.8);
    expect(slots(plan).length).toBeLessThan(expected * 1.2);
  });

  it("every incident is minute-aligned, starts in the window and targets a real device; acute ones last 5–30 minutes", () => {
    for (const i of plan) {
      const minutes = (i.end.getTime() - i.start.getTime()) / MINUTE;
      if (i.kind !== "slow_exfiltration") {
        expect(minutes).toBeGreaterThanOrEqual(5);
        expect(minutes).toBeLessThanOrEqual(30);
      }
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

  it("acute slots never overlap, no device ever has two incidents at once, ids are unique, order is by start", () => {
    const acute = slots(plan);
    for (let k = 1; k < acute.length; k++) {
      expect(acute[k]![0]!.start.getTime()).toBeGreaterThan(acute[k - 1]![0]!.end.getTime());
    }
    for (let d = 0; d < 20; d++) {
      const mine = plan.filter((i) => i.deviceIndex === d);
      for (let k = 1; k < mine.length; k++) expect(mine[k]!.start.getTime()).toBeGreaterThanOrEqual(mine[k - 1]!.end.getTime());
    }
    expect(new Set(plan.map((i) => i.id)).size).toBe(plan.length);
    for (let k = 1; k < plan.length; k++) expect(plan[k]!.start.getTime()).toBeGreaterThanOrEqual(plan[k - 1]!.start.getTime());
  });

  it("uses every kind and several devices; exfiltrations start off-hours, slow ones in working hours", () => {
    // the security kinds have no default weight: they are planned in a stream of their own
    const ownStream: readonly string[] = [...SECURITY_INCIDENT_KINDS, ...HEALTH_INCIDENT_KINDS];
    expect(new Set(plan.map((i) => i.kind))).toEqual(new Set(INCIDENT_KINDS.filter((k) => !ownStream.includes(k))));
    expect(new Set(plan.map((i) => i.deviceIndex)).size).toBeGreaterThan(10);
    for (const i of plan.filter((x) => x.kind === "exfiltration" || x.kind === "ddos_exfiltration")) expect(isOffHours(i.start)).toBe(true);
    for (const i of plan.filter((x) => x.kind === "slow_exfiltration")) expect(isOffHours(i.start)).toBe(false);
  });

  it("the first incident is an acute one, so the demo shows an anomaly promptly", () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const p = planIncidents({ seed, deviceCount: 6, from, to, meanGapMinutes: 20, firstStartsAt: new Date("2025-01-08T11:10:00Z") });
      expect(p[0]?.kind).not.toBe("slow_exfiltration");
    }
  });

  it("a slow exfiltration spans 5–10 days, is active a few hours each day, and runs one at a time", () => {
    const slow = plan.filter((i) => i.kind === "slow_exfiltration");
    expect(slow.length).toBeGreaterThan(0);
    for (const i of slow) {
      const windows = incidentActiveWindows(i);
      expect(windows.length).toBeGreaterThanOrEqual(5);
      expect(windows.length).toBeLessThanOrEqual(10);
      expect(i.dailyMinutes).toBeGreaterThanOrEqual(180);
      expect(i.dailyMinutes).toBeLessThanOrEqual(360);
      expect(windows.at(-1)?.end.getTime()).toBe(i.end.getTime());
      // active at the start of each window, quiet in between
      for (const w of windows) {
        expect(incidentActiveAt(i, w.start)).toBe(true);
        expect(incidentActiveAt(i, w.end.getTime())).toBe(false);
      }
    }
    for (let k = 1; k < slow.length; k++) expect(slow[k]!.start.getTime()).toBeGreaterThanOrEqual(slow[k - 1]!.end.getTime());
  });

  it("jitter lasts 20–60 min, crypto-mining 40–110 min off hours, a memory leak 30–54 h in the background, one at a time", () => {
    const own = planIncidents({ seed: 5, deviceCount: 12, from: new Date("2025-01-06T00:00:00Z"), to: new Date("2025-03-03T00:00:00Z"), meanGapMinutes: 240, kinds: ["jitter", "crypto_mining", "memory_leak"] });
    const minutes = (i: Incident) => (i.end.getTime() - i.start.getTime()) / MINUTE;
    const of = (kind: Incident["kind"]) => own.filter((i) => i.kind === kind);
    for (const kind of ["jitter", "crypto_mining", "memory_leak"] as const) expect(of(kind).length, kind).toBeGreaterThan(3);
    for (const i of of("jitter")) expect(minutes(i)).toBeGreaterThanOrEqual(20), expect(minutes(i)).toBeLessThanOrEqual(60);
    for (const i of of("crypto_mining")) {
      expect(minutes(i)).toBeGreaterThanOrEqual(40);
      expect(minutes(i)).toBeLessThanOrEqual(110);
      expect(isOffHours(i.start)).toBe(true);
    }
    const leaks = of("memory_leak");
    for (const i of leaks) expect(minutes(i) / 60).toBeGreaterThanOrEqual(30), expect(minutes(i) / 60).toBeLessThanOrEqual(54);
    for (let k = 1; k < leaks.length; k++) expect(leaks[k]!.start.getTime()).toBeGreaterThanOrEqual(leaks[k - 1]!.end.getTime());
    // other incidents go on meanwhile, on other devices
    for (const leak of leaks) {
      const during = own.filter((i) => i !== leak && i.start < leak.end && i.end > leak.start);
      expect(during.length).toBeGreaterThan(0);
      expect(during.every((i) => i.deviceIndex !== leak.deviceIndex)).toBe(true);
    }
  });

  it("a coordinated ddos_exfiltration is two incidents on two devices sharing a campaignId and a window", () => {
    const campaigns = planIncidents({ seed: 3, deviceCount: 20, from, to, meanGapMinutes: 60, kinds: ["ddos_exfiltration"] });
    expect(campaigns.length).toBeGreaterThan(0);
    expect(campaigns.every((i) => i.campaignId !== undefined)).toBe(true);
    const byCampaign = new Map<string | undefined, Incident[]>();
    for (const i of campaigns) byCampaign.set(i.campaignId, [...(byCampaign.get(i.campaignId) ?? []), i]);
    for (const members of byCampaign.values()) {
      expect(members).toHaveLength(2);
      const [ddos, exfil] = members as [Incident, Incident];
      expect([ddos.role, exfil.role]).toEqual(["ddos", "exfiltration"]);
      expect(ddos.deviceIndex).not.toBe(exfil.deviceIndex);
      // overlapping in time (here: the very same window)
      expect(ddos.start.getTime()).toBeLessThan(exfil.end.getTime());
      expect(exfil.start.getTime()).toBeLessThan(ddos.end.getTime());
      expect(ddos.start).toEqual(exfil.start);
    }
    // the default mix has campaigns too
    expect(plan.some((i) => i.campaignId !== undefined)).toBe(true);
  });

  it("weights shape the mix, and the old kind name link_degradation is accepted", () => {
    const mostlyScans = planIncidents({ seed: 1, deviceCount: 20, from, to, meanGapMinutes: 60, weights: { port_scan: 9, ddos: 1 } });
    const scans = mostlyScans.filter((i) => i.kind === "port_scan").length;
    expect(new Set(mostlyScans.map((i) => i.kind))).toEqual(new Set(["port_scan", "ddos"]));
    expect(scans / mostlyScans.length).toBeGreaterThan(0.8);
    const legacy = planIncidents({ seed: 1, deviceCount: 20, from, to, meanGapMinutes: 60, kinds: ["link_degradation"] });
    expect(new Set(legacy.map((i) => i.kind))).toEqual(new Set(["degradation"]));
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
    { name: "a negative weight", meanGapMinutes: 10, deviceCount: 5, weights: { ddos: -1 } },
    { name: "an unknown kind", meanGapMinutes: 10, deviceCount: 5, kinds: ["teleport" as Incident["kind"]] },
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
