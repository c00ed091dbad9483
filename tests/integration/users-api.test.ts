// User management through the real route handlers: admins list, add and change roles (audited);
// nobody else may; an admin cannot change their own role.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { makeUser } from "./fixtures";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

const usersRoute = await import("../../app/api/users/route");
const userRoute = await import("../../app/api/users/[id]/route");

let t: TestDatabase;
let admin: number;
let analyst: number;

const ctx = (id: number | string) => ({ params: Promise.resolve({ id: String(id) }) });
const send = (method: string, path: string, body?: unknown) =>
  new Request(`http://localhost:3000${path}`, {
    method,
    headers: { "content-type": "application/json", host: "localhost:3000" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  t = await createTestDatabase();
  admin = (await makeUser(t.prisma, "admin")).id;
  analyst = (await makeUser(t.prisma, "analyst")).id;
});
afterAll(async () => t?.drop());
beforeEach(() => {
  session.userId = admin;
});

describe("users", () => {
  it("lets an admin add a user and change their role, audited", async () => {
    const created = await usersRoute.POST(send("POST", "/api/users", { email: "New@Example.test", name: "New Person", role: "viewer", password: "long enough" }), ctx(0));
    expect(created.status).toBe(201);
    const user = await created.json();
    expect(user).toMatchObject({ email: "new@example.test", role: "viewer" });
    const changed = await userRoute.PATCH(send("PATCH", `/api/users/${user.id}`, { role: "analyst" }), ctx(user.id));
    expect(changed.status).toBe(200);
    expect((await changed.json()).role).toBe("analyst");
    const listed = (await (await usersRoute.GET(send("GET", "/api/users"), ctx(0))).json()).users;
    expect(listed.find((u: { id: number }) => u.id === user.id).role).toBe("analyst");
    const audit = await t.prisma.auditLog.findFirst({ where: { action: "user.role", entityId: String(user.id) } });
    expect(audit).toMatchObject({ actorId: admin, before: { role: "viewer" }, after: { role: "analyst" } });
  });

  it("refuses an admin changing their own role (409), an analyst (403), a bad role (400) and an unknown user (404)", async () => {
    const own = await userRoute.PATCH(send("PATCH", `/api/users/${admin}`, { role: "viewer" }), ctx(admin));
    expect(own.status).toBe(409);
    expect((await own.json()).error.field).toBe("role");
    const bad = await userRoute.PATCH(send("PATCH", `/api/users/${analyst}`, { role: "root" }), ctx(analyst));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe("role");
    expect((await userRoute.PATCH(send("PATCH", "/api/users/999999", { role: "viewer" }), ctx(999999))).status).toBe(404);
    session.userId = analyst;
    expect((await userRoute.PATCH(send("PATCH", `/api/users/${admin}`, { role: "viewer" }), ctx(admin))).status).toBe(403);
    expect((await usersRoute.GET(send("GET", "/api/users"), ctx(0))).status).toBe(403);
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: admin } })).role).toBe("admin");
  });
});
