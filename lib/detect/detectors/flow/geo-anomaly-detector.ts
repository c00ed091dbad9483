// Geographic and ASN anomalies: traffic with external peers in a country (or an autonomous system)
// this device has never used, once its geography has been learnt for `learnMinutes` minutes, or in a
// country outside the device's allowed list (GEO_ALLOWED_COUNTRIES, per site or role; judged from the
// first minute). Peers are placed with the IP databases shipped in npm packages
// (`lib/telemetry/geo/ip-geo.ts`); what the device used before is its `FlowProfile`'s. Severity
// follows the volume: under `minMegabytes` a minute is not reported at all (a CDN node in a new
// country serving a few hundred kilobytes is ordinary), medium above it, high from 10×, critical
// from 100×. Peers the databases do not place (private, reserved) are never judged.
import { z } from "zod";
import { defineDetector } from "@/lib/detect/detector";
import type { AsnUse, CountryUse } from "@/lib/detect/baseline/flow-profile";
import type { Severity } from "@/lib/detect/severity";

export const GEO_ANOMALY_DETECTOR_ID = "flow-geo-anomaly";
export const GEO_ANOMALY_ANOMALY_TYPE = "geo_anomaly";

export const geoAnomalyConfigSchema = z.object({
  /** Megabytes (in + out, this minute) with new or disallowed places under which nothing is reported. */
  minMegabytes: z.number().finite().positive(),
  /** The same for traffic outside the allowed countries (a policy breach, so a lower bar). */
  minMegabytesOutsideAllowed: z.number().finite().positive(),
  /** A new autonomous system in a country already used needs this many megabytes (CDNs change ASNs often). */
  minMegabytesNewAsn: z.number().finite().positive(),
  /** Minutes of resolved external traffic before "never used" is judged (cold start). */
  learnMinutes: z.number().int().min(0),
  /** A country or ASN counts as used once seen in this many minutes. */
  knownAfterMinutes: z.number().int().min(1),
});

export type GeoAnomalyConfig = z.infer<typeof geoAnomalyConfigSchema>;

const MB = 1_000_000;

function severityByVolume(megabytes: number, threshold: number): Severity {
  if (megabytes >= 100 * threshold) return "critical";
  if (megabytes >= 10 * threshold) return "high";
  return "medium";
}

const mb = (bytes: number) => (bytes / MB).toFixed(bytes >= 10 * MB ? 0 : 1);

type Reason = "outside allowed list" | "new country" | "new ASN";

