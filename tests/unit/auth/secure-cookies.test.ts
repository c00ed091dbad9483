// Session cookies are Secure whenever the public URL is https (and only then: a browser drops Secure
// cookies set over plain http, which would make local http logins impossible).
import { describe, expect, it, vi } from "vitest";

describe("session cookies", () => {
  it.each([
    { url: "https://tidewatch.example.com", secure: true },
    { url: "http://localhost:3000", secure: false },
  ])("$url → Secure: $secure", async ({ url, secure }) => {
    // a fresh lib/env, which parses the environment once per process
    vi.resetModules();
    vi.stubEnv("NEXTAUTH_URL", url);
    try {
      const { authOptions } = await import("../../../lib/auth/auth-options");
      expect(authOptions().useSecureCookies).toBe(secure);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
