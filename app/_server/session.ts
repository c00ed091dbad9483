// Web-only session helpers (they import next-auth's Next.js integration, so the worker never
// imports this). Pages call currentUser(); API routes are wrapped in withSession, which answers
// 401/403/400 as JSON and never redirects.
import { getServerSession } from "next-auth/next";
import { authOptions } from "@/lib/auth/auth-options";
import { can, type Permission } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { findSessionUser, type PublicUser } from "@/lib/db/user-queries";
import { AppError, errorResponse, forbidden, unauthorized } from "@/lib/http/app-error";
import { createLogger } from "@/lib/log";

const log = createLogger("web:api");

/** The signed-in user, or null: no session, or a user since disabled or whose sessions were revoked. */
export async function currentUser(): Promise<PublicUser | null> {
  const session = await getServerSession(authOptions());
  const claims = session?.user as { id?: string; sessionVersion?: unknown } | undefined;
  const id = Number(claims?.id);
  if (!Number.isInteger(id) || id <= 0) return null;
  const version = typeof claims?.sessionVersion === "number" ? claims.sessionVersion : undefined;
  return findSessionUser(db(), id, version);
}

type RouteContext = { params: Promise<Record<string, string | string[]>> };

export interface SessionContext<P> {
  user: PublicUser;
  params: P;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A mutating request from another site is refused even if the browser sent the cookie: browsers say
 * so in Sec-Fetch-Site (same-origin, same-site, none for a typed URL; cross-site otherwise), and older
 * ones in Origin.
 */
function crossOrigin(req: Request): boolean {
  if (SAFE_METHODS.has(req.method)) return false;
  if (req.headers.get("sec-fetch-site") === "cross-site") return true;
  const origin = req.headers.get("origin");
  if (!origin) return false;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

/**
 * Every state-changing API request is JSON, body or not: a cross-site HTML form cannot send that
 * content type without a CORS preflight, which this app never grants.
 */
function notJson(req: Request): boolean {
  if (SAFE_METHODS.has(req.method)) return false;
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  return type !== "application/json";
}

export function withSession<P = Record<string, string>>(
  handler: (req: Request, ctx: SessionContext<P>) => Promise<Response>,
  options: { permission?: Permission; action?: string } = {},
) {
  return async (req: Request, ctx: RouteContext): Promise<Response> => {
    try {
      const user = await currentUser();
      if (!user) throw unauthorized();
      if (crossOrigin(req)) throw forbidden("make this request from another site");
      if (options.permission && !can(user.role, options.permission)) throw forbidden(options.action);
      if (notJson(req)) throw new AppError(415, "unsupported_media_type", "Send this request with Content-Type: application/json");
      const params = ((await ctx?.params) ?? {}) as P;
      return await handler(req, { user, params });
    } catch (err) {
      return errorResponse(err, log);
    }
  };
}
