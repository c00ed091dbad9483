// Number formatting shared by the evaluation reports (scripts/eval.ts, scripts/eval-nab.ts): "–" where
// a figure does not exist (no alert, no label), thousands separators in English.

/** A share as a percentage with one decimal: 0.1234 → "12.3%". */
export const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
/** A figure with `digits` decimals. */
export const num = (x: number | null, digits: number) => (x === null ? "–" : x.toFixed(digits));
/** A count (or an amount of days) with thousands separators and at most `digits` decimals: 12345 → "12,345". */
export const count = (x: number, digits = 0) => x.toLocaleString("en", { maximumFractionDigits: digits });