export const geoAnomalyDetector = defineDetector({
  id: GEO_ANOMALY_DETECTOR_ID,
  description:
    "Geographic/ASN anomaly: traffic with peers in a country or autonomous system this device has never used (after a learning period), or outside its allowed countries (GEO_ALLOWED_COUNTRIES); severity by volume, small volumes not reported. Needs flow data.",
  configSchema: geoAnomalyConfigSchema,
  scoreField: "minMegabytes",
  alertTypes: [GEO_ANOMALY_ANOMALY_TYPE],
  threatType: GEO_ANOMALY_ANOMALY_TYPE,
  defaultConfig: { minMegabytes: 5, minMegabytesOutsideAllowed: 0.5, minMegabytesNewAsn: 50, learnMinutes: 1440, knownAfterMinutes: 10 },
  detect(input, config) {
    const geo = input.flowProfile?.geo;
    if (!geo || geo.countries.length === 0) return [];
    const learnt = geo.learntMinutes >= config.learnMinutes;
    const allowed = geo.allowedCountries;

    const flagged: { country: CountryUse; reason: Reason }[] = [];
    for (const c of geo.countries) {
      if (allowed && !allowed.has(c.country)) flagged.push({ country: c, reason: "outside allowed list" });
      else if (learnt && c.minutesSeen < config.knownAfterMinutes) flagged.push({ country: c, reason: "new country" });
    }
    const flaggedCountries = new Set(flagged.map((f) => f.country.country));
    const newAsns: AsnUse[] = learnt
      ? geo.asns.filter((a) => a.minutesSeen < config.knownAfterMinutes && !(a.country && flaggedCountries.has(a.country)))
      : [];

    const outsideBytes = flagged.filter((f) => f.reason === "outside allowed list").reduce((s, f) => s + f.country.bytes, 0);
    const newCountryBytes = flagged.filter((f) => f.reason === "new country").reduce((s, f) => s + f.country.bytes, 0);
    const newAsnBytes = newAsns.reduce((s, a) => s + a.bytes, 0);
    // which bar is met decides what the alert is about: the policy first, then a new country, then an ASN
    let reason: Reason | undefined;
    let bytes = 0;
    let threshold = config.minMegabytes;
    if (outsideBytes >= config.minMegabytesOutsideAllowed * MB) {
      reason = "outside allowed list";
      bytes = outsideBytes + newCountryBytes;
      threshold = config.minMegabytesOutsideAllowed;
    } else if (newCountryBytes >= config.minMegabytes * MB) {
      reason = "new country";
      bytes = newCountryBytes;
    } else if (newAsnBytes >= config.minMegabytesNewAsn * MB) {
      reason = "new ASN";
      bytes = newAsnBytes;
      threshold = config.minMegabytesNewAsn;
    }
    if (!reason) return [];

    const subjects =
      reason === "new ASN"
        ? newAsns.map((a) => `AS${a.asn}${a.asOrg ? ` (${a.asOrg})` : ""}${a.country ? ` in ${a.country}` : ""}: ${mb(a.bytes)} MB`)
        : flagged
            .filter((f) => (reason === "outside allowed list" ? true : f.reason === "new country"))
            .map((f) => `${f.country.country} (${f.reason}): ${mb(f.country.bytes)} MB with ${f.country.peers.length} peer${f.country.peers.length === 1 ? "" : "s"}, ${mb(f.country.bytesOut)} MB out`);
    const known = geo.countries.filter((c) => !flaggedCountries.has(c.country)).map((c) => c.country);
    const explanation =
      `${mb(bytes)} MB this minute with ${reason === "new ASN" ? "autonomous systems" : "countries"} ` +
      `${reason === "outside allowed list" ? "outside the allowed list" : "this device has never used"}: ${subjects.slice(0, 3).join("; ")}.` +
      (known.length > 0 ? ` Its usual countries this minute: ${known.slice(0, 5).join(", ")}.` : "") +
      (allowed ? ` Allowed: ${[...allowed].sort().join(", ")}.` : "");
    const megabytes = bytes / MB;
    return [
      {
        detector: GEO_ANOMALY_DETECTOR_ID,
        anomalyType: GEO_ANOMALY_ANOMALY_TYPE,
        metric: "bandwidthOutBps",
        severity: severityByVolume(megabytes, threshold),
        score: Math.round(megabytes * 100) / 100,
        observed: { value: (bytes * 8) / 60, ts: input.sample.ts.toISOString() },
        expected: { low: 0, high: (threshold * MB * 8) / 60 },
        explanation,
        contributions: flagged.slice(0, 5).map((f) => ({ feature: `country ${f.country.country}`, value: f.country.bytes, share: Math.round((f.country.bytes / Math.max(1, bytes)) * 1000) / 1000 })),
        evidence: {
          reason,
          bytes: Math.round(bytes),
          // the alert page's country breakdown
          countries: geo.countries.slice(0, 10).map((c) => ({
            country: c.country,
            bytes: Math.round(c.bytes),
            bytesOut: Math.round(c.bytesOut),
            bytesIn: Math.round(c.bytesIn),
            peers: c.peers.length,
            flagged: flaggedCountries.has(c.country) ? flagged.find((f) => f.country.country === c.country)!.reason : null,
            minutesSeen: c.minutesSeen,
          })),
          peers: flagged
            .flatMap((f) => f.country.peers.map((p) => ({ ...p, country: f.country.country })))
            .concat(reason === "new ASN" ? geo.countries.flatMap((c) => c.peers.filter((p) => newAsns.some((a) => a.asn === p.asn)).map((p) => ({ ...p, country: c.country }))) : [])
            .slice(0, 10),
          newAsns: newAsns.slice(0, 5).map((a) => ({ asn: a.asn, asOrg: a.asOrg ?? null, country: a.country ?? null, bytes: Math.round(a.bytes) })),
          allowedCountries: allowed ? [...allowed].sort() : null,
          learntMinutes: geo.learntMinutes,
          externalBytes: Math.round(geo.externalBytes),
        },
      },
    ];
  },
});
