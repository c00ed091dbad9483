// The demo network (SIMULATE=1): the simulator replays a fleet's history and live minutes, the demo
// devices export real NetFlow/IPFIX and syslog over loopback, answer SNMP on their loopback
// addresses (polled by the real SNMP poller), and their alerts are labelled against the injected
// incidents' ground truth. The worker calls `startDemo` once and `stop` on shutdown; nothing else of
// the worker knows about the demo.
import fs from "node:fs";
import path from "node:path";
import type pg from "pg";
import type { PrismaClient } from "@prisma/client";
import type { DeviceSummary } from "@/lib/db/device-queries";
import type { Env } from "@/lib/env";
import type { Logger } from "@/lib/log";
import { groundTruthLabels } from "@/lib/simulator/ground-truth";
import { systemClock, type Clock, type ReplayClock } from "../clock";
import { countingSink, type CountingSink } from "../collectors/counting-sink";
import type { TelemetrySink } from "../collectors/telemetry-sink";
import type { DetectionPipeline } from "../detection-pipeline";
import { startDemoLabelling } from "./labelling";
import { startDemoSimulator, type DemoSimulator } from "./simulator";
import { startDemoSnmpAgents, type RunningDemoSnmpAgents } from "./snmp-agent";
import { DemoTrafficSender } from "./traffic-sender";

export interface DemoDeps {
  env: Env;
  prisma: PrismaClient;
  pool: pg.Pool;
  pipeline: DetectionPipeline;
  /** Where the simulator's in-process telemetry goes (the telemetry router). */
  sink: TelemetrySink;
  /** The seeded demo devices. */
  devices: DeviceSummary[];
  replayClock: ReplayClock;
  /** The data clock (the replay clock once the replay starts). */
  clock: Clock;
  /** UDP port a running collector listens on, to send the demo's flows and syslog to. */
  collectorPort(name: "netflow" | "syslog"): number | undefined;
  /** Whether the SNMP collector is enabled; the demo's agents are polled through it. */
  snmpEnabled: boolean;
  /** Starts the real SNMP poller on the demo's agents (the worker counts and reports it). */
  startSnmpPoller(config: unknown): Promise<void>;
  log: Logger;
}

export interface RunningDemo {
  simulator: DemoSimulator;
  /** The simulator's in-process records, for the heartbeat's per-source counters. */
  counter: CountingSink;
  stop(): Promise<void>;
}

export async function startDemo(d: DemoDeps): Promise<RunningDemo> {
  const { env: e, devices, log, clock } = d;
  const labelling = startDemoLabelling({ prisma: d.prisma, deviceNames: () => devices.map((x) => x.name), now: () => new Date(clock.now()), log: log.child("demo-labelling") });
  let traffic: DemoTrafficSender | undefined = new DemoTrafficSender(
    { host: "127.0.0.1", netflowPort: d.collectorPort("netflow"), syslogPort: d.collectorPort("syslog") },
    log.child("demo-traffic"),
  );
  try {
    await traffic.open(
      devices.filter((x) => x.managementIp).map((x) => ({ address: x.managementIp!, networkGear: x.role !== "server" })),
      systemClock.now() - 86_400_000,
    );
  } catch (err) {
    log.warn("demo traffic cannot be sent over loopback; the demo runs on gauges only", { error: String(err) });
    await traffic.close();
    traffic = undefined;
  }
  // The demo's devices answer SNMP on their loopback addresses and the real poller polls them, so
  // interface rates, CPU, memory and loss arrive over SNMP; only the rest is handed over in-process.
  // Agents start with the replay, so every poll is stamped with the replayed time.
  let agents: RunningDemoSnmpAgents | undefined;
  const snmpPort = e.SIM_SNMP_PORT;
  const snmpDevices = devices.filter((x) => x.managementIp);
  const useSnmp = snmpPort > 0 && d.snmpEnabled && snmpDevices.length === devices.length && devices.length > 0;
  const startSnmp = async (sim: DemoSimulator) => {
    try {
      agents = await startDemoSnmpAgents({
        devices: snmpDevices.map((x) => ({ address: x.managementIp!, name: x.name })),
        port: snmpPort,
        community: "public",
        valuesAt: (i, atMs) => {
          const v = sim.valuesAt(i, atMs);
          return {
            bandwidthInBps: v.bandwidthInBps ?? 0,
            bandwidthOutBps: v.bandwidthOutBps ?? 0,
            packetsPerSec: v.packetsPerSec ?? 0,
            cpuPct: v.cpuPct ?? 0,
            memoryPct: v.memoryPct ?? 0,
            packetLossPct: v.packetLossPct ?? 0,
          };
        },
        now: () => clock.now(),
        bootMs: systemClock.now() - 86_400_000,
        log: log.child("demo-snmp"),
      });
      await d.startSnmpPoller({
        targets: snmpDevices.map((x) => ({ name: x.name, address: x.managementIp!, port: snmpPort, version: "2c", community: "public", intervalSec: 5 })),
      });
      log.info("demo devices answer SNMP", { port: snmpPort });
    } catch (err) {
      await agents?.stop();
      agents = undefined;
      log.warn("demo SNMP agents could not start; the demo's device gauges go in-process", { error: String(err) });
    }
  };
  const counter = countingSink(d.sink);
  // onReplayStart may run before startDemoSimulator returns
  let simulator: DemoSimulator | undefined;
  simulator = startDemoSimulator({
    prisma: d.prisma,
    pool: d.pool,
    pipeline: d.pipeline,
    sink: counter.sink,
    traffic,
    inProcessMetrics: () => (agents ? ["latencyMs", "flowsPerSec", "connectionsPerSec"] : undefined),
    onIncidentsPlanned: (incidents) => {
      const file = path.join(e.DATA_DIR, "demo-ground-truth.jsonl");
      const truth = groundTruthLabels(incidents, devices.map((x) => x.name));
      labelling.setLabels(truth.map((l) => ({ start: new Date(l.start), end: new Date(l.end), device: l.device, type: l.type })));
      const lines = truth.map((l) => JSON.stringify(l));
      try {
        fs.writeFileSync(file, lines.join("\n") + "\n");
        log.info("demo ground truth recorded", { file, incidents: lines.length });
      } catch (err) {
        log.warn("could not record the demo ground truth", { file, error: String(err) });
      }
    },
    onReplayStart: (simStart) => {
      d.replayClock.startReplay(simStart);
      labelling.setScoredFrom(new Date(simStart));
      if (useSnmp && simulator) void startSnmp(simulator);
    },
    devices,
    log: log.child("simulator"),
    clock: systemClock,
    seed: e.SIM_SEED,
    speed: e.SIM_SPEED,
    catchupMinutes: e.SIM_CATCHUP_MINUTES,
    incidentGapMinutes: e.SIM_INCIDENT_GAP_MINUTES,
    historyDays: e.SIM_HISTORY_DAYS,
  });
  log.info("demo simulator started", {
    devices: devices.length,
    speed: e.SIM_SPEED,
    protocols: [traffic ? "netflow, ipfix, syslog" : "", useSnmp ? "snmp (from the live replay on)" : ""].filter(Boolean).join(", ") || "none",
  });
  const started = simulator;
  return {
    simulator: started,
    counter,
    async stop() {
      labelling.stop();
      await started.stop();
      await traffic?.close();
      await agents?.stop();
    },
  };
}
