// The evaluation's built-in labelled scenario: what it labels, what it announces, what it streams,
// and that its JSON Lines read back as the same scenario.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseScenario } from "@/lib/eval/scenario";
import { scenarioLines, telemetryTs } from "@/lib/eval/scenario-source";
import { incidentActiveAt } from "@/lib/simulator/incidents";
import { labelledScenario, type LabelledScenarioOptions } from "@/lib/simulator/labelled-scenario";
import { createNetworkModel } from "@/lib/simulator/network-model";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = new Date("2025-01-06T00:00:00Z"); // a Monday; Patch Tuesday (14 January) falls inside
/** Five devices (no web server), two weeks, no flows: quick to stream. */
const SMALL: LabelledScenarioOptions = { seed: 7, devices: 5, days: 14, start: START, flows: false };

const small = labelledScenario(SMALL);
const smallLines = [...scenarioLines(small)];

const tsOf = telemetryTs;
const digest = (lines: Iterable<string>) => {
  const hash = createHash("sha256");
  for (const line of lines) hash.update(line).update("\n");
  return hash.digest("hex");
};

describe("labelledScenario", () => {
  it("is deterministic for a seed, down to every line it writes", () => {
    const again = labelledScenario(SMALL);
    expect(again.labels).toEqual(small.labels);
    expect(again.maintenance).toEqual(small.maintenance);
    expect(again.calendar).toEqual(small.calendar);
    expect(digest(scenarioLines(again))).toBe(digest(smallLines));
    expect(labelledScenario({ ...SMALL, seed: 8 }).labels).not.toEqual(small.labels);
  });

  it("spans the whole days asked for, from the UTC midnight of the start, and streams every device-minute", () => {
    const late = labelledScenario({ ...SMALL, start: new Date("2025-01-06T15:30:00Z") });
    expect(late.span).toEqual({ start: START, end: new Date(START.getTime() + 14 * DAY - MINUTE) });
    expect(small.span).toEqual(late.span);
    expect(smallLines.filter((l) => l.startsWith('{"kind":"metric"'))).toHaveLength(5 * 14 * 1440);
  });

  it("streams every telemetry item in time order", () => {
    let previous = -Infinity;
    let outOfOrder = 0;
    for (const t of small.telemetry()) {
      if (tsOf(t) < previous) outOfOrder++;
      previous = tsOf(t);
    }
    expect(outOfOrder).toBe(0);
    expect(previous).toBe(small.span.end.getTime());
  });

  it.each([1, 2, 3, 7, 11])("seed %i: labels exactly one slow exfiltration, which ends before the scenario does", (seed) => {
    const s = seed === SMALL.seed ? small : labelledScenario({ ...SMALL, seed });
    const slow = s.labels.filter((l) => l.type === "slow_exfiltration");
    expect(slow).toHaveLength(1);
    expect(slow[0]!.end.getTime()).toBeLessThanOrEqual(s.span.end.getTime());
    // it runs for days, inside the scored part (after training)
    expect(slow[0]!.end.getTime() - slow[0]!.start.getTime()).toBeGreaterThan(2 * DAY);
    // and every label names a device of the fleet, with a window inside the scenario
    const names = new Set(s.fleet.map((d) => d.name));
    for (const l of s.labels) {
      expect(names.has(l.device)).toBe(true);
      expect(l.target).toBe(l.device);
      expect(l.start.getTime()).toBeGreaterThanOrEqual(s.span.start.getTime());
      expect(l.end.getTime()).toBeGreaterThan(l.start.getTime());
    }
  });

  it.each([1, 2, 3, 7, 11])("seed %i: no maintenance window comes within an hour of a labelled incident on its device", (seed) => {
    const s = seed === SMALL.seed ? small : labelledScenario({ ...SMALL, seed });
    expect(s.maintenance.length).toBeGreaterThan(0);
    for (const w of s.maintenance) {
      expect(w.devices).toHaveLength(1);
      // config_drift is the device's state over the scored period, not an incident
      const clashes = s.labels.filter(
        (l) =>
          l.type !== "config_drift" &&
          l.device === w.devices[0] &&
          l.start.getTime() < w.end.getTime() + HOUR &&
          l.end.getTime() > w.start.getTime() - HOUR,
      );
      expect(clashes).toEqual([]);
    }
  });

  it("reboots a device only inside its maintenance windows (link down outside them is a labelled incident)", () => {
    const inside = (ms: number, w: { start: Date; end: Date }) => ms >= w.start.getTime() && ms < w.end.getTime();
    const downPerWindow = small.maintenance.map(() => 0);
    const unexplained: string[] = [];
    for (const t of small.telemetry()) {
      if (t.kind !== "metric" || t.metric.values.packetLossPct !== 100 || t.metric.values.bandwidthInBps !== 0) continue;
      const ms = t.metric.ts.getTime();
      const w = small.maintenance.findIndex((m) => m.devices[0] === t.metric.device && inside(ms, m));
      if (w >= 0) downPerWindow[w]!++;
      else if (!small.labels.some((l) => l.device === t.metric.device && l.type === "link_down" && inside(ms, l))) {
        unexplained.push(`${t.metric.device} ${t.metric.ts.toISOString()}`);
      }
    }
    expect(unexplained).toEqual([]);
    for (const down of downPerWindow) expect(down).toBeGreaterThanOrEqual(10);
  });
});

