// GET /api/health — liveness of the web app, the database and the worker. No login needed.
import { db } from "@/lib/db/client";
import { workerStatus } from "@/lib/db/worker-heartbeat-queries";
import { jsonResponse } from "@/lib/http/app-error";
import { APP_VERSION } from "@/lib/version";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  let dbUp = false;
  let worker: "up" | "down" = "down";
  try {
    await db().$queryRaw`SELECT 1`;
    dbUp = true;
    worker = await workerStatus(db());
  } catch {
    dbUp = false;
  }
  return jsonResponse(
    { status: dbUp ? "ok" : "degraded", db: dbUp ? "up" : "down", worker, version: APP_VERSION },
    dbUp ? 200 : 503,
  );
}
