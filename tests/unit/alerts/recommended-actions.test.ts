import { describe, expect, it } from "vitest";
import { ALERT_TYPE_TITLES } from "@/lib/alerts/alert-type";
import { recommendedActionsFor } from "@/lib/alerts/recommended-actions";
import { LABEL_TYPES } from "@/lib/eval/scenario";

const GENERIC = recommendedActionsFor("no_such_type");

describe("recommendedActionsFor", () => {
  it.each(Object.keys(ALERT_TYPE_TITLES).map((type) => ({ type })))("$type has its own ordered checklist", ({ type }) => {
    const actions = recommendedActionsFor(type);
    expect(actions.length).toBeGreaterThanOrEqual(3);
    expect(actions).not.toEqual(GENERIC);
    expect(new Set(actions).size).toBe(actions.length);
  });

  it("covers every evaluation label type", () => {
    for (const type of LABEL_TYPES) expect(recommendedActionsFor(type)).not.toEqual(GENERIC);
  });

  it.each([
    { type: "ddos", first: /scrubbing|rate-limit/i, mentions: /top sources/i },
    { type: "exfiltration", first: /block the destination at the egress/i, mentions: /isolate/i },
    { type: "slow_exfiltration", first: /block/i, mentions: /preserve the flow history/i },
    { type: "link_down", first: /interface status/i, mentions: /physical/i },
    { type: "port_scan", first: /block it at the perimeter/i, mentions: /answered/i },
  ])("$type starts with containment and includes the key step", ({ type, first, mentions }) => {
    const actions = recommendedActionsFor(type);
    expect(actions[0]).toMatch(first);
    expect(actions.some((a) => mentions.test(a))).toBe(true);
  });

  it("exfiltration: stops the flow first (block, isolate), then preserves evidence", () => {
    const actions = recommendedActionsFor("exfiltration");
    const index = (re: RegExp) => actions.findIndex((a) => re.test(a));
    expect(index(/block/i)).toBeLessThan(index(/isolate/i));
    expect(index(/isolate/i)).toBeLessThan(index(/preserve/i));
  });

  it.each([{ type: "large_upload" }, { type: "" }, { type: "constructor" }, { type: "__proto__" }])(
    "falls back to the generic checklist for $type",
    ({ type }) => {
      expect(recommendedActionsFor(type)).toEqual(GENERIC);
      expect(GENERIC.length).toBeGreaterThanOrEqual(3);
    },
  );

  it("is deterministic and hands out copies", () => {
    const first = recommendedActionsFor("ddos");
    first.push("tampered");
    expect(recommendedActionsFor("ddos")).not.toContain("tampered");
    expect(recommendedActionsFor("ddos")).toEqual(recommendedActionsFor("ddos"));
  });
});
