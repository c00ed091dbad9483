// GET /api/health — liveness of the web app, the database and the worker. No login needed. `worker`
// is down from the moment the supervisor saw it die until the restarted one beats; `workerRestarts`
// counts the supervisor's restarts of the running worker (a crash loop shows as a growing number).
import { db } from "@/lib/db/client";
import { workerHealth } from "@/lib/db/worker-heartbeat-queries";
import { jsonResponse } from "@/lib/http/app-error";
import { APP_VERSION } from "@/lib/version";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  let dbUp = false;
  let worker: Awaited<ReturnType<typeof workerHealth>> = { status: "down", startedAt: null, restarts: 0, lastExit: null };
  try {
    await db().$queryRaw`SELECT 1`;
    dbUp = true;
    worker = await workerHealth(db());
  } catch {
    dbUp = false;
  }
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
