// The supervisor's wait before restarting a crashed child: doubling per crash in a row, capped.
import { describe, expect, it } from "vitest";
import { restartDelayMs } from "../../../workers/supervised-child";

describe("restartDelayMs", () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 32_000],
    [7, 60_000],
    [50, 60_000],
  ])("after crash %i in a row waits %i ms", (crashes, ms) => {
    expect(restartDelayMs(crashes, { initialMs: 1000, maxMs: 60_000 })).toBe(ms);
  });
});
