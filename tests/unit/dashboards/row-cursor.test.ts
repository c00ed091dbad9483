// The Anomalies table's keyboard cursor stays on the alert the analyst was on when rows change around it.
import { describe, expect, it } from "vitest";
import { cursorAt, cursorRow, FIRST_ROW } from "../../../components/anomalies/row-cursor";

const rows = (...ids: number[]) => ids.map((id) => ({ id }));

describe("the Anomalies table's row cursor", () => {
  it("starts on the first row, also of a table that fills later, and of an empty one", () => {
    expect(cursorRow(rows(), FIRST_ROW)).toBe(0);
    expect(cursorRow(rows(7, 6, 5), FIRST_ROW)).toBe(0);
  });

  it("stays on the same alert when newly arrived alerts are shown above it", () => {
    const before = rows(30, 29, 28);
    const onSecond = cursorAt(before, 1);
    expect(onSecond).toEqual({ alertId: 29, index: 1 });
    // "Show" inserts the arrivals at the top: by row number the cursor would now be on alert 31
    const after = rows(32, 31, 30, 29, 28);
    expect(after[cursorRow(after, onSecond)]!.id).toBe(29);
  });

  it("stays in place, on the next alert, when its alert left the table", () => {
    const cursor = cursorAt(rows(30, 29, 28), 1);
    // acknowledged under ?status=open: the refetched table no longer lists 29
    expect(cursorRow(rows(30, 28), cursor)).toBe(1);
    // and at the end of a table that shrank, on its last row
    expect(cursorRow(rows(30), cursor)).toBe(0);
  });

  it("clamps moves to the table", () => {
    const table = rows(3, 2, 1);
    expect(cursorAt(table, -1)).toEqual({ alertId: 3, index: 0 });
    expect(cursorAt(table, 5)).toEqual({ alertId: 1, index: 2 });
    expect(cursorAt(rows(), 1)).toEqual({ alertId: null, index: 0 });
  });
});
