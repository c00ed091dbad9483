// GET /api/health — liveness of the web app, the database and the worker. No login needed. `worker`
// is down from the moment the supervisor saw it die until the restarted one beats; `workerRestarts`
// counts the supervisor's restarts of the running worker (a crash loop shows as a growing number).
import { db } from "@/lib/db/client";
import { systemHealth } from "@/lib/db/worker-heartbeat-queries";
import { jsonResponse } from "@/lib/http/app-error";
import { APP_VERSION } from "@/lib/version";

export const dynamic = "force-dynamic";

/** A database that does not answer within this is reported down (503) rather than awaited. */
const HEALTH_TIMEOUT_MS = 3_000;

export async function GET(): Promise<Response> {
  const { dbUp, worker } = await systemHealth(db(), HEALTH_TIMEOUT_MS);
  return jsonResponse(
    {
      status: dbUp ? "ok" : "degraded",
      db: dbUp ? "up" : "down",
      worker: worker.status,
      workerStartedAt: worker.startedAt?.toISOString() ?? null,
      workerRestarts: worker.restarts,
      workerLastExit: worker.lastExit,
      version: APP_VERSION,
    },
    dbUp ? 200 : 503,
  );
}
