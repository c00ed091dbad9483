// One password login: throttled per source address and per account, the hash checked within the
// hashing cap, lockouts audited. Used by next-auth's credentials provider (auth-options.ts) and, for
// the 429 answer before any work is done, by the auth route (app/api/auth/[...nextauth]).
import { env } from "../env";
import type { DbClient } from "../db/client";
import { recordAudit } from "../db/audit-queries";
import { findUserForLogin } from "../db/user-queries";
import { AppError } from "../http/app-error";
import { throttleKeyOfAddress } from "../http/client-address";
import { createLogger } from "../log";
import { createLoginThrottle, type Block, type LoginThrottle } from "./login-throttle";
import { verifyPassword } from "./password";

const log = createLogger("web:auth");

// A hash to compare against when the email is unknown or the user disabled, so all cases take the same time.
const DUMMY_HASH = "$2b$12$C6UzMDM.H6dfI/f/IKcEeO7Q5Uu0bS7a/KUE1F5o2ZQXwqN4uU5Ky";

const globalForThrottle = globalThis as unknown as { tidewatchLoginThrottle?: LoginThrottle };

/** The web process's throttle, sized from the environment. */
export function loginThrottle(): LoginThrottle {
  const e = env();
  globalForThrottle.tidewatchLoginThrottle ??= createLoginThrottle({
    maxPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
    maxPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    windowMs: e.LOGIN_FAILURE_WINDOW_MIN * 60_000,
  });
  return globalForThrottle.tidewatchLoginThrottle;
}

export function tooManyLogins(block: Block): AppError {
  const what = block.scope === "address" ? "from this address" : "for this account";
  return new AppError(429, "too_many_logins", `Too many failed sign-ins ${what}; try again in ${block.retryAfterSec} s`, undefined, {
    "retry-after": String(block.retryAfterSec),
  });
}

const globalForInFlight = globalThis as unknown as { tidewatchLoginsInFlight?: Map<string, number> };
const inFlight = (globalForInFlight.tidewatchLoginsInFlight ??= new Map());

/**
 * Starts a sign-in attempt from the auth route: refused (the block) when the address or account is
 * throttled, counting the address's attempts still in flight as failures; otherwise `release` must be
 * called when the attempt has been answered.
 */
export function beginLoginAttempt(address: string, email: string, now = Date.now()): { block: Block } | { release: () => void } {
  const key = throttleKeyOfAddress(address);
  const block = loginThrottle().blocked(key, email.toLowerCase(), now, inFlight.get(key) ?? 0);
  if (block) return { block };
  inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      const left = (inFlight.get(key) ?? 1) - 1;
      if (left <= 0) inFlight.delete(key);
      else inFlight.set(key, left);
    },
  };
}

export interface SignedIn {
  id: number;
  email: string;
  name: string;
  sessionVersion: number;
}

export type LoginResult = { ok: true; user: SignedIn } | { ok: false; block?: Block; busy?: true };

export async function authenticate(db: DbClient, args: { email: string; password: string; address: string }, now = Date.now()): Promise<LoginResult> {
  const email = args.email.toLowerCase();
  const addressKey = throttleKeyOfAddress(args.address);
  const throttle = loginThrottle();
  const block = throttle.blocked(addressKey, email, now);
  if (block) return { ok: false, block };

  const user = await findUserForLogin(db, email);
  const usable = user && !user.disabled;
  let ok: boolean;
  try {
    ok = await verifyPassword(args.password, usable ? user.passwordHash : DUMMY_HASH);
  } catch (err) {
    // the hashing queue is full: not a failed guess, the server is busy
    if (err instanceof AppError && err.status === 503) return { ok: false, busy: true };
    throw err;
  }
  if (usable && ok) {
    log.info("login", { userId: user.id, address: args.address });
    return { ok: true, user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion } };
  }

  log.info("login failed", { email, address: args.address, ...(user?.disabled ? { disabled: true } : {}) });
  const lockouts = throttle.recordFailure(addressKey, email, Date.now());
  for (const scope of lockouts) {
    const windowMin = env().LOGIN_FAILURE_WINDOW_MIN;
    log.warn("login locked out", { scope, address: args.address, email });
    // an audit row that cannot be written must not turn a refused login into a 500
    await recordAudit(db, {
      actorId: null,
      action: "login.lockout",
      entityType: "login",
      entityId: scope === "address" ? addressKey : email,
      after: { scope, address: args.address, email, windowMin },
    }).catch((err: unknown) => log.error("could not audit a login lockout", { error: String(err) }));
  }
  return { ok: false };
}
