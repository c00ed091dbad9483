// The worker process: telemetry sources feed the detection pipeline, which writes alerts and
// events to Postgres. Started by the supervisor (`npm start`) or alone with `npm run worker`.
// First SIGTERM/SIGINT drains (the minute in progress is stored), a second one exits at once.
import crypto from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { listDevices } from "@/lib/db/device-queries";
import { closePool, pool } from "@/lib/db/pool";
import { beat, clearHeartbeat, HEARTBEAT_INTERVAL_MS } from "@/lib/db/worker-heartbeat-queries";
import { env, EnvError } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { APP_VERSION } from "@/lib/version";
import { systemClock } from "./clock";
import { startDemoSimulator, type DemoSimulator } from "./demo-simulator";
import { createDetectionPipeline } from "./detection-pipeline";

const log = createLogger("worker");

async function main(): Promise<void> {
  const e = env();
  const prisma = db();
  const workerId = `worker-${crypto.randomUUID().slice(0, 8)}`;
  const startedAt = new Date();
  let simulator: DemoSimulator | undefined;

  const heartbeat = async () => {
    try {
      await beat(prisma, workerId, startedAt, { pid: process.pid, version: APP_VERSION, simulator: simulator?.status() ?? null });
    } catch (err) {
      log.warn("heartbeat failed", { error: err instanceof Error ? err.message : String(err) });
    }
  };
  await heartbeat();
  const heartbeatTimer = setInterval(() => void heartbeat(), HEARTBEAT_INTERVAL_MS);

  const devices = await listDevices(prisma);
  const pipeline = createDetectionPipeline({ prisma, pool: pool(), devices, log: log.child("pipeline"), clock: systemClock });
  await pipeline.reloadBaselines();

  if (e.SIMULATE) {
    simulator = startDemoSimulator({
      prisma,
      pool: pool(),
      pipeline,
      devices,
      log: log.child("simulator"),
      clock: systemClock,
      seed: e.SIM_SEED,
      speed: e.SIM_SPEED,
      catchupMinutes: e.SIM_CATCHUP_MINUTES,
      incidentGapMinutes: e.SIM_INCIDENT_GAP_MINUTES,
    });
    log.info("demo simulator started", { devices: devices.length, speed: e.SIM_SPEED });
  } else {
    log.info("simulator off; waiting for telemetry sources (collectors are configured separately)");
  }

  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) {
      log.warn("second stop request; exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info("draining", { reason });
    clearInterval(heartbeatTimer);
    await simulator?.stop();
    await clearHeartbeat(prisma, workerId).catch(() => undefined);
    await closePool();
    await disconnectDb();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  // Started by the supervisor with an IPC channel: if the supervisor dies, stop too.
  process.on("disconnect", () => void shutdown("supervisor went away"));
}

main().catch((err) => {
  if (err instanceof EnvError) process.stderr.write(err.message + "\n");
  else log.error("worker failed to start", { error: err instanceof Error ? err.stack : String(err) });
  process.exit(1);
});
