// next-auth's routes. A password sign-in (POST /api/auth/callback/credentials) is first checked against
// the login throttle and the hashing cap, so a throttled address gets 429 with Retry-After, whatever the
// password, before any hashing is done; the attempt itself is counted in authorize (lib/auth/login.ts).
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/auth-options";
import { beginLoginAttempt, tooManyLogins } from "@/lib/auth/login";
import { hashingBusy, hashingSaturated } from "@/lib/auth/password";
import { clientAddressOf } from "@/lib/http/client-address";
import { errorResponse } from "@/lib/http/app-error";

type Context = { params: Promise<{ nextauth: string[] }> };

const handler = NextAuth(authOptions()) as (req: NextRequest, ctx: Context) => Promise<Response>;

async function emailOf(req: NextRequest): Promise<string> {
  try {
    const form = await req.clone().formData();
    const email = form.get("email");
    return typeof email === "string" ? email.slice(0, 320) : "";
  } catch {
    return "";
  }
}

async function POST(req: NextRequest, ctx: Context): Promise<Response> {
  const [action, provider] = (await ctx.params).nextauth ?? [];
  if (action === "callback" && provider === "credentials") {
    if (hashingSaturated()) return errorResponse(hashingBusy());
    const attempt = beginLoginAttempt(clientAddressOf(req.headers), await emailOf(req));
    if ("block" in attempt) return errorResponse(tooManyLogins(attempt.block));
    try {
      return await handler(req, ctx);
    } finally {
      attempt.release();
    }
  }
  return handler(req, ctx);
}

export { handler as GET, POST };
