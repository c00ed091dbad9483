// Login throttling, disabled users and revoked sessions, and the request checks every state-changing API
// route gets (withSession), through the real route handlers and next-auth's own credentials provider and
// callbacks; only next-auth's cookie decoding (getServerSession) is replaced by the session the callbacks built.
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { authOptions } from "../../lib/auth/auth-options";
import { createUser } from "../../lib/db/user-queries";
import { makeUser } from "./fixtures";
import { createTestDatabase, type TestDatabase } from "./test-database";

const current = vi.hoisted(() => ({ session: null as unknown }));
vi.mock("next-auth/next", () => ({ getServerSession: async () => current.session }));

const authRoute = await import("../../app/api/auth/[...nextauth]/route");
const usersRoute = await import("../../app/api/users/route");
const userRoute = await import("../../app/api/users/[id]/route");
const revokeRoute = await import("../../app/api/users/[id]/revoke-sessions/route");
const alertsRoute = await import("../../app/api/alerts/route");

let t: TestDatabase;
let admin: number;
beforeAll(async () => {
  t = await createTestDatabase();
  admin = (await makeUser(t.prisma, "admin")).id;
});
afterAll(async () => t?.drop());

type Authorize = (credentials: Record<string, string>, req: unknown) => Promise<{ id: string; email: string } | null>;
const options = authOptions();
const provider = options.providers[0] as unknown as { options: { authorize: Authorize } };

/** One sign-in attempt as next-auth makes it: the credentials, with the headers the web server set. */
const attempt = (email: string, password: string, address: string) =>
  provider.options.authorize({ email, password }, { headers: { "x-forwarded-for": address } });

/** The same attempt through the auth route (only reaches next-auth when not throttled). */
const postLogin = (email: string, password: string, address: string) =>
  authRoute.POST(
    new NextRequest("http://localhost:3000/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": address },
      body: new URLSearchParams({ email, password, csrfToken: "x", json: "true" }).toString(),
    }),
    { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) },
  );

/** Signs in through the provider and builds the session next-auth would (its jwt and session callbacks). */
async function signIn(email: string, password: string, address: string) {
  const user = await attempt(email, password, address);
  if (!user) throw new Error(`sign-in of ${email} failed`);
  const token = await options.callbacks!.jwt!({ token: {}, user, account: null } as never);
  return options.callbacks!.session!({ session: { user: { email }, expires: "" }, token } as never);
}

