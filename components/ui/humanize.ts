/** "metric_spike" → "Metric spike", "hour-of-week-zscore" → "Hour of week zscore". */
export function humanize(value: string): string {
  const words = value.replace(/[_-]+/g, " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : value;
}
