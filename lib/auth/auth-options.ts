// next-auth configuration: email + password (credentials provider "credentials"), JWT sessions.
// The JWT carries only the user id; the role is read from the database on every request so that a
// role change or a removed user takes effect at once.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db/client";
import { findUserForLogin } from "../db/user-queries";
import { createLogger } from "../log";
import { verifyPassword } from "./password";

const log = createLogger("web:auth");
const credentialsSchema = z.object({ email: z.email(), password: z.string().min(1).max(200) });

// A hash to compare against when the email is unknown, so both cases take the same time.
const DUMMY_HASH = "$2b$12$C6UzMDM.H6dfI/f/IKcEeO7Q5Uu0bS7a/KUE1F5o2ZQXwqN4uU5Ky";

export function authOptions(): NextAuthOptions {
  return {
    secret: process.env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/login" },
    useSecureCookies: (process.env.NEXTAUTH_URL ?? "").startsWith("https://"),
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(raw) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const user = await findUserForLogin(db(), parsed.data.email);
          const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? DUMMY_HASH);
          if (!user || !ok) {
            log.info("login failed", { email: parsed.data.email });
            return null;
          }
          log.info("login", { userId: user.id });
          return { id: String(user.id), email: user.email, name: user.name };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        if (session.user) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
}
