// The demo network as a telemetry source. On start it backfills up to 14 days of ordinary history
// (stored directly, no detection), trains baselines, then replays the last SIM_CATCHUP_MINUTES at
// SIM_SPEED× until it reaches the wall clock, and from then on emits one minute per minute. Live
// minutes go through the same path as real telemetry: device gauges (CPU, memory, interface rates,
// latency, loss) to the telemetry sink, as an SNMP agent's answers would, and flows and syslog over
// loopback with real protocols to the collectors. Incidents are injected from a deterministic plan
// so the first anomaly appears within seconds of the live phase. Catching up instead of running fast
// forever keeps every timestamp in the past, so time-range views stay true.
import type pg from "pg";
import type { PrismaClient } from "@prisma/client";
import type { DeviceSummary } from "@/lib/db/device-queries";
import { latestSampleTime } from "@/lib/db/sample-queries";
import type { Logger } from "@/lib/log";
import type { DeviceRole, DeviceSpec } from "@/lib/simulator/demo-fleet";
import { demoFlows, demoSyslog } from "@/lib/simulator/demo-traffic";
import { applyIncidents, HEALTH_INCIDENT_KINDS, planIncidents, SECURITY_INCIDENT_KINDS, type Incident } from "@/lib/simulator/incidents";
import { createNetworkModel } from "@/lib/simulator/network-model";
import type { MetricName, MetricSample, MetricValues } from "@/lib/telemetry/metrics";
import { trainDetectionModels } from "../model-training";
import type { Clock } from "../clock";
import type { TelemetrySink } from "../collectors/telemetry-sink";
import type { DemoTrafficSender } from "./traffic-sender";
import type { DetectionPipeline } from "../detection-pipeline";

const MINUTE = 60_000;
const DAY = 86_400_000;
const BACKFILL_CHUNK_MINUTES = 240;
const RETRAIN_EVERY_MS = DAY;

export interface DemoSimulatorOptions {
  prisma: PrismaClient;
  pool: pg.Pool;
  /** History is stored through the pipeline; baselines are reloaded into it after training. */
  pipeline: DetectionPipeline;
  /** Live minutes' device gauges go here (the telemetry router in the worker). */
  sink: TelemetrySink;
  /** Sends live flows and syslog over loopback; without it only gauges are emitted. */
  traffic?: DemoTrafficSender;
  /**
   * Metrics handed to the sink in-process each live minute (default: all the model has). When the
   * demo SNMP agents serve interface rates, CPU, memory and loss, only the rest go in-process.
   */
  inProcessMetrics?: () => readonly MetricName[] | undefined;
  /** Handed the ground truth of the live phase once it is planned (the worker records it). */
  onIncidentsPlanned?: (incidents: readonly Incident[]) => void;
  /** Told when the live replay starts, so time-keeping parts follow the simulated clock. */
  onReplayStart?: (simStart: number) => void;
  devices: readonly DeviceSummary[];
  log: Logger;
  clock: Clock;
  seed: number;
  speed: number;
  catchupMinutes: number;
  incidentGapMinutes: number;
  historyDays?: number;
}

export interface DemoSimulator {
  /** Stops after the minute in progress is stored. */
  stop(): Promise<void>;
  done: Promise<void>;
  status(): { phase: string; simTime: string | null; incidents: number };
  /** The ground truth of the live phase (empty until it starts). */
  plannedIncidents(): readonly Incident[];
  /** A device's values at a time, incidents included (what the demo SNMP agents serve). */
  valuesAt(deviceIndex: number, atMs: number): MetricValues;
}

const floorMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;

function toSpec(d: DeviceSummary): DeviceSpec {
  return { name: d.name, role: d.role as DeviceRole, site: d.site, managementIp: "", tags: d.tags };
}

