// The country breakdown of a geo_anomaly alert, read back from its stored evidence (JSON, so checked
// rather than trusted): each country's share of the minute's placed external bytes, whether it was
// flagged and why, largest first. Pure; the alert page draws it.
import { z } from "zod";

const countrySchema = z.object({
  country: z.string().regex(/^[A-Z]{2}$/),
  bytes: z.number().nonnegative(),
  bytesOut: z.number().nonnegative().optional(),
  bytesIn: z.number().nonnegative().optional(),
  peers: z.number().int().nonnegative().optional(),
  flagged: z.string().nullable().optional(),
});

export interface CountryBar {
  country: string;
  /** Regional-indicator flag ("🇫🇷"), for a glance; the code is shown too. */
  flag: string;
  bytes: number;
  bytesOut: number;
  bytesIn: number;
  peers: number;
  /** Of the listed countries' bytes, 0..1. */
  share: number;
  /** Why it was flagged ("new country", "outside allowed list"), or null for a usual one. */
  flagged: string | null;
}

/** The bars of `evidence.countries`, or null when the evidence has none (any other alert type). */
export function countryBreakdownOf(evidence: Record<string, unknown> | null): CountryBar[] | null {
  const parsed = z.array(countrySchema).min(1).safeParse(evidence?.countries);
  if (!parsed.success) return null;
  const total = parsed.data.reduce((s, c) => s + c.bytes, 0);
  return parsed.data
    .map((c) => ({
      country: c.country,
      flag: String.fromCodePoint(...[...c.country].map((ch) => 0x1f1e6 + ch.charCodeAt(0) - 65)),
      bytes: c.bytes,
      bytesOut: c.bytesOut ?? 0,
      bytesIn: c.bytesIn ?? 0,
      peers: c.peers ?? 0,
      share: total > 0 ? c.bytes / total : 0,
      flagged: c.flagged ?? null,
    }))
    .sort((a, b) => b.bytes - a.bytes);
}
