// Every connection the app opens carries the database timeouts (lib/db/client.ts connectionTimeouts):
// the pg pool's, Prisma's and a dedicated LISTEN connection's sessions report them (Postgres' own
// defaults are 0: no limit).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db/client";
import { newDbConnection, pool } from "../../lib/db/pool";
import { createTestDatabase, type TestDatabase } from "./test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

const SETTINGS = "SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle";
// the defaults: statement 30 s, idle in transaction 60 s
const DEFAULTS = { statement: "30s", idle: "1min" };

describe("database timeouts", () => {
  it("are set on the pg pool, Prisma and dedicated connections", async () => {
    expect((await pool().query(SETTINGS)).rows[0]).toEqual(DEFAULTS);
    expect((await db().$queryRawUnsafe<{ statement: string; idle: string }[]>(SETTINGS))[0]).toEqual(DEFAULTS);
    const listener = newDbConnection();
    await listener.connect();
    try {
      expect((await listener.query(SETTINGS)).rows[0]).toEqual(DEFAULTS);
    } finally {
      await listener.end();
    }
  });
});