export function startDemoSimulator(o: DemoSimulatorOptions): DemoSimulator {
  const controller = new AbortController();
  const { signal } = controller;
  const model = createNetworkModel({ devices: o.devices.map(toSpec), seed: o.seed });
  let phase = "starting";
  let simTime: number | null = null;
  let incidents: Incident[] = [];

  /** Ordinary behaviour (no incidents) of every device for one history minute. */
  const historyAt = (minute: number): MetricSample[] => {
    const ts = new Date(minute);
    return o.devices.map((d, i) => ({ deviceId: d.id, ts, values: model.valuesAt(i, ts) }));
  };

  const specs = o.devices.map(toSpec);
  // lateral movement in the live demo reaches the other demo devices, not hosts nobody owns
  const lateralTargets = o.devices.flatMap((d) => (d.managementIp ? [d.managementIp] : []));
  const emitLive = (minute: number) => {
    const ts = new Date(minute);
    const only = o.inProcessMetrics?.();
    o.devices.forEach((d, i) => {
      const values = applyIncidents(model.valuesAt(i, ts), i, ts, incidents);
      const gauges: Partial<Record<MetricName, number>> = {};
      for (const [k, v] of Object.entries(values) as [MetricName, number | null][]) {
        if (v !== null && (!only || only.includes(k))) gauges[k] = v;
      }
      o.sink.deviceMetrics({ name: d.name, ...(d.managementIp ? { address: d.managementIp } : {}) }, ts, gauges);
      if (!o.traffic || !d.managementIp) return;
      const input = { seed: o.seed, deviceIndex: i, device: specs[i]!, address: d.managementIp, minute, values, incidents, lateralTargets };
      o.traffic.flows(d.managementIp, demoFlows(input), minute + MINUTE);
      for (const line of demoSyslog(input)) o.traffic.syslog(d.managementIp, d.name, line, minute + 30_000);
    });
  };

  /** Runs `fn` until it succeeds or the simulator stops; database outages are waited out. */
  const retrying = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    let delay = 1_000;
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        if (signal.aborted) return undefined;
        o.log.warn(`${what} failed; retrying`, { error: err instanceof Error ? err.message : String(err), retryInMs: delay });
        await o.clock.sleep(delay, signal);
        if (signal.aborted) return undefined;
        delay = Math.min(delay * 2, 30_000);
      }
    }
  };

  const train = async (until: number) => {
    phase = "training baselines";
    await retrying("baseline training", async () => {
      await trainDetectionModels({ prisma: o.prisma, pool: o.pool, devices: o.devices, until: new Date(until), log: o.log, pipeline: o.pipeline });
    });
  };

  const run = async () => {
    const ids = o.devices.map((d) => d.id);
    const now = floorMinute(o.clock.now());
    const liveStart = now - o.catchupMinutes * MINUTE;
    const latest = await retrying("reading the newest sample", () => latestSampleTime(o.pool, ids));
    if (signal.aborted) return;
    const resumeAt = latest ? floorMinute(latest.getTime()) + MINUTE : null;

    // 1. history: ordinary behaviour only, stored without detection
    const historyFrom = Math.max(resumeAt ?? -Infinity, now - (o.historyDays ?? 14) * DAY);
    if (historyFrom < liveStart) {
      phase = "backfilling history";
      const started = o.clock.now();
      let stored = 0;
      for (let t = historyFrom; t < liveStart && !signal.aborted; t += BACKFILL_CHUNK_MINUTES * MINUTE) {
        const batch: MetricSample[] = [];
        for (let m = t; m < Math.min(t + BACKFILL_CHUNK_MINUTES * MINUTE, liveStart); m += MINUTE) {
          batch.push(...historyAt(m));
        }
        stored += (await retrying("storing history", () => o.pipeline.store(batch))) ?? 0;
      }
      o.log.info("history backfilled", {
        from: new Date(historyFrom).toISOString(),
        to: new Date(liveStart).toISOString(),
        samples: stored,
        ms: o.clock.now() - started,
      });
    }
    if (signal.aborted) return;

    // 2. baselines and the models trained with them (role forests are not stored: always retrained)
    let cursor = Math.max(liveStart, resumeAt ?? -Infinity);
    await train(cursor);
    let lastTrained = o.pipeline.baselinesTrainedAt()?.getTime() ?? cursor;
    if (signal.aborted) return;

    // 3. live: accelerated until caught up with the wall clock, then real time
    incidents = planIncidents({
      seed: o.seed ^ Math.floor(cursor / MINUTE),
      deviceCount: o.devices.length,
      from: new Date(cursor),
      to: new Date(cursor + 30 * DAY),
      meanGapMinutes: o.incidentGapMinutes,
      firstStartsAt: new Date(cursor + 10 * MINUTE),
    });
    // The security and health kinds in a stream of their own, from the second hour (the first anomaly
    // stays the plan's): failed logins, BGP flaps and configuration changes go out as syslog, tunnels,
    // lateral movement, uploads to new countries and mining-pool sessions as NetFlow (those need a day
    // of live flows learnt first), jitter and memory leaks in the SNMP/Prometheus metrics.
    // Off the devices and times of the other incidents: one cause per device-minute.
    const core = incidents;
    const security = planIncidents({
      seed: (o.seed ^ Math.floor(cursor / MINUTE)) + 3,
      deviceCount: o.devices.length,
      from: new Date(cursor + 2 * 60 * MINUTE),
      to: new Date(cursor + 30 * DAY),
      meanGapMinutes: o.incidentGapMinutes * 3,
      kinds: [...SECURITY_INCIDENT_KINDS, ...HEALTH_INCIDENT_KINDS],
    }).filter((s) => !core.some((c) => c.deviceIndex === s.deviceIndex && c.start.getTime() < s.end.getTime() + 30 * MINUTE && c.end.getTime() > s.start.getTime() - 30 * MINUTE));
    incidents = [...core, ...security].sort((a, b) => a.start.getTime() - b.start.getTime());
    o.onIncidentsPlanned?.(incidents);
    const first = incidents[0];
    if (first) {
      o.log.info("demo incidents planned", {
        first: first.kind,
        device: o.devices[first.deviceIndex]?.name,
        at: first.start.toISOString(),
      });
    }
    const realStart = o.clock.now();
    const simStart = cursor;
    o.onReplayStart?.(simStart);
    while (!signal.aborted) {
      const minuteEnd = cursor + MINUTE;
      const due = Math.max(realStart + (minuteEnd - simStart) / o.speed, minuteEnd);
      phase = due > minuteEnd ? "live (catching up)" : "live";
      const wait = due - o.clock.now();
      if (wait > 0) await o.clock.sleep(wait, signal);
      if (signal.aborted) break;
      emitLive(cursor);
      simTime = cursor;
      cursor += MINUTE;
      if (cursor - lastTrained >= RETRAIN_EVERY_MS) {
        await train(cursor);
        lastTrained = cursor;
      }
    }
  };

  const done = run()
    .catch((err) => o.log.error("simulator stopped by an error", { error: err instanceof Error ? err.stack : String(err) }))
    .finally(() => {
      phase = "stopped";
    });

  return {
    async stop() {
      controller.abort();
      await done;
    },
    done,
    status: () => ({ phase, simTime: simTime === null ? null : new Date(simTime).toISOString(), incidents: incidents.length }),
    plannedIncidents: () => incidents,
    valuesAt: (deviceIndex, atMs) => {
      const ts = new Date(Math.floor(atMs / MINUTE) * MINUTE);
      return applyIncidents(model.valuesAt(deviceIndex, ts), deviceIndex, ts, incidents);
    },
  };
}
