import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { maintenanceWindowInputSchema } from "@/lib/alerts/maintenance-window-input";

const base = { scope: "all", startsAt: "2026-11-20T01:00:00Z", endsAt: "2026-11-20T03:00:00Z", reason: "upgrade" };

function fieldOf(input: unknown): string | undefined {
  try {
    maintenanceWindowInputSchema.parse(input);
    return undefined;
  } catch (err) {
    if (!(err instanceof ZodError)) throw err;
    // as the API reports it: "deviceIds.0" (an element of a list) is the field "deviceIds"
    return err.issues[0]?.path.filter((p) => typeof p !== "number").join(".");
  }
}

describe("maintenanceWindowInputSchema", () => {
  it("fills defaults, canonicalises the time zone and drops fields the scope does not use", () => {
    expect(maintenanceWindowInputSchema.parse({ ...base, scopeValue: "hq", deviceIds: [3], timezone: "europe/berlin" })).toEqual({
      scope: "all",
      scopeValue: null,
      deviceIds: [],
      startsAt: new Date("2026-11-20T01:00:00Z"),
      endsAt: new Date("2026-11-20T03:00:00Z"),
      recurrence: "none",
      timezone: "Europe/Berlin",
      reason: "upgrade",
    });
    expect(maintenanceWindowInputSchema.parse({ ...base, scope: "device", deviceIds: [5, 2, 5] }).deviceIds).toEqual([2, 5]);
  });

  it("accepts stored Dates when re-validating", () => {
    expect(maintenanceWindowInputSchema.parse({ ...base, startsAt: new Date(base.startsAt), endsAt: new Date(base.endsAt) }).startsAt).toEqual(
      new Date(base.startsAt),
    );
  });

  it.each([
    { name: "end before start", input: { ...base, endsAt: "2026-11-19T00:00:00Z" }, field: "endsAt" },
    { name: "weekly longer than a week", input: { ...base, recurrence: "weekly", endsAt: "2026-11-28T00:00:00Z" }, field: "endsAt" },
    { name: "bad time zone", input: { ...base, timezone: "Europe/Atlantis" }, field: "timezone" },
    { name: "bad start", input: { ...base, startsAt: "tomorrow" }, field: "startsAt" },
    { name: "role without a name", input: { ...base, scope: "role", scopeValue: "" }, field: "scopeValue" },
    { name: "device ids that are not ids", input: { ...base, scope: "device", deviceIds: ["a"] }, field: "deviceIds" },
    { name: "unknown field", input: { ...base, colour: "red" }, field: "" },
  ])("refuses $name", ({ input, field }) => {
    expect(fieldOf(input)).toBe(field);
  });

  it("allows a daily window of exactly 24 hours", () => {
    expect(fieldOf({ ...base, recurrence: "daily", endsAt: "2026-11-21T01:00:00Z" })).toBeUndefined();
  });
});