const ctx = (id: number | string = 0) => ({ params: Promise.resolve({ id: String(id) }) });
const json = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  new Request(`http://localhost:3000${path}`, {
    method,
    headers: { "content-type": "application/json", host: "localhost:3000", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe("login throttling", () => {
  it("answers 429 with Retry-After to an address after 10 failures, whatever the password; the right password from another address still works; the lockout is audited", async () => {
    await createUser(t.prisma, { email: "target@example.test", name: "Target", role: "analyst", password: "correct horse battery" });
    for (let i = 0; i < 10; i++) expect(await attempt("target@example.test", `guess ${i}`, "198.51.100.7")).toBeNull();

    const refused = await postLogin("target@example.test", "correct horse battery", "198.51.100.7");
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect((await refused.json()).error.code).toBe("too_many_logins");
    // even a request that slipped past the route is refused by the provider
    expect(await attempt("target@example.test", "correct horse battery", "198.51.100.7")).toBeNull();
    // another guesser on the same IPv4 address is the same address
    expect((await postLogin("someone@example.test", "whatever", "198.51.100.7")).status).toBe(429);

    expect(await attempt("target@example.test", "correct horse battery", "203.0.113.20")).toMatchObject({ email: "target@example.test" });

    const audit = await t.prisma.auditLog.findMany({ where: { action: "login.lockout" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: null, entityType: "login", entityId: "198.51.100.7", after: { scope: "address", email: "target@example.test" } });
  });
});

describe("disabled users and revoked sessions", () => {
  it("ends a user's sessions at once when an admin revokes them, and lets them sign in again", async () => {
    const u = await createUser(t.prisma, { email: "revoked@example.test", name: "R", role: "analyst", password: "correct horse battery" });
    current.session = await signIn("revoked@example.test", "correct horse battery", "192.0.2.10");
    expect((await alertsRoute.GET(json("GET", "/api/alerts"), ctx())).status).toBe(200);

    const adminSession = await signIn((await t.prisma.user.findUniqueOrThrow({ where: { id: admin } })).email, "correct horse battery", "192.0.2.11");
    const userSession = current.session;
    current.session = adminSession;
    expect((await revokeRoute.POST(json("POST", `/api/users/${u.id}/revoke-sessions`), ctx(u.id))).status).toBe(200);

    current.session = userSession;
    expect((await alertsRoute.GET(json("GET", "/api/alerts"), ctx())).status).toBe(401);
    current.session = await signIn("revoked@example.test", "correct horse battery", "192.0.2.10");
    expect((await alertsRoute.GET(json("GET", "/api/alerts"), ctx())).status).toBe(200);
    expect(await t.prisma.auditLog.count({ where: { action: "user.revoke_sessions", entityId: String(u.id), actorId: admin } })).toBe(1);
  });

  it("refuses a disabled user's open session (401) and their sign-in; a new password from an admin ends old sessions", async () => {
    const u = await createUser(t.prisma, { email: "disabled@example.test", name: "D", role: "analyst", password: "correct horse battery" });
    const userSession = await signIn("disabled@example.test", "correct horse battery", "192.0.2.20");
    const adminSession = await signIn((await t.prisma.user.findUniqueOrThrow({ where: { id: admin } })).email, "correct horse battery", "192.0.2.21");

    current.session = adminSession;
    const disabled = await userRoute.PATCH(json("PATCH", `/api/users/${u.id}`, { disabled: true }), ctx(u.id));
    expect(disabled.status).toBe(200);
    expect(await disabled.json()).toMatchObject({ id: u.id, disabled: true });
    current.session = userSession;
    expect((await alertsRoute.GET(json("GET", "/api/alerts"), ctx())).status).toBe(401);
    expect(await attempt("disabled@example.test", "correct horse battery", "192.0.2.20")).toBeNull();

    current.session = adminSession;
    expect((await userRoute.PATCH(json("PATCH", `/api/users/${u.id}`, { disabled: false, password: "a brand new password" }), ctx(u.id))).status).toBe(200);
    // re-enabled, but the session from before is not brought back, and the old password is gone
    current.session = userSession;
    expect((await alertsRoute.GET(json("GET", "/api/alerts"), ctx())).status).toBe(401);
    expect(await attempt("disabled@example.test", "correct horse battery", "192.0.2.20")).toBeNull();
    current.session = await signIn("disabled@example.test", "a brand new password", "192.0.2.20");
    expect((await alertsRoute.GET(json("GET", "/api/alerts"), ctx())).status).toBe(200);

    const actions = (await t.prisma.auditLog.findMany({ where: { entityType: "user", entityId: String(u.id) }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["user.disable", "user.enable", "user.password"]);
    const passwordAudit = await t.prisma.auditLog.findFirstOrThrow({ where: { action: "user.password", entityId: String(u.id) } });
    expect(JSON.stringify([passwordAudit.before, passwordAudit.after])).not.toContain("a brand new password");
  });

  it("does not let an admin disable themselves (409 naming disabled), nor a non-admin disable anyone (403)", async () => {
    current.session = await signIn((await t.prisma.user.findUniqueOrThrow({ where: { id: admin } })).email, "correct horse battery", "192.0.2.30");
    const own = await userRoute.PATCH(json("PATCH", `/api/users/${admin}`, { disabled: true }), ctx(admin));
    expect(own.status).toBe(409);
    expect((await own.json()).error.field).toBe("disabled");
    const empty = await userRoute.PATCH(json("PATCH", `/api/users/${admin}`, {}), ctx(admin));
    expect(empty.status).toBe(400);
    const analyst = await makeUser(t.prisma, "analyst");
    current.session = await signIn(analyst.email, "correct horse battery", "192.0.2.31");
    expect((await userRoute.PATCH(json("PATCH", `/api/users/${admin}`, { disabled: true }), ctx(admin))).status).toBe(403);
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: admin } })).disabled).toBe(false);
  });
});

describe("state-changing requests", () => {
  it("refuses a non-JSON body (415) and a cross-site request (403) before doing anything", async () => {
    current.session = await signIn((await t.prisma.user.findUniqueOrThrow({ where: { id: admin } })).email, "correct horse battery", "192.0.2.40");
    const before = await t.prisma.user.count();
    const user = { email: "form@example.test", name: "Form", role: "viewer", password: "long enough" };

    const form = await usersRoute.POST(
      new Request("http://localhost:3000/api/users", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", host: "localhost:3000" }, body: new URLSearchParams(user).toString() }),
      ctx(),
    );
    expect(form.status).toBe(415);
    const plain = await usersRoute.POST(new Request("http://localhost:3000/api/users", { method: "POST", headers: { "content-type": "text/plain", host: "localhost:3000" }, body: JSON.stringify(user) }), ctx());
    expect(plain.status).toBe(415);
    const crossSite = await usersRoute.POST(json("POST", "/api/users", user, { "sec-fetch-site": "cross-site" }), ctx());
    expect(crossSite.status).toBe(403);
    expect(await t.prisma.user.count()).toBe(before);

    // the same request from the app itself goes through, and reading is never refused
    expect((await usersRoute.POST(json("POST", "/api/users", user, { "sec-fetch-site": "same-origin" }), ctx())).status).toBe(201);
    expect((await usersRoute.GET(new Request("http://localhost:3000/api/users", { headers: { "sec-fetch-site": "cross-site" } }), ctx())).status).toBe(200);
  });
});

describe("live streams per user", () => {
  it("lets one user hold STREAMS_PER_USER (8) streams; the next gets 429 with Retry-After until one closes", async () => {
    const streamRoute = await import("../../app/api/stream/route");
    const analyst = await makeUser(t.prisma, "analyst");
    current.session = await signIn(analyst.email, "correct horse battery", "192.0.2.50");
    // The requests are kept, as a server holds a request while its connection is open: a Request's signal
    // only follows the caller's while the Request lives (undici drops the link when it is collected), and a
    // collection between opening and aborting made the abort below never reach the stream.
    const requests: Request[] = [];
    const open = (signal: AbortSignal) => {
      const req = new Request("http://localhost:3000/api/stream", { signal });
      requests.push(req);
      return streamRoute.GET(req, ctx());
    };
    const aborts = Array.from({ length: 8 }, () => new AbortController());
    const streams = await Promise.all(aborts.map((a) => open(a.signal)));
    expect(streams.map((r) => r.status)).toEqual(Array(8).fill(200));

    const refused = await open(new AbortController().signal);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("30");
    expect((await refused.json()).error.code).toBe("too_many_streams");
    // another user is not affected
    current.session = await signIn((await t.prisma.user.findUniqueOrThrow({ where: { id: admin } })).email, "correct horse battery", "192.0.2.51");
    const other = new AbortController();
    expect((await open(other.signal)).status).toBe(200);
    other.abort();

    current.session = await signIn(analyst.email, "correct horse battery", "192.0.2.50");
    aborts[0]!.abort();
    const again = new AbortController();
    expect((await open(again.signal)).status).toBe(200);
    again.abort();
    for (const a of aborts) a.abort();
    expect(requests.slice(0, 8).every((r) => r.signal.aborted)).toBe(true);
  });
});
