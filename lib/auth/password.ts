// bcryptjs: pure JavaScript (nothing to compile or download), maintained, and cost 12 is still slow
// enough to make offline guessing expensive. Each hash costs ~350 ms of CPU, so at most
// PASSWORD_HASH_CONCURRENCY run at once; more wait in a short queue and beyond it are refused (503)
// rather than piling up behind each other until every request of the web app is slow.
import bcrypt from "bcryptjs";
import { env } from "../env";
import { AppError } from "../http/app-error";

const COST = 12;
/** Waiting hashes per running slot before new ones are refused. */
const QUEUE_PER_SLOT = 8;

const globalForHash = globalThis as unknown as { tidewatchHashSlots?: { active: number; waiting: (() => void)[] } };
const slots = (globalForHash.tidewatchHashSlots ??= { active: 0, waiting: [] });

export const hashingBusy = () =>
  new AppError(503, "busy", "Too many sign-ins at once; try again in a moment", undefined, { "retry-after": "1" });

/** Whether a new hash would be refused right now (checked before a login does any work). */
export function hashingSaturated(): boolean {
  const max = env().PASSWORD_HASH_CONCURRENCY;
  return slots.active >= max && slots.waiting.length >= max * QUEUE_PER_SLOT;
}

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  const max = env().PASSWORD_HASH_CONCURRENCY;
  if (slots.active >= max) {
    if (slots.waiting.length >= max * QUEUE_PER_SLOT) throw hashingBusy();
    await new Promise<void>((resolve) => slots.waiting.push(resolve));
  } else slots.active += 1;
  try {
    return await work();
  } finally {
    // hand the slot straight to the next waiter (active stays the same), or free it
    const next = slots.waiting.shift();
    if (next) next();
    else slots.active -= 1;
  }
}

export function hashPassword(password: string): Promise<string> {
  return withHashSlot(() => bcrypt.hash(password, COST));
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return withHashSlot(() => bcrypt.compare(password, hash));
}

/** Hashes running and waiting (tests, benchmark). */
export function hashingLoad(): { active: number; waiting: number } {
  return { active: slots.active, waiting: slots.waiting.length };
}
