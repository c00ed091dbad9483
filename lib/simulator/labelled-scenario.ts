// The evaluation's built-in labelled scenarios, made from the same simulator as the demo: the network
// model's ordinary minutes, benign look-alikes (a weekly marketing surge announced in the business
// calendar, Patch Tuesday downloads also announced there, the weekly backup the model already makes),
// planned maintenance in which devices reboot (alerts there must be suppressed), and labelled
// incidents of every kind, some in the training history too (training must leave them out). Flow
// records come from the demo's traffic model, so flow-based detectors see the same evidence the live
// demo sends over NetFlow. Pure and deterministic for its options.
import type { CalendarEvent, Label, LabelType, MaintenanceWindow, ScenarioFlow } from "@/lib/eval/scenario";
import { SCENARIO_METRIC_KEYS } from "@/lib/eval/scenario";
import type { ScenarioSource, ScenarioTelemetry } from "@/lib/eval/scenario-source";
import { trainingEnd } from "@/lib/eval/score-alerts";
import { applyBenignEvents, planBenignEvents } from "@/lib/simulator/benign-events";
import { demoFleet, type DeviceSpec } from "@/lib/simulator/demo-fleet";
import { demoFlows } from "@/lib/simulator/demo-traffic";
import { groundTruthLabels } from "@/lib/simulator/ground-truth";
import { applyIncidents, planIncidents, type Incident } from "@/lib/simulator/incidents";
import { createNetworkModel } from "@/lib/simulator/network-model";
import { hashString, mulberry32 } from "@/lib/simulator/prng";
import type { MetricValues } from "@/lib/telemetry/metrics";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface LabelledScenarioOptions {
  seed: number;
  devices: number;
  days: number;
  /** Start of the scenario (rounded down to a UTC midnight). */
  start: Date;
  /** Emit flow records for every device-minute (the demo's traffic model); default true. */
  flows?: boolean;
  /** Mean quiet minutes between incidents in the scored period (default 180). */
  meanGapMinutes?: number;
  /** Incidents in the training history, which training must leave out (default 4). */
  historyIncidents?: number;
  /** Maintenance windows in the scored period (default 3). */
  maintenanceWindows?: number;
}

export interface LabelledScenario extends ScenarioSource {
  fleet: DeviceSpec[];
  incidents: Incident[];
}

