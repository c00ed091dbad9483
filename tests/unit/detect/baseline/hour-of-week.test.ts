import { describe, expect, it } from "vitest";
import { describeHourOfWeek, hourOfWeek } from "@/lib/detect/baseline/hour-of-week";

describe("hourOfWeek", () => {
  it.each([
    { name: "Monday 00:00 is the first hour", ts: "2025-01-06T00:00:00Z", expected: 0 },
    { name: "the last millisecond of Monday 00:xx stays in hour 0", ts: "2025-01-06T00:59:59.999Z", expected: 0 },
    { name: "Monday 01:00", ts: "2025-01-06T01:00:00Z", expected: 1 },
    { name: "Tuesday 14:30", ts: "2025-01-07T14:30:00Z", expected: 38 },
    { name: "Saturday 00:00", ts: "2025-01-11T00:00:00Z", expected: 120 },
    { name: "Sunday 00:00", ts: "2025-01-12T00:00:00Z", expected: 144 },
    { name: "Sunday 23:00 is the last hour", ts: "2025-01-12T23:00:00Z", expected: 167 },
    { name: "Sunday 23:59:59", ts: "2025-01-12T23:59:59Z", expected: 167 },
    { name: "a timestamp with an offset is read in UTC", ts: "2025-01-07T01:30:00+05:00", expected: 20 },
    { name: "a European DST switch night is plain UTC", ts: "2025-03-30T01:30:00Z", expected: 145 },
    { name: "leap day (a Thursday)", ts: "2024-02-29T12:00:00Z", expected: 84 },
  ])("$name → $expected", ({ ts, expected }) => {
    expect(hourOfWeek(new Date(ts))).toBe(expected);
  });

  it("throws on an invalid Date rather than returning a bogus bucket", () => {
    expect(() => hourOfWeek(new Date("not a date"))).toThrow(RangeError);
  });
});

describe("describeHourOfWeek", () => {
  it.each([
    { how: 0, text: "Monday 00:00 UTC" },
    { how: 38, text: "Tuesday 14:00 UTC" },
    { how: 167, text: "Sunday 23:00 UTC" },
  ])("$how → $text", ({ how, text }) => {
    expect(describeHourOfWeek(how)).toBe(text);
  });

  it.each([-1, 168, 1.5])("rejects %s", (how) => {
    expect(() => describeHourOfWeek(how)).toThrow(RangeError);
  });
});
