// Failed-login counting: when an address or an account is refused, for how long, and that memory stays bounded.
import { describe, expect, it } from "vitest";
import { createLoginThrottle } from "../../../lib/auth/login-throttle";

const MIN = 60_000;
const throttle = (maxKeys?: number) => createLoginThrottle({ maxPerAddress: 10, maxPerAccount: 50, windowMs: 15 * MIN, maxKeys });

describe("login throttle", () => {
  it("refuses an address from its 10th failure in 15 minutes until the oldest of them ages out", () => {
    const t = throttle();
    for (let i = 0; i < 9; i++) expect(t.recordFailure("198.51.100.7", `user${i}@x`, i * MIN)).toEqual([]);
    expect(t.blocked("198.51.100.7", "any@x", 9 * MIN)).toBeNull();
    expect(t.recordFailure("198.51.100.7", "user9@x", 9 * MIN)).toEqual(["address"]);
    expect(t.blocked("198.51.100.7", "any@x", 9 * MIN)).toEqual({ scope: "address", retryAfterSec: 6 * 60 });
    expect(t.blocked("203.0.113.1", "any@x", 9 * MIN)).toBeNull();
    // the first failure (t=0) ages out at 15 min: one more attempt is allowed then
    expect(t.blocked("198.51.100.7", "any@x", 15 * MIN - 1)).not.toBeNull();
    expect(t.blocked("198.51.100.7", "any@x", 15 * MIN)).toBeNull();
  });

  it("counts attempts still being checked, so a burst sent at once cannot all pass before the first fails", () => {
    const t = throttle();
    expect(t.blocked("198.51.100.8", "a@x", 0, 9)).toBeNull();
    expect(t.blocked("198.51.100.8", "a@x", 0, 10)).toEqual({ scope: "address", retryAfterSec: 1 });
    // with a failure on record, room comes back when it ages out (the ones in flight may add to it)
    t.recordFailure("198.51.100.8", "a@x", 0);
    expect(t.blocked("198.51.100.8", "a@x", 0, 9)).toEqual({ scope: "address", retryAfterSec: 15 * 60 });
  });

  it("refuses an account after 50 failures from many addresses, in any letter case, but not other accounts", () => {
    const t = throttle();
    for (let i = 0; i < 49; i++) t.recordFailure(`10.0.${i}.1`, "Admin@Example.test", 1000 + i);
    expect(t.blocked("10.9.9.9", "admin@example.test", 2000)).toBeNull();
    expect(t.recordFailure("10.0.99.1", "admin@example.test", 2000)).toEqual(["account"]);
    expect(t.blocked("10.9.9.9", "ADMIN@example.test", 2000)?.scope).toBe("account");
    expect(t.blocked("10.9.9.9", "other@example.test", 2000)).toBeNull();
  });

  it("forgets the least recently failing keys beyond its budget", () => {
    const t = throttle(1000);
    for (let i = 0; i < 5000; i++) t.recordFailure(`2001:db8::${i.toString(16)}`, `u${i}@x`, i);
    expect(t.size()).toBeLessThanOrEqual(1000);
  });
});