export function labelledScenario(options: LabelledScenarioOptions): LabelledScenario {
  const { seed, days } = options;
  const start = Math.floor(options.start.getTime() / DAY) * DAY;
  const end = start + days * DAY;
  const fleet = demoFleet(options.devices, seed);
  const names = fleet.map((d) => d.name);
  const scoredFrom = trainingEnd(new Date(start), new Date(end - MINUTE)).getTime();
  const rng = mulberry32(hashString(`labelled-scenario:${seed}`));

  // A few incidents scattered over the history (days 2..), then the scored period's stream of them.
  const history = planIncidents({
    seed: seed + 1,
    deviceCount: fleet.length,
    from: new Date(start + 2 * DAY),
    to: new Date(scoredFrom - DAY),
    meanGapMinutes: Math.max(60, (scoredFrom - start - 3 * DAY) / MINUTE / Math.max(1, options.historyIncidents ?? 4)),
    kinds: ["ddos", "app_ddos", "port_scan", "exfiltration", "link_down", "cpu_exhaustion", "degradation"],
  });
  const scored = planIncidents({
    seed,
    deviceCount: fleet.length,
    from: new Date(scoredFrom),
    to: new Date(end - 2 * HOUR),
    meanGapMinutes: options.meanGapMinutes ?? 180,
  }).filter((i) => i.end.getTime() <= end && i.kind !== "slow_exfiltration");
  // Exactly one slow exfiltration, starting early in the scored period so it ends inside it: the
  // random plan rarely fits a 5–10-day incident into the scored days.
  const slow = planIncidents({
    seed: seed + 2,
    deviceCount: fleet.length,
    from: new Date(scoredFrom + 6 * HOUR),
    to: new Date(scoredFrom + 2 * DAY),
    meanGapMinutes: 60,
    kinds: ["slow_exfiltration"],
  })
    .slice(0, 1)
    .map((i) => {
      // cut to the whole days that fit before the scenario ends
      const daily = (i.dailyMinutes ?? 0) * MINUTE;
      const fit = Math.floor((end - HOUR - i.start.getTime() - daily) / DAY) + 1;
      const days = Math.min(Math.round((i.end.getTime() - i.start.getTime() - daily) / DAY) + 1, fit);
      return { ...i, end: new Date(i.start.getTime() + (days - 1) * DAY + daily) };
    })
    .filter((i) => i.end.getTime() > i.start.getTime() + 2 * DAY);
  const incidents = [...history, ...scored, ...slow].sort((a, b) => a.start.getTime() - b.start.getTime());

  const benign = planBenignEvents({ seed, devices: fleet, from: new Date(start), to: new Date(end) });
  const calendar: CalendarEvent[] = benign
    .filter((e) => e.kind !== "scheduled_backup")
    .map((e) => ({ start: e.start, end: e.end, name: e.name, expectedIncrease: e.factor }));

  // Maintenance: a device reboots inside its window (link down 10–20 min, then CPU busy while it
  // comes back); windows never overlap an incident on the same device.
  const maintenance: (MaintenanceWindow & { deviceIndex: number; rebootStart: number; rebootEnd: number })[] = [];
  for (let k = 0, tries = 0; k < (options.maintenanceWindows ?? 3) && tries < 100; tries++) {
    const deviceIndex = Math.floor(rng() * fleet.length);
    const wStart = Math.floor((scoredFrom + DAY + rng() * (end - scoredFrom - 2 * DAY)) / HOUR) * HOUR;
    const wEnd = wStart + (1 + Math.floor(rng() * 2)) * HOUR;
    const busy = incidents.some(
      (i) => i.deviceIndex === deviceIndex && i.start.getTime() < wEnd + HOUR && i.end.getTime() > wStart - HOUR,
    );
    if (busy) continue;
    const rebootStart = wStart + (10 + Math.floor(rng() * 20)) * MINUTE;
    maintenance.push({
      start: new Date(wStart),
      end: new Date(wEnd),
      devices: [names[deviceIndex]!],
      deviceIndex,
      rebootStart,
      rebootEnd: rebootStart + (10 + Math.floor(rng() * 10)) * MINUTE,
    });
    k++;
  }

  const labels: Label[] = groundTruthLabels(incidents, names).map((l) => ({
    start: new Date(l.start),
    end: new Date(l.end),
    device: l.device,
    target: l.device,
    type: l.type as LabelType,
  }));

  const model = createNetworkModel({ devices: fleet, seed });
  const withFlows = options.flows ?? true;
  const valuesAt = (d: number, minute: Date): MetricValues => {
    let v = model.valuesAt(d, minute);
    v = applyBenignEvents(v, d, fleet[d]!, minute, benign);
    v = applyIncidents(v, d, minute, incidents);
    const m = minute.getTime();
    for (const w of maintenance) {
      // the reboot and the busy CPU after it stay inside the window
      if (w.deviceIndex !== d || m < w.rebootStart || m >= Math.min(w.rebootEnd + 15 * MINUTE, w.end.getTime())) continue;
      if (m < w.rebootEnd) {
        v = { ...v, bandwidthInBps: 0, bandwidthOutBps: 0, packetsPerSec: 0, flowsPerSec: 0, connectionsPerSec: 0, latencyMs: null, packetLossPct: 100 };
      } else if (v.cpuPct !== null) {
        v = { ...v, cpuPct: 97 };
      }
    }
    return v;
  };

  return {
    fleet,
    incidents,
    config: {
      internalSubnets: ["10.0.0.0/8"],
      devices: fleet.map((d) => ({ name: d.name, ip: d.managementIp, role: d.role, site: d.site })),
    },
    calendar,
    maintenance: maintenance.map(({ start: s, end: e, devices }) => ({ start: s, end: e, devices })),
    labels,
    span: { start: new Date(start), end: new Date(end - MINUTE) },
    *telemetry(): Iterable<ScenarioTelemetry> {
      for (let m = start; m < end; m += MINUTE) {
        const minute = new Date(m);
        const flows: ScenarioFlow[] = [];
        for (let d = 0; d < fleet.length; d++) {
          const values = valuesAt(d, minute);
          const reported: Partial<Record<(typeof SCENARIO_METRIC_KEYS)[keyof typeof SCENARIO_METRIC_KEYS], number>> = {};
          for (const metric of Object.values(SCENARIO_METRIC_KEYS)) {
            const x = values[metric];
            if (x !== null) reported[metric] = x;
          }
          yield { kind: "metric", metric: { ts: minute, device: fleet[d]!.name, values: reported } };
          if (!withFlows) continue;
          const records = demoFlows({ seed, deviceIndex: d, device: fleet[d]!, address: fleet[d]!.managementIp, minute: m, values, incidents });
          for (const r of records) {
            flows.push({
              ts: new Date(r.startMs),
              src: r.srcAddr,
              dst: r.dstAddr,
              sport: r.srcPort,
              dport: r.dstPort,
              proto: r.protocol,
              bytes: r.bytes,
              packets: r.packets,
              durationS: Math.max(0, (r.endMs - r.startMs) / 1000),
            });
          }
        }
        flows.sort((a, b) => a.ts.getTime() - b.ts.getTime());
        for (const flow of flows) yield { kind: "flow", flow };
      }
    },
  };
}
