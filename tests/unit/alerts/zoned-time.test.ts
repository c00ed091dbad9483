import { describe, expect, it } from "vitest";
import { canonicalTimeZone, instantToZonedInput, timeZoneNames, zonedInputToInstant } from "@/lib/alerts/zoned-time";

describe("canonicalTimeZone", () => {
  it.each([
    { input: "Europe/Berlin", expected: "Europe/Berlin" },
    { input: "europe/berlin", expected: "Europe/Berlin" },
    { input: "UTC", expected: "UTC" },
    { input: " utc ", expected: "UTC" },
    { input: "Mars/Olympus_Mons", expected: undefined },
    { input: "", expected: undefined },
  ])("$input → $expected", ({ input, expected }) => {
    expect(canonicalTimeZone(input)).toBe(expected);
  });

  it("lists UTC first and real zones after it", () => {
    const names = timeZoneNames();
    expect(names[0]).toBe("UTC");
    expect(names).toContain("Europe/Berlin");
  });
});

describe("zonedInputToInstant / instantToZonedInput", () => {
  it.each([
    { local: "2026-01-15T02:00", tz: "Europe/Berlin", instant: "2026-01-15T01:00:00.000Z" },
    { local: "2026-07-15T02:00", tz: "Europe/Berlin", instant: "2026-07-15T00:00:00.000Z" },
    { local: "2026-07-15T02:00", tz: "UTC", instant: "2026-07-15T02:00:00.000Z" },
    { local: "2026-07-15T20:30", tz: "America/New_York", instant: "2026-07-16T00:30:00.000Z" },
    { local: "2026-07-15T09:45", tz: "Asia/Kolkata", instant: "2026-07-15T04:15:00.000Z" },
    // the repeated hour when clocks go back: the first of the two
    { local: "2026-10-25T02:30", tz: "Europe/Berlin", instant: "2026-10-25T00:30:00.000Z" },
  ])("$local in $tz is $instant and back", ({ local, tz, instant }) => {
    expect(zonedInputToInstant(local, tz)?.toISOString()).toBe(instant);
    expect(instantToZonedInput(new Date(instant), tz)).toBe(local);
  });

  it("moves a time in the skipped hour forward by the gap", () => {
    expect(zonedInputToInstant("2026-03-29T02:30", "Europe/Berlin")?.toISOString()).toBe("2026-03-29T01:30:00.000Z");
  });

  it.each(["", "2026-07-15", "15/07/2026 02:00", "2026-07-15T2:00"])("refuses %j", (value) => {
    expect(zonedInputToInstant(value, "UTC")).toBeUndefined();
  });
});
