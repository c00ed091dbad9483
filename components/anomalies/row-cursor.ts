// The Anomalies table's keyboard cursor follows an alert, not a row number: when the analyst shows newly
// arrived alerts (inserted above) or more pages load, the highlighted row is still the alert they were
// on, so the next key (f, t, a) acts on the alert they see. When that alert leaves the table (a refetch
// under a status filter after acknowledging it), the cursor stays at the same place, on the next one.

export interface RowCursor {
  /** The alert the cursor is on; null before the analyst moved it (the first row). */
  alertId: number | null;
  /** Its row when it was last placed, the fallback when the alert is no longer listed. */
  index: number;
}

export const FIRST_ROW: RowCursor = { alertId: null, index: 0 };

/** The row the cursor is on in `rows` (0 for an empty table). */
export function cursorRow(rows: readonly { id: number }[], cursor: RowCursor): number {
  if (cursor.alertId !== null) {
    const found = rows.findIndex((r) => r.id === cursor.alertId);
    if (found >= 0) return found;
  }
  return Math.max(0, Math.min(cursor.index, rows.length - 1));
}

/** The cursor on row `index` of `rows` (clamped to the table). */
export function cursorAt(rows: readonly { id: number }[], index: number): RowCursor {
  const row = Math.max(0, Math.min(index, rows.length - 1));
  return { alertId: rows[row]?.id ?? null, index: row };
}
