// One real PostgreSQL for the whole integration run (the embedded one `npm start` uses), with the
// checked-in migrations applied once to a template database; each test file clones the template.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedCluster } from "../../lib/db/embedded-postgres";
import { migrateDeploy } from "../../lib/db/migrate";
import { createLogger } from "../../lib/log";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplateDb: string;
  }
}

const TEMPLATE = "tidewatch_template";
let cluster: EmbeddedCluster | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-it-"));
  fs.chmodSync(dir, 0o755);
  cluster = await startEmbeddedPostgres({
    dataDir: path.join(dir, "pg"),
    password: "integration-tests-only",
    log: createLogger("test:postgres", { level: "warn" }),
  });
  await ensureDatabase(cluster, TEMPLATE);
  await migrateDeploy(cluster.url(TEMPLATE));
  project.provide("pgAdminUrl", cluster.url("postgres"));
  project.provide("pgTemplateDb", TEMPLATE);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
