// The alert page's country bars read stored evidence, which is JSON: anything not shaped like a
// geo_anomaly's country list gives no bars rather than a broken or misleading chart.
import { describe, expect, it } from "vitest";
import { countryBreakdownOf } from "@/lib/alerts/country-breakdown";

describe("countryBreakdownOf", () => {
  it("orders the countries by bytes, with shares of the listed total and flags", () => {
    const bars = countryBreakdownOf({
      countries: [
        { country: "US", bytes: 1_000_000, bytesOut: 400_000, bytesIn: 600_000, peers: 3, flagged: null },
        { country: "FR", bytes: 3_000_000, bytesOut: 3_000_000, bytesIn: 0, peers: 1, flagged: "outside allowed list" },
      ],
    });
    expect(bars).toEqual([
      { country: "FR", flag: "🇫🇷", bytes: 3_000_000, bytesOut: 3_000_000, bytesIn: 0, peers: 1, share: 0.75, flagged: "outside allowed list" },
      { country: "US", flag: "🇺🇸", bytes: 1_000_000, bytesOut: 400_000, bytesIn: 600_000, peers: 3, share: 0.25, flagged: null },
    ]);
  });

  it.each<[string, Record<string, unknown> | null]>([
    ["no evidence", null],
    ["another type's evidence", { topTalkers: [{ peer: "10.0.0.1", bytes: 5 }] }],
    ["an empty list", { countries: [] }],
    ["a country code that is not two capitals", { countries: [{ country: "<img src=x>", bytes: 1 }] }],
    ["negative bytes", { countries: [{ country: "US", bytes: -1 }] }],
  ])("no bars: %s", (_name, evidence) => {
    expect(countryBreakdownOf(evidence)).toBeNull();
  });
});
