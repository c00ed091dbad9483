// The running app's embedded Postgres, for the few end-to-end steps no user action can reach (a route
// no playbook would ever build, to show it is refused): its address from DATA_DIR, as the app left it
// (secrets.json holds the password, postmaster.pid the port).
import fs from "node:fs";
import path from "node:path";
import { createPrismaClient } from "../../lib/db/client";

export function openAppDatabase(): ReturnType<typeof createPrismaClient> {
  const dataDir = path.join(process.env.E2E_DATA_DIR!, "data");
  const { postgresPassword } = JSON.parse(fs.readFileSync(path.join(dataDir, "secrets.json"), "utf8")) as { postgresPassword: string };
  // postmaster.pid: pid, data directory, start time, port, ...
  const port = Number(fs.readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[3]);
  return createPrismaClient(`postgresql://tidewatch:${encodeURIComponent(postgresPassword)}@127.0.0.1:${port}/tidewatch`, 1);
}
