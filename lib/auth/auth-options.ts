// next-auth configuration: email + password (credentials provider "credentials"), JWT sessions.
// The JWT carries the user id and the user's session version; the role, the disabled flag and the
// version are read from the database on every request (findSessionUser), so a role change, a disabled
// user or revoked sessions take effect at once.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db/client";
import { env } from "../env";
import { clientAddressOf } from "../http/client-address";
import { authenticate } from "./login";

const credentialsSchema = z.object({ email: z.email(), password: z.string().min(1).max(200) });

/** Session cookies are `Secure` (and `__Secure-` prefixed) whenever the public URL is https. */
export function secureCookies(): boolean {
  return (env().NEXTAUTH_URL ?? "").startsWith("https://");
}

export function authOptions(): NextAuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/login" },
    useSecureCookies: secureCookies(),
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(raw, req) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          // The auth route already answered 429 to a throttled address; a throttled attempt that raced
          // past it is refused here like a wrong password.
          const result = await authenticate(db(), { ...parsed.data, address: clientAddressOf(req?.headers ?? {}) });
          // next-auth answers a thrown error with ?error=<message>; the login form says "busy" for this one
          if (!result.ok && result.busy) throw new Error("Busy");
          if (!result.ok) return null;
          const { id, email, name, sessionVersion } = result.user;
          return { id: String(id), email, name, sessionVersion };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
        }
        return token;
      },
      session({ session, token }) {
        if (session.user) Object.assign(session.user, { id: token.sub, sessionVersion: token.sv });
        return session;
      },
    },
  };
}
