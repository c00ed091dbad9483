// /api/health through its real handler, with the database behind a proxy that can hang: a load
// balancer or a service manager probing the app gets "db down" (503) within seconds from a hung
// database instead of waiting out the client's read timeout, and "up" again once it answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { PgFaultProxy } from "./worker/pg-fault-proxy";

let t: TestDatabase;
let proxy: PgFaultProxy;

beforeAll(async () => {
  t = await createTestDatabase();
  const target = new URL(t.url);
  proxy = new PgFaultProxy({ host: target.hostname, port: Number(target.port) });
  const viaProxy = new URL(t.url);
  viaProxy.port = String(await proxy.listen());
  // the route's shared client connects through the proxy
  await disconnectDb();
  process.env.DATABASE_URL = viaProxy.toString();
});

afterAll(async () => {
  proxy?.forward();
  await disconnectDb();
  await proxy?.close();
  await t?.drop();
});

async function health(): Promise<{ status: number; body: { db: string; worker: string; status: string }; ms: number }> {
  const { GET } = await import("@/app/api/health/route");
  const started = Date.now();
  const res = await GET();
  return { status: res.status, body: (await res.json()) as { db: string; worker: string; status: string }, ms: Date.now() - started };
}

describe("GET /api/health", () => {
  it("answers 503 with the database down within seconds when the database hangs, and 200 once it answers", async () => {
    const before = await health();
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ status: "ok", db: "up", worker: "down" });

    proxy.hang();
    const hung = await health();
    expect(hung.status).toBe(503);
    expect(hung.body).toMatchObject({ status: "degraded", db: "down", worker: "down" });
    expect(hung.ms).toBeLessThan(6_000);

    proxy.forward();
    await expect.poll(async () => (await health()).status, { timeout: 20_000 }).toBe(200);
  });
});
