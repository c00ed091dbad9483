// How the Overview panels write numbers and delays.
const rateFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const countFormat = new Intl.NumberFormat();
const hourFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", timeZone: "UTC" });

export const formatRate = (perSec: number | null) => (perSec === null ? "—" : `${rateFormat.format(perSec)}/s`);
export const formatCount = (n: number | null) => (n === null ? "—" : countFormat.format(n));
export const formatPercent = (share: number | null) => (share === null ? "—" : `${Math.round(share * 100)}%`);
/** "14:00" in the viewer's time zone. */
export const formatHour = (iso: string) => hourFormat.format(new Date(iso));
/** "Tue 17" for a UTC day "2026-11-17" (the false-positive days are UTC days). */
export const formatUtcDay = (day: string) => dayFormat.format(new Date(`${day}T00:00:00Z`));

/** "up to date", "3 min behind", "2 h behind", "never reported". */
export function formatBehind(ms: number | null): string {
  if (ms === null) return "never reported";
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return "up to date";
  if (minutes < 120) return `${minutes} min behind`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h behind` : `${Math.round(hours / 24)} days behind`;
}

/** An exporter clock's offset: "3 min ahead", "2 h behind", "70 years ahead". */
export function formatSkew(seconds: number): string {
  const abs = Math.abs(seconds);
  const dir = seconds >= 0 ? "ahead" : "behind";
  if (abs < 120) return `${Math.round(abs)} s ${dir}`;
  if (abs < 7200) return `${Math.round(abs / 60)} min ${dir}`;
  if (abs < 48 * 3600) return `${Math.round(abs / 3600)} h ${dir}`;
  if (abs < 730 * 86_400) return `${Math.round(abs / 86_400)} days ${dir}`;
  return `${Math.round(abs / (365.25 * 86_400))} years ${dir}`;
}
