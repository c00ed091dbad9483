// The credit DB-IP's and RouteViews' CC BY 4.0 licences ask for wherever a placement is shown
// (kept apart from the loader so the browser bundle does not pull in node:fs).
export const GEO_ATTRIBUTION = { text: "IP geolocation by DB-IP; IP-to-ASN by RouteViews and DB-IP (CC BY 4.0)", href: "https://db-ip.com" } as const;
