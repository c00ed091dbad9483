// A throwaway database per test file, cloned from the migrated template. It also becomes this
// process's DATABASE_URL, so code under test that uses the shared client (db(), pool()) talks to it.
import crypto from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createPrismaClient, disconnectDb, type PrismaClient } from "../../lib/db/client";
import { closePool } from "../../lib/db/pool";

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `test_${crypto.randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject("pgTemplateDb")}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  process.env.DATABASE_URL = url;
  const prisma = createPrismaClient(url, 4);
  return {
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await disconnectDb();
      await closePool();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
