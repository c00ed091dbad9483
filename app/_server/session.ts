// Web-only session helpers (they import next-auth's Next.js integration, so the worker never
// imports this). Pages call currentUser(); API routes are wrapped in withSession, which answers
// 401/403/400 as JSON and never redirects.
import { getServerSession } from "next-auth/next";
import { authOptions } from "@/lib/auth/auth-options";
import { can, type Permission } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { findUserById, type PublicUser } from "@/lib/db/user-queries";
import { errorResponse, forbidden, unauthorized } from "@/lib/http/app-error";
import { createLogger } from "@/lib/log";

const log = createLogger("web:api");

export async function currentUser(): Promise<PublicUser | null> {
  const session = await getServerSession(authOptions());
  const id = Number((session?.user as { id?: string } | undefined)?.id);
  if (!Number.isInteger(id) || id <= 0) return null;
  return findUserById(db(), id);
}

type RouteContext = { params: Promise<Record<string, string | string[]>> };

export interface SessionContext<P> {
  user: PublicUser;
  params: P;
}

/** A mutating request from another origin is refused even if the browser sent the cookie. */
function crossOrigin(req: Request): boolean {
  if (req.method === "GET" || req.method === "HEAD") return false;
  const origin = req.headers.get("origin");
  if (!origin) return false;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
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
      const params = ((await ctx?.params) ?? {}) as P;
      return await handler(req, { user, params });
    } catch (err) {
      return errorResponse(err, log);
    }
  };
}
