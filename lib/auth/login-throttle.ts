// Failed-login counting per source address and per account, in memory (one web process). After `max`
// failures inside the sliding window a key is refused until its oldest counted failure ages out, whatever
// the password. Per address stops one client guessing; per account (a higher limit) slows guessing spread
// over many addresses without letting one address lock a user out. Memory is bounded: at most `max`
// timestamps per key and `maxKeys` keys (the least recently failed are forgotten first).
export interface LoginThrottleOptions {
  maxPerAddress: number;
  maxPerAccount: number;
  windowMs: number;
  maxKeys?: number;
}

export type ThrottleScope = "address" | "account";

export interface Block {
  scope: ThrottleScope;
  retryAfterSec: number;
}

export interface LoginThrottle {
  /**
   * Why a login from this address for this account is refused now, or null. `inFlight` attempts from the
   * address still being checked count as failures, so a burst sent at once cannot all pass the check
   * before the first of them has failed.
   */
  blocked(addressKey: string, account: string, now: number, inFlight?: number): Block | null;
  /** Counts a failure; returns the scopes that became blocked by it (to audit once per lockout). */
  recordFailure(addressKey: string, account: string, now: number): ThrottleScope[];
  size(): number;
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const maxKeys = options.maxKeys ?? 100_000;
  const failures = new Map<string, number[]>();
  const keyOf = (scope: ThrottleScope, key: string) => `${scope}:${scope === "account" ? key.toLowerCase() : key}`;
  const limitOf = (scope: ThrottleScope) => (scope === "address" ? options.maxPerAddress : options.maxPerAccount);

  const recent = (key: string, now: number): number[] => {
    const list = failures.get(key);
    if (!list) return [];
    const kept = list.filter((t) => now - t < options.windowMs);
    if (kept.length === 0) failures.delete(key);
    else if (kept.length !== list.length) failures.set(key, kept);
    return kept;
  };

  const check = (scope: ThrottleScope, key: string, now: number, inFlight = 0): Block | null => {
    const list = recent(keyOf(scope, key), now);
    const limit = limitOf(scope);
    if (list.length + inFlight < limit) return null;
    // refused until enough failures age out to leave room for one more attempt (or, while the refusal
    // is only due to attempts in flight, for a second)
    const oldest = list.length - (limit - inFlight);
    const freeAt = oldest >= 0 && list[oldest] !== undefined ? list[oldest]! + options.windowMs : now + 1000;
    return { scope, retryAfterSec: Math.max(1, Math.ceil((freeAt - now) / 1000)) };
  };

  return {
    blocked(addressKey, account, now, inFlight = 0) {
      return check("address", addressKey, now, inFlight) ?? check("account", account, now);
    },
    recordFailure(addressKey, account, now) {
      const became: ThrottleScope[] = [];
      for (const [scope, key] of [["address", addressKey], ["account", account]] as const) {
        const k = keyOf(scope, key);
        const list = recent(k, now);
        list.push(now);
        const limit = limitOf(scope);
        if (list.length > limit) list.splice(0, list.length - limit);
        // re-inserted so the map's order is least recently failed first
        failures.delete(k);
        failures.set(k, list);
        if (list.length === limit) became.push(scope);
      }
      while (failures.size > maxKeys) failures.delete(failures.keys().next().value!);
      return became;
    },
    size: () => failures.size,
  };
}