describe("labelledScenario's business calendar", () => {
  // Twelve devices: the first web server (web-dc1-1) is the twelfth.
  const withWeb = labelledScenario({ ...SMALL, devices: 12 });
  const surges = withWeb.calendar.filter((c) => c.name.startsWith("Marketing campaign"));
  const patchTuesdays = withWeb.calendar.filter((c) => c.name.startsWith("Patch Tuesday"));

  it("announces the marketing surges (one a week) and Patch Tuesday, and nothing else — not the weekly backup", () => {
    expect(surges).toHaveLength(2);
    expect(patchTuesdays).toHaveLength(1);
    expect(withWeb.calendar).toHaveLength(surges.length + patchTuesdays.length);
    expect(withWeb.fleet.some((d) => d.tags.includes("backup"))).toBe(true);
  });

  it.each([0, 1])("marketing campaign %i: Tuesday–Thursday from 10–13:00 UTC for 2–6 hours, ×3–6", (k) => {
    const c = surges[k]!;
    expect(c.name).toBe(`Marketing campaign ${c.start.toISOString().slice(0, 10)}`);
    expect([2, 3, 4]).toContain(c.start.getUTCDay());
    expect(c.start.getUTCHours()).toBeGreaterThanOrEqual(10);
    expect(c.start.getUTCHours()).toBeLessThanOrEqual(13);
    expect([2, 3, 4, 5, 6].map((h) => h * HOUR)).toContain(c.end.getTime() - c.start.getTime());
    expect(c.expectedIncrease).toBeGreaterThanOrEqual(3);
    expect(c.expectedIncrease).toBeLessThanOrEqual(6);
  });

  it("Patch Tuesday: the month's second Tuesday, 18:00 UTC, 30–60 minutes, ×2–4", () => {
    const [p] = patchTuesdays;
    expect(p).toMatchObject({ name: "Patch Tuesday 2025-01", start: new Date("2025-01-14T18:00:00Z") });
    expect(p!.end.getTime() - p!.start.getTime()).toBeGreaterThanOrEqual(30 * MINUTE);
    expect(p!.end.getTime() - p!.start.getTime()).toBeLessThanOrEqual(60 * MINUTE);
    expect(p!.expectedIncrease).toBeGreaterThanOrEqual(2);
    expect(p!.expectedIncrease).toBeLessThanOrEqual(4);
  });

  it("a fleet without web servers gets Patch Tuesday only", () => {
    expect(small.fleet.some((d) => d.tags.includes("web"))).toBe(false);
    expect(small.calendar.map((c) => c.name)).toEqual(["Patch Tuesday 2025-01"]);
  });

  it("the web server's inbound traffic rises by the announced factor during a campaign", () => {
    const web = withWeb.fleet.findIndex((d) => d.tags.includes("web"));
    const model = createNetworkModel({ devices: withWeb.fleet, seed: SMALL.seed });
    const campaign = surges[0]!;
    const quiet = (ms: number) => !withWeb.incidents.some((i) => i.deviceIndex === web && incidentActiveAt(i, ms));
    let checked = 0;
    for (const t of withWeb.telemetry()) {
      if (t.kind !== "metric" || t.metric.device !== withWeb.fleet[web]!.name) continue;
      const ms = t.metric.ts.getTime();
      if (ms >= campaign.end.getTime()) break;
      if (ms < campaign.start.getTime() || !quiet(ms)) continue;
      const usual = model.valuesAt(web, t.metric.ts).bandwidthInBps!;
      expect(t.metric.values.bandwidthInBps! / usual).toBeCloseTo(campaign.expectedIncrease, 3);
      checked++;
    }
    expect(checked).toBeGreaterThan(60);
  });
});

describe("labelledScenario written as JSON Lines", () => {
  it("parses back to the same inventory, labels, maintenance, calendar and number of metric lines", () => {
    const parsed = parseScenario(smallLines.join("\n"));
    expect(parsed.config).toEqual(small.config);
    expect(parsed.labels).toEqual(small.labels);
    expect(parsed.maintenance).toEqual(small.maintenance);
    expect(parsed.calendar).toEqual(small.calendar);
    expect(parsed.metrics).toHaveLength(5 * 14 * 1440);
    expect(parsed.flows).toEqual([]);
    expect(parsed.span).toEqual(small.span);
  });

  describe("with flows, for a day", () => {
    const oneDay = labelledScenario({ seed: 7, devices: 3, days: 1, start: START, flows: true });
    const items = [...oneDay.telemetry()];
    const flows = items.filter((t) => t.kind === "flow").length;

    it("streams flows too, every item in time order, a minute's metrics before its flows", () => {
      expect(flows).toBeGreaterThan(1440);
      const problems: string[] = [];
      for (let k = 1; k < items.length; k++) {
        const [before, after] = [items[k - 1]!, items[k]!];
        if (tsOf(after) < tsOf(before)) problems.push(`item ${k} goes back in time`);
        else if (tsOf(after) === tsOf(before) && after.kind === "metric" && before.kind === "flow") problems.push(`item ${k}: a metric after a flow`);
      }
      expect(problems).toEqual([]);
    });

    it("round-trips through JSON Lines with every metric and flow line", () => {
      const parsed = parseScenario([...scenarioLines(oneDay)].join("\n"));
      expect(parsed.metrics).toHaveLength(3 * 1440);
      expect(parsed.flows).toHaveLength(flows);
      expect(parsed.labels).toEqual(oneDay.labels);
      expect(parsed.calendar).toEqual(oneDay.calendar);
      expect(parsed.maintenance).toEqual(oneDay.maintenance);
    });
  });
});
