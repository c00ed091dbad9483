// The cap on concurrent password hashing: two at once by default, a short queue, refusal beyond it.
import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/http/app-error";
import { hashingLoad, hashingSaturated, verifyPassword } from "../../../lib/auth/password";

describe("password hashing cap", () => {
  it("runs 2 hashes at once, queues 16 more, refuses the next with 503 and Retry-After, and serves every queued one", async () => {
    const hash = bcrypt.hashSync("right", 4); // cheap cost: this is about the queue, not the hash
    const accepted = Array.from({ length: 18 }, (_, i) => verifyPassword(i % 2 ? "right" : "wrong", hash));
    expect(hashingLoad()).toEqual({ active: 2, waiting: 16 });
    expect(hashingSaturated()).toBe(true);
    const refused = await verifyPassword("right", hash).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 503, headers: { "retry-after": "1" } });

    expect(await Promise.all(accepted)).toEqual(Array.from({ length: 18 }, (_, i) => i % 2 === 1));
    expect(hashingLoad()).toEqual({ active: 0, waiting: 0 });
    expect(hashingSaturated()).toBe(false);
  });
});
