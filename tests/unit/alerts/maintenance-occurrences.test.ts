import { describe, expect, it } from "vitest";
import { affectedDeviceIds, findOverlaps, occurrencesBetween, type Occurrence, type ScopedWindow } from "@/lib/alerts/maintenance-occurrences";
import { activeMaintenanceWindow, type WindowSpec } from "@/lib/alerts/maintenance-window";

const MINUTE = 60_000;
const DAY = 86_400_000;

function window(over: Partial<WindowSpec>): WindowSpec {
  return {
    id: 1,
    scope: "all",
    scopeValue: null,
    deviceIds: [],
    startsAt: new Date("2026-03-25T03:00:00Z"),
    endsAt: new Date("2026-03-25T04:00:00Z"),
    recurrence: "daily",
    timezone: "Europe/Berlin",
    ...over,
  };
}

const iso = (o: Occurrence) => [o.start.toISOString(), o.end.toISOString()];

describe("occurrencesBetween", () => {
  it.each([
    {
      name: "one-off inside the span",
      w: window({ recurrence: "none" }),
      from: "2026-03-23T00:00:00Z",
      to: "2026-03-30T00:00:00Z",
      expected: [["2026-03-25T03:00:00.000Z", "2026-03-25T04:00:00.000Z"]],
    },
    {
      name: "one-off outside the span",
      w: window({ recurrence: "none" }),
      from: "2026-03-26T00:00:00Z",
      to: "2026-03-30T00:00:00Z",
      expected: [],
    },
    {
      name: "one-off overlapping the span's start",
      w: window({ recurrence: "none", endsAt: new Date("2026-03-26T01:00:00Z") }),
      from: "2026-03-26T00:00:00Z",
      to: "2026-03-27T00:00:00Z",
      expected: [["2026-03-25T03:00:00.000Z", "2026-03-26T01:00:00.000Z"]],
    },
    {
      // 04:00 Berlin: 03:00Z in CET, 02:00Z from Sunday 29 March (CEST)
      name: "daily across the spring DST change keeps local time",
      w: window({}),
      from: "2026-03-23T00:00:00Z",
      to: "2026-03-31T00:00:00Z",
      expected: [
        ["2026-03-25T03:00:00.000Z", "2026-03-25T04:00:00.000Z"],
        ["2026-03-26T03:00:00.000Z", "2026-03-26T04:00:00.000Z"],
        ["2026-03-27T03:00:00.000Z", "2026-03-27T04:00:00.000Z"],
        ["2026-03-28T03:00:00.000Z", "2026-03-28T04:00:00.000Z"],
        ["2026-03-29T02:00:00.000Z", "2026-03-29T03:00:00.000Z"],
        ["2026-03-30T02:00:00.000Z", "2026-03-30T03:00:00.000Z"],
      ],
    },
    {
      name: "weekly in New York, before and after the autumn change",
      w: window({
        recurrence: "weekly",
        timezone: "America/New_York",
        startsAt: new Date("2026-10-24T06:00:00Z"), // Sat 02:00 EDT
        endsAt: new Date("2026-10-24T08:00:00Z"),
      }),
      from: "2026-10-20T00:00:00Z",
      to: "2026-11-10T00:00:00Z",
      expected: [
        ["2026-10-24T06:00:00.000Z", "2026-10-24T08:00:00.000Z"],
        ["2026-10-31T06:00:00.000Z", "2026-10-31T08:00:00.000Z"],
        ["2026-11-07T07:00:00.000Z", "2026-11-07T09:00:00.000Z"], // EST from 1 November
      ],
    },
    {
      name: "a daily occurrence that started before the span and runs into it",
      w: window({ timezone: "UTC", startsAt: new Date("2026-03-01T22:00:00Z"), endsAt: new Date("2026-03-02T02:00:00Z") }),
      from: "2026-03-10T00:00:00Z",
      to: "2026-03-10T12:00:00Z",
      expected: [["2026-03-09T22:00:00.000Z", "2026-03-10T02:00:00.000Z"]],
    },
    {
      name: "nothing before the first occurrence",
      w: window({ startsAt: new Date("2026-04-01T03:00:00Z"), endsAt: new Date("2026-04-01T04:00:00Z") }),
      from: "2026-03-23T00:00:00Z",
      to: "2026-03-30T00:00:00Z",
      expected: [],
    },
  ])("$name", ({ w, from, to, expected }) => {
    expect(occurrencesBetween(w, new Date(from), new Date(to)).map(iso)).toEqual(expected);
  });

  it.each([
    { name: "daily Berlin", w: window({}) },
    { name: "weekly New York", w: window({ recurrence: "weekly", timezone: "America/New_York", startsAt: new Date("2026-10-24T06:00:00Z"), endsAt: new Date("2026-10-24T08:30:00Z") }) },
    { name: "daily Sydney", w: window({ timezone: "Australia/Sydney", startsAt: new Date("2026-03-30T15:00:00Z"), endsAt: new Date("2026-03-30T19:00:00Z") }) },
  ])("agrees with activeMaintenanceWindow minute by minute over six weeks: $name", ({ w }) => {
    const from = new Date(w.startsAt.getTime() - 2 * DAY);
    const to = new Date(w.startsAt.getTime() + 42 * DAY);
    const occurrences = occurrencesBetween(w, from, to);
    const device = { id: 1, site: "hq", role: "server" };
    for (let t = from.getTime(); t < to.getTime(); t += 20 * MINUTE) {
      const inOccurrence = occurrences.some((o) => t >= o.start.getTime() && t < o.end.getTime());
      expect(inOccurrence, new Date(t).toISOString()).toBe(activeMaintenanceWindow([w], device, new Date(t)) !== undefined);
    }
  });
});

