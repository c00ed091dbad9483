// The evaluation's built-in labelled scenarios, made from the same simulator as the demo: the network
// model's ordinary minutes, benign look-alikes (a weekly marketing surge announced in the business
// calendar, Patch Tuesday downloads also announced there, the weekly backup the model already makes),
// planned maintenance in which devices reboot (alerts there must be suppressed), and labelled
// incidents of every kind, some in the training history too (training must leave them out). Flow
// records come from the demo's traffic model, so flow-based detectors see the same evidence the live
// demo sends over NetFlow; syslog lines are the demo's too (routine chatter, what incidents log, failed
// logins, BGP neighbour changes, configuration changes). The security kinds (credential attacks, routing flaps including one slow one over
// days, unauthorized changes, and with flows protocol shifts, lateral movement, new countries and
// crypto-mining) and the health kinds (jitter, memory leaks over a day or two) come in a stream of
// their own, with benign look-alikes that must not alert: a user mistyping a password twice, a
// scheduled change and a BGP reset inside each maintenance window, a CDN node in a new country serving
// little, a tool on a mining-pool port with the CPU as usual. Each device's configuration is read once at the start (a `snapshot` line); the
// drifted device of the demo fleet is labelled config_drift over the scored period. Pure and
// deterministic for its options.
import type { CalendarEvent, Label, LabelType, MaintenanceWindow, ScenarioFlow, ScenarioSnapshot, ScenarioSyslog } from "@/lib/eval/scenario";
import { SCENARIO_METRIC_KEYS } from "@/lib/eval/scenario";
import type { ScenarioSource, ScenarioTelemetry } from "@/lib/eval/scenario-source";
import { trainingEnd } from "@/lib/eval/score-alerts";
import { applyBenignEvents, planBenignEvents } from "@/lib/simulator/benign-events";
import { demoFleet, DRIFTED_DEMO_DEVICE, type DeviceSpec } from "@/lib/simulator/demo-fleet";
import { changeSeenByPoll, demoFlows, demoSyslog, type SecurityLookalike } from "@/lib/simulator/demo-traffic";
import { groundTruthLabels } from "@/lib/simulator/ground-truth";
import {
  applyIncidents,
  planIncidents,
  HEALTH_INCIDENT_KINDS,
  SECURITY_INCIDENT_KINDS,
  SYSLOG_INCIDENT_KINDS,
  type Incident,
} from "@/lib/simulator/incidents";
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
  /** The security kinds, their syslog, configuration snapshots and look-alikes (default true). */
  security?: boolean;
  /** Mean quiet minutes between security and health incidents in the scored period (default 160). */
  securityGapMinutes?: number;
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

  // The security kinds, in a stream of their own (the plan above keeps its schedule), off the devices and
  // times of other incidents and maintenance (one cause per device-minute), and one slow routing flap.
  const withFlows = options.flows ?? true;
  const security = options.security ?? true;
  const clearOfMaintenance = (deviceIndex: number, s: number, e: number, margin: number) =>
    !maintenance.some((w) => w.deviceIndex === deviceIndex && w.start.getTime() < e + margin && w.end.getTime() > s - margin);
  const clear = (deviceIndex: number, s: number, e: number, margin: number) =>
    !incidents.some((i) => i.deviceIndex === deviceIndex && i.start.getTime() < e + margin && i.end.getTime() > s - margin) &&
    clearOfMaintenance(deviceIndex, s, e, margin);
  const securityIncidents: Incident[] = [];
  if (security) {
    const routers = fleet.flatMap((d, i) => (d.role === "core-router" || d.role === "edge-router" ? [i] : []));
    const slowStart = Math.ceil((scoredFrom + 12 * HOUR) / HOUR) * HOUR;
    const dailyMinutes = 300;
    const slowEnd = slowStart + 4 * DAY + dailyMinutes * MINUTE;
    const candidates = [...routers, ...fleet.map((_, i) => i).filter((i) => !routers.includes(i))];
    const slowDevice = slowEnd < end - HOUR ? candidates.find((d) => clear(d, slowStart, slowEnd, HOUR)) : undefined;
    if (slowDevice !== undefined) {
      securityIncidents.push({
        id: `routing_flap-slow-${slowDevice}-${slowStart}`,
        kind: "routing_flap",
        deviceIndex: slowDevice,
        start: new Date(slowStart),
        end: new Date(slowEnd),
        intensity: 0.5,
        dailyMinutes,
      });
    }
    const planned = planIncidents({
      seed: seed + 3,
      deviceCount: fleet.length,
      from: new Date(scoredFrom),
      to: new Date(end - 2 * HOUR),
      meanGapMinutes: options.securityGapMinutes ?? 160,
      kinds: withFlows ? [...SECURITY_INCIDENT_KINDS, ...HEALTH_INCIDENT_KINDS] : [...SYSLOG_INCIDENT_KINDS, ...HEALTH_INCIDENT_KINDS],
    });
    for (const i of planned) {
      if (i.end.getTime() > end - HOUR) continue;
      // a leak lasts days: it only keeps clear of maintenance (a reboot would end it); the others of everything
      const free = i.kind === "memory_leak" ? clearOfMaintenance : clear;
      if (!free(i.deviceIndex, i.start.getTime(), i.end.getTime(), HOUR)) continue;
      if (securityIncidents.some((o) => o.deviceIndex === i.deviceIndex && o.start.getTime() < i.end.getTime() + HOUR && o.end.getTime() > i.start.getTime() - HOUR)) continue;
      // a country once used is no longer new to the device: one upload abroad per device
      if (i.kind === "geo_anomaly" && securityIncidents.some((o) => o.kind === "geo_anomaly" && o.deviceIndex === i.deviceIndex)) continue;
      securityIncidents.push(i);
    }
    incidents.push(...securityIncidents);
    incidents.sort((a, b) => a.start.getTime() - b.start.getTime());
  }

  // Benign look-alikes: a mistyped password somewhere once a day; a CDN node abroad (flows only) once
  // geography is learnt; inside each maintenance window a scheduled change and, on routers, a BGP reset.
  const lookalikes: SecurityLookalike[] = [];
  if (security) {
    const lrng = mulberry32(hashString(`lookalikes:${seed}`));
    const at = (from: number, to: number) => Math.floor((from + lrng() * (to - from)) / MINUTE) * MINUTE;
    for (let k = 0; k < days; k++) {
      const t = at(start + HOUR, end - HOUR);
      lookalikes.push({ kind: "mistyped_password", deviceIndex: Math.floor(lrng() * fleet.length), start: new Date(t), end: new Date(t + 2 * MINUTE) });
    }
    if (withFlows) {
      for (let k = 0; k < days; k++) {
        const t = at(start + 2 * DAY, end - 2 * HOUR);
        const deviceIndex = Math.floor(lrng() * fleet.length);
        const minutes = 20 + Math.floor(lrng() * 40);
        if (!clear(deviceIndex, t, t + minutes * MINUTE, 30 * MINUTE)) continue;
        lookalikes.push({ kind: "cdn_new_country", deviceIndex, start: new Date(t), end: new Date(t + minutes * MINUTE) });
      }
    }
    // every other day a tool on a mining port with the CPU as usual (flows only)
    if (withFlows) {
      for (let k = 0; k < days / 2; k++) {
        const t = at(start + 2 * DAY, end - 2 * HOUR);
        const deviceIndex = Math.floor(lrng() * fleet.length);
        const minutes = 10 + Math.floor(lrng() * 50);
        if (!clear(deviceIndex, t, t + minutes * MINUTE, 30 * MINUTE)) continue;
        lookalikes.push({ kind: "tool_on_pool_port", deviceIndex, start: new Date(t), end: new Date(t + minutes * MINUTE) });
      }
    }
    for (const w of maintenance) {
      lookalikes.push({ kind: "scheduled_change", deviceIndex: w.deviceIndex, start: new Date(w.start.getTime() + 5 * MINUTE), end: new Date(w.start.getTime() + 6 * MINUTE) });
      const role = fleet[w.deviceIndex]!.role;
      if (role === "core-router" || role === "edge-router") {
        lookalikes.push({ kind: "planned_bgp_reset", deviceIndex: w.deviceIndex, start: new Date(w.rebootStart), end: new Date(w.rebootEnd + MINUTE) });
      }
    }
  }

  // Configuration polls: every device's facts at the start; an unauthorized change a poll sees switches
  // telnet and SNMPv2c on at its start (the label) and back at its end.
  const snapshots: ScenarioSnapshot[] = [];
  if (security) {
    fleet.forEach((d) => {
      if (d.config) snapshots.push({ ts: new Date(start), device: d.name, facts: d.config });
    });
    for (const i of securityIncidents) {
      const device = fleet[i.deviceIndex]!;
      if (i.kind !== "unauthorized_change" || !changeSeenByPoll(i, device)) continue;
      snapshots.push({ ts: i.start, device: device.name, facts: { ...device.config!, snmpVersion: "v2c", telnetEnabled: true } });
      snapshots.push({ ts: i.end, device: device.name, facts: device.config! });
    }
    snapshots.sort((a, b) => a.ts.getTime() - b.ts.getTime());
  }

  const labels: Label[] = groundTruthLabels(incidents, names).map((l) => ({
    start: new Date(l.start),
    end: new Date(l.end),
    device: l.device,
    target: l.device,
    type: l.type as LabelType,
  }));
  // the demo fleet's drifted device (telnet and SNMPv2c where its peers have neither) over the scored period
  if (security && snapshots.length > 0 && names.includes(DRIFTED_DEMO_DEVICE)) {
    labels.push({ start: new Date(scoredFrom), end: new Date(end - MINUTE), device: DRIFTED_DEMO_DEVICE, target: DRIFTED_DEMO_DEVICE, type: "config_drift" });
  }

  const model = createNetworkModel({ devices: fleet, seed });
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
      let nextSnapshot = 0;
      for (let m = start; m < end; m += MINUTE) {
        const minute = new Date(m);
        const flows: ScenarioFlow[] = [];
        const syslog: ScenarioSyslog[] = [];
        for (let d = 0; d < fleet.length; d++) {
          const values = valuesAt(d, minute);
          const reported: Partial<Record<(typeof SCENARIO_METRIC_KEYS)[keyof typeof SCENARIO_METRIC_KEYS], number>> = {};
          for (const metric of Object.values(SCENARIO_METRIC_KEYS)) {
            const x = values[metric];
            if (x !== null) reported[metric] = x;
          }
          yield { kind: "metric", metric: { ts: minute, device: fleet[d]!.name, values: reported } };
          const traffic = { seed, deviceIndex: d, device: fleet[d]!, address: fleet[d]!.managementIp, minute: m, values, incidents, lookalikes, configPolls: true };
          if (security) {
            // what the live demo sends: routine chatter, every incident's lines and the look-alikes'
            for (const line of demoSyslog(traffic)) {
              syslog.push({ ts: minute, device: fleet[d]!.name, severity: line.severity, message: `${line.appName}: ${line.message}` });
            }
          }
          if (!withFlows) continue;
          const records = demoFlows(traffic);
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
        // the minute's syslog and polls carry its start, as its metrics; flows start within it
        for (const line of syslog) yield { kind: "syslog", syslog: line };
        while (nextSnapshot < snapshots.length && snapshots[nextSnapshot]!.ts.getTime() < m + MINUTE) {
          yield { kind: "snapshot", snapshot: snapshots[nextSnapshot++]! };
        }
        flows.sort((a, b) => a.ts.getTime() - b.ts.getTime());
        for (const flow of flows) yield { kind: "flow", flow };
      }
    },
  };
}
