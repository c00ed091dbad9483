// Axis ranges for charts whose units have no natural scale (principal components): round ends, round steps.

/** A padded range of the values with round ends and ~5 evenly spaced round ticks. */
export function niceAxis(values: readonly number[]): { domain: [number, number]; ticks: number[] } {
  const finite = values.filter(Number.isFinite);
  const lo0 = finite.length > 0 ? Math.min(...finite) : -1;
  const hi0 = finite.length > 0 ? Math.max(...finite) : 1;
  const pad = hi0 > lo0 ? (hi0 - lo0) * 0.06 : 1;
  const lo = lo0 - pad;
  const hi = hi0 + pad;
  const raw = (hi - lo) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = start; t <= end + step / 2; t += step) ticks.push(Number(t.toFixed(10)));
  return { domain: [start, end], ticks };
}
