// GEO_ALLOWED_COUNTRIES: the countries a device's external peers may be in, for everyone and per site
// or role. Format: groups separated by ";", each "CC,CC" (every device) or "site:NAME=CC,CC" /
// "role:NAME=CC,CC"; e.g. "US,CA;site:paris=FR,DE,US;role:dmz=US". A device takes its site's list,
// else its role's, else the general one; no list at all: no country is outside (only "never used"
// is judged). Codes are ISO 3166-1 alpha-2. Pure.
import type { DetectorDevice } from "@/lib/detect/detector";

export interface AllowedCountries {
  general: ReadonlySet<string> | null;
  bySite: ReadonlyMap<string, ReadonlySet<string>>;
  byRole: ReadonlyMap<string, ReadonlySet<string>>;
}

export const NO_ALLOWED_COUNTRIES: AllowedCountries = { general: null, bySite: new Map(), byRole: new Map() };

function codes(list: string, group: string): Set<string> {
  const out = new Set<string>();
  for (const raw of list.split(",")) {
    const c = raw.trim().toUpperCase();
    if (!c) continue;
    if (!/^[A-Z]{2}$/.test(c)) throw new Error(`"${raw.trim()}" in "${group}" is not a two-letter country code (ISO 3166-1, e.g. US)`);
    out.add(c);
  }
  if (out.size === 0) throw new Error(`"${group}" lists no country`);
  return out;
}

/** Parses the setting; throws an Error naming the bad group. Empty text: no lists. */
export function parseAllowedCountries(text: string | undefined): AllowedCountries {
  let general: Set<string> | null = null;
  const bySite = new Map<string, ReadonlySet<string>>();
  const byRole = new Map<string, ReadonlySet<string>>();
  for (const raw of (text ?? "").split(";")) {
    const group = raw.trim();
    if (!group) continue;
    const scoped = /^(site|role):([^=]+)=(.*)$/i.exec(group);
    if (scoped) {
      const name = scoped[2]!.trim().toLowerCase();
      if (!name) throw new Error(`"${group}" names no ${scoped[1]!.toLowerCase()}`);
      (scoped[1]!.toLowerCase() === "site" ? bySite : byRole).set(name, codes(scoped[3]!, group));
    } else if (group.includes("=") || group.includes(":")) {
      throw new Error(`"${group}" must be "CC,CC", "site:NAME=CC,CC" or "role:NAME=CC,CC"`);
    } else {
      general = new Set([...(general ?? []), ...codes(group, group)]);
    }
  }
  return { general, bySite, byRole };
}

/** The list that applies to `device` (site first, then role, then the general one), or null. */
export function allowedCountriesFor(rules: AllowedCountries, device: DetectorDevice): ReadonlySet<string> | null {
  return (
    (device.site ? rules.bySite.get(device.site.toLowerCase()) : undefined) ??
    (device.role ? rules.byRole.get(device.role.toLowerCase()) : undefined) ??
    rules.general
  );
}