describe("findOverlaps", () => {
  const devices = [
    { id: 1, site: "hq", role: "firewall" },
    { id: 2, site: "hq", role: "server" },
    { id: 3, site: "dc", role: "server" },
  ];
  const occ = (windowId: number, start: string, end: string): Occurrence => ({ windowId, start: new Date(start), end: new Date(end) });

  it.each([
    { name: "all overlaps anything in time", a: { scope: "all" }, b: { scope: "device", deviceIds: [3] }, overlap: true },
    { name: "same site", a: { scope: "site", scopeValue: "hq" }, b: { scope: "device", deviceIds: [2] }, overlap: true },
    { name: "site and a role sharing a device", a: { scope: "site", scopeValue: "dc" }, b: { scope: "role", scopeValue: "server" }, overlap: true },
    { name: "disjoint devices", a: { scope: "device", deviceIds: [1] }, b: { scope: "device", deviceIds: [3] }, overlap: false },
    { name: "site without devices", a: { scope: "site", scopeValue: "nowhere" }, b: { scope: "all" }, overlap: false },
  ] as const)("scopes: $name", ({ a, b, overlap }) => {
    const windows: ScopedWindow[] = [
      { id: 1, scopeValue: null, ...a, deviceIds: "deviceIds" in a ? [...(a.deviceIds ?? [])] : [] },
      { id: 2, scopeValue: null, ...b, deviceIds: "deviceIds" in b ? [...(b.deviceIds ?? [])] : [] },
    ];
    const occurrences = [occ(1, "2026-03-25T01:00:00Z", "2026-03-25T03:00:00Z"), occ(2, "2026-03-25T02:00:00Z", "2026-03-25T04:00:00Z")];
    expect(findOverlaps(occurrences, windows, devices)).toEqual(overlap ? [[2], [1]] : [[], []]);
  });

  it("needs the occurrences to intersect in time (touching ends do not)", () => {
    const windows = [
      { id: 1, scope: "all" as const, scopeValue: null, deviceIds: [] },
      { id: 2, scope: "all" as const, scopeValue: null, deviceIds: [] },
    ];
    const occurrences = [occ(1, "2026-03-25T01:00:00Z", "2026-03-25T02:00:00Z"), occ(2, "2026-03-25T02:00:00Z", "2026-03-25T04:00:00Z")];
    expect(findOverlaps(occurrences, windows, devices)).toEqual([[], []]);
  });

  it("affectedDeviceIds resolves site and role scopes against the inventory", () => {
    expect(affectedDeviceIds({ id: 1, scope: "role", scopeValue: "server", deviceIds: [] }, devices)).toEqual(new Set([2, 3]));
    expect(affectedDeviceIds({ id: 1, scope: "all", scopeValue: null, deviceIds: [] }, devices)).toBe("all");
  });
});
