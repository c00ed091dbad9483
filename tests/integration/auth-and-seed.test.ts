// First-start seeding and the credentials login check against real users.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authOptions } from "../../lib/auth/auth-options";
import { createUser } from "../../lib/db/user-queries";
import { seedIfEmpty } from "../../prisma/seed";
import { createTestDatabase, type TestDatabase } from "./test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

type Authorize = (credentials: Record<string, string>, req: unknown) => Promise<{ id: string; email: string } | null>;

function authorize(credentials: Record<string, string>) {
  const provider = authOptions().providers[0] as unknown as { id: string; options: { authorize: Authorize } };
  expect(provider.id).toBe("credentials");
  return provider.options.authorize(credentials, {});
}

describe("first start", () => {
  it("creates the admin with a generated password once, stores only its hash, and never again", async () => {
    const devices = [{ name: "core-rtr-hq-1", role: "core-router", site: "hq", managementIp: "10.0.0.1", tags: [] }];
    const first = await seedIfEmpty(t.prisma, { adminEmail: "admin@tidewatch.local", devices });
    expect(first.adminCreated).toBe(true);
    expect(first.devicesCreated).toBe(1);
    const password = first.generatedAdminPassword!;
    expect(password.length).toBeGreaterThanOrEqual(12);
    const admin = await t.prisma.user.findUniqueOrThrow({ where: { email: "admin@tidewatch.local" } });
    expect(admin.role).toBe("admin");
    expect(admin.passwordHash).not.toContain(password);
    expect(await authorize({ email: "admin@tidewatch.local", password })).toMatchObject({ email: "admin@tidewatch.local" });

    const second = await seedIfEmpty(t.prisma, { adminEmail: "admin@tidewatch.local", devices });
    expect(second).toEqual({ adminCreated: false, devicesCreated: 0 });
    expect(await t.prisma.user.count()).toBe(1);
  });
});

describe("credentials login", () => {
  it.each([
    { name: "right password", email: "ana@example.test", password: "correct horse battery", ok: true },
    { name: "email in another case", email: "ANA@example.test", password: "correct horse battery", ok: true },
    { name: "wrong password", email: "ana@example.test", password: "wrong horse battery", ok: false },
    { name: "unknown email", email: "nobody@example.test", password: "correct horse battery", ok: false },
    { name: "not an email", email: "ana", password: "correct horse battery", ok: false },
    { name: "empty password", email: "ana@example.test", password: "", ok: false },
  ])("$name", async ({ email, password, ok }) => {
    if (!(await t.prisma.user.findUnique({ where: { email: "ana@example.test" } }))) {
      await createUser(t.prisma, { email: "ana@example.test", name: "Ana", role: "analyst", password: "correct horse battery" });
    }
    const user = await authorize({ email, password });
    if (ok) expect(user).toMatchObject({ email: "ana@example.test" });
    else expect(user).toBeNull();
  });
});
