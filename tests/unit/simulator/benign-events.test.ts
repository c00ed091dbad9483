// Benign look-alikes: they move metrics like attacks do, and the plan says what they are.
import { describe, expect, it } from "vitest";
import {
  applyBenignEvents,
  businessCalendar,
  hasScheduledBackup,
  isWebServer,
  planBenignEvents,
  type BenignEvent,
} from "@/lib/simulator/benign-events";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { createNetworkModel } from "@/lib/simulator/network-model";
import type { MetricName, MetricValues } from "@/lib/telemetry/metrics";

const MINUTE = 60_000;
const fleet = demoFleet(20, 1);
const model = createNetworkModel({ devices: fleet, seed: 1 });
const from = new Date("2025-01-06T00:00:00Z");
const to = new Date("2025-01-20T00:00:00Z");
const events = planBenignEvents({ seed: 1, devices: fleet, from, to });
const ofKind = (kind: BenignEvent["kind"]) => events.filter((e) => e.kind === kind);
const ratio = (after: MetricValues, before: MetricValues, metric: MetricName) => (after[metric] ?? 0) / (before[metric] ?? 1);

function at(event: BenignEvent, offsetMinutes: number, device: number) {
  const ts = new Date(event.start.getTime() + offsetMinutes * MINUTE);
  const base = model.valuesAt(device, ts);
  return { base, out: applyBenignEvents(base, device, fleet[device]!, ts, events) };
}

describe("planBenignEvents", () => {
  it("is deterministic per seed, ordered by start, and every event starts in the window", () => {
    expect(planBenignEvents({ seed: 1, devices: fleet, from, to })).toEqual(events);
    expect(planBenignEvents({ seed: 2, devices: fleet, from, to })).not.toEqual(events);
    for (let k = 1; k < events.length; k++) expect(events[k]!.start.getTime()).toBeGreaterThanOrEqual(events[k - 1]!.start.getTime());
    for (const e of events) {
      expect(e.start.getTime()).toBeGreaterThanOrEqual(from.getTime());
      expect(e.start.getTime()).toBeLessThan(to.getTime());
      expect(e.end.getTime()).toBeGreaterThan(e.start.getTime());
    }
  });

  it("a sub-window sees the same events as the whole window", () => {
    const firstWeek = planBenignEvents({ seed: 1, devices: fleet, from, to: new Date("2025-01-13T00:00:00Z") });
    expect(firstWeek).toEqual(events.filter((e) => e.start.getTime() < Date.parse("2025-01-13T00:00:00Z")));
  });

  it("one announced marketing surge a week on the web servers, ×3–6 for 2–6 hours, in the business calendar", () => {
    const surges = ofKind("marketing_surge");
    expect(surges).toHaveLength(2);
    const web = fleet.flatMap((d, i) => (isWebServer(d) ? [i] : []));
    for (const s of surges) {
      expect(s.deviceIndexes).toEqual(web);
      expect(s.factor).toBeGreaterThanOrEqual(3);
      expect(s.factor).toBeLessThanOrEqual(6);
      const hours = (s.end.getTime() - s.start.getTime()) / 3_600_000;
      expect(hours).toBeGreaterThanOrEqual(2);
      expect(hours).toBeLessThanOrEqual(6);
      expect(s.calendar).toEqual({ start: s.start, end: s.end, name: s.name, expectedIncrease: s.factor });
    }
    expect(businessCalendar(events)).toEqual(surges.map((s) => s.calendar));
  });

  it("the Sunday 02:00 backup is listed for the backup-tagged devices and left to the model", () => {
    const backups = ofKind("scheduled_backup");
    expect(backups.map((b) => b.start.toISOString())).toEqual(["2025-01-12T02:00:00.000Z", "2025-01-19T02:00:00.000Z"]);
    for (const b of backups) {
      expect(b.appliedByModel).toBe(true);
      expect(b.deviceIndexes).toEqual(fleet.flatMap((d, i) => (hasScheduledBackup(d) ? [i] : [])));
      const { base, out } = at(b, 30, b.deviceIndexes[0]!);
      expect(out).toEqual(base);
    }
  });

  it("Patch Tuesday (second Tuesday, 18:00 UTC) is an update wave on most devices for 30–60 minutes", () => {
    const waves = ofKind("update_wave");
    expect(waves.map((w) => w.start.toISOString())).toEqual(["2025-01-14T18:00:00.000Z"]);
    const wave = waves[0]!;
    expect(wave.deviceIndexes.length).toBeGreaterThanOrEqual(fleet.length / 2);
    const minutes = (wave.end.getTime() - wave.start.getTime()) / MINUTE;
    expect(minutes).toBeGreaterThanOrEqual(30);
    expect(minutes).toBeLessThanOrEqual(60);
    expect(wave.factor).toBeGreaterThanOrEqual(2);
    expect(wave.factor).toBeLessThanOrEqual(4);
  });
});

describe("applyBenignEvents", () => {
  it("a marketing surge multiplies a web server's traffic by its factor, only during the surge", () => {
    const surge = ofKind("marketing_surge")[0]!;
    const device = surge.deviceIndexes[0]!;
    const minutes = (surge.end.getTime() - surge.start.getTime()) / MINUTE;
    for (const offset of [0, 30, minutes - 1]) {
      const { base, out } = at(surge, offset, device);
      for (const metric of ["bandwidthInBps", "bandwidthOutBps", "connectionsPerSec"] as const) {
        expect(ratio(out, base, metric)).toBeCloseTo(surge.factor, 2);
      }
      expect(out.cpuPct ?? 0).toBeGreaterThan(base.cpuPct ?? 0);
    }
    for (const offset of [-1, minutes]) {
      const { base, out } = at(surge, offset, device);
      expect(out).toEqual(base);
    }
    // devices that are not web servers are untouched
    const other = fleet.findIndex((d) => !isWebServer(d));
    const { base, out } = at(surge, 30, other);
    expect(out).toEqual(base);
  });

  it("an update wave raises inbound by its factor (packets follow) and leaves flows, outbound and non-participants alone", () => {
    const wave = ofKind("update_wave")[0]!;
    const device = wave.deviceIndexes[0]!;
    const { base, out } = at(wave, 10, device);
    expect(ratio(out, base, "bandwidthInBps")).toBeCloseTo(wave.factor, 2);
    expect(ratio(out, base, "packetsPerSec")).toBeGreaterThan(1.2);
    for (const metric of ["bandwidthOutBps", "flowsPerSec", "connectionsPerSec", "cpuPct"] as const) expect(out[metric]).toBe(base[metric]);
    const outsider = fleet.findIndex((_, i) => !wave.deviceIndexes.includes(i));
    if (outsider >= 0) expect(at(wave, 10, outsider).out).toEqual(at(wave, 10, outsider).base);
  });

  it("is pure and keeps null values null", () => {
    const surge = ofKind("marketing_surge")[0]!;
    const device = surge.deviceIndexes[0]!;
    const ts = new Date(surge.start.getTime() + 5 * MINUTE);
    const base = { ...model.valuesAt(device, ts), bandwidthInBps: null };
    const copy = { ...base };
    const out = applyBenignEvents(base, device, fleet[device]!, ts, events);
    expect(base).toEqual(copy);
    expect(out).not.toBe(base);
    expect(out.bandwidthInBps).toBeNull();
  });
});
