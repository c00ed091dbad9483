// The detectors that are off by default (config `enabled`): the hour-of-week z-score, robust z-score, IQR
// fences and EWMA band since the adaptive baseline replaced them, the Isolation Forest and the one-class SVM.
// Their tests run their logic turned on, and check once each that it stays off until an engineer turns it on.
import { expect } from "vitest";
import type { Detection, RunnableDetector } from "@/lib/detect/detector";

/** The override that turns an opt-in detector on. */
export const ON = { enabled: true } as const;

/** The detector's run turned on: `enabled: true` under any other overrides. */
export function turnedOn<Input>(detector: RunnableDetector<Input>) {
  return (input: Input, overrides: Record<string, unknown> = {}): Detection[] => detector.run(input, { ...ON, ...overrides });
}

/**
 * The opt-in contract on an input the detector flags when on: nothing at its defaults, nothing from
 * `tuning` alone (settings without `enabled`). Returns what it raises turned on, for the caller to check.
 */
export function offByDefault<Input>(detector: RunnableDetector<Input>, input: Input, tuning: Record<string, unknown>): Detection[] {
  expect(detector.run(input)).toEqual([]);
  expect(detector.run(input, tuning)).toEqual([]); // tuning alone does not turn it on
  return detector.run(input, ON);
}
