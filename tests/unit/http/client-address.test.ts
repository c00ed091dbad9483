// Which address login throttling counts a request under, and which public URLs the web app refuses.
import { describe, expect, it } from "vitest";
import { createSubnetMatcher } from "../../../lib/telemetry/cidr";
import { clientAddressOf, resolveClientAddress, throttleKeyOfAddress } from "../../../lib/http/client-address";
import { insecureHttpRefusal } from "../../../lib/http/public-url";

const none = createSubnetMatcher([]);
const proxies = createSubnetMatcher(["10.0.0.0/8"]);

describe("resolveClientAddress", () => {
  it.each([
    { name: "no proxy trusted: the connection, whatever the client claims", socket: "203.0.113.9", xff: "1.2.3.4", trusted: none, want: "203.0.113.9" },
    { name: "IPv4-mapped connection address", socket: "::ffff:203.0.113.9", xff: undefined, trusted: none, want: "203.0.113.9" },
    { name: "an untrusted connection cannot borrow a proxy's trust", socket: "198.51.100.7", xff: "1.2.3.4", trusted: proxies, want: "198.51.100.7" },
    { name: "trusted proxy: the hop it saw", socket: "10.0.0.2", xff: "1.2.3.4", trusted: proxies, want: "1.2.3.4" },
    { name: "trusted proxy: a spoofed left-most entry is ignored", socket: "10.0.0.2", xff: "6.6.6.6, 198.51.100.7", trusted: proxies, want: "198.51.100.7" },
    { name: "two trusted proxies in a row", socket: "10.0.0.2", xff: "198.51.100.7, 10.0.0.3", trusted: proxies, want: "198.51.100.7" },
    { name: "trusted proxy, garbage hop: the proxy itself", socket: "10.0.0.2", xff: "not-an-ip", trusted: proxies, want: "10.0.0.2" },
    { name: "trusted proxy, no header: the proxy itself", socket: "10.0.0.2", xff: undefined, trusted: proxies, want: "10.0.0.2" },
  ])("$name", ({ socket, xff, trusted, want }) => {
    expect(resolveClientAddress(socket, xff, trusted)).toBe(want);
  });

  it("reads the resolved address back from the request headers", () => {
    expect(clientAddressOf(new Headers({ "x-forwarded-for": "198.51.100.7" }))).toBe("198.51.100.7");
    expect(clientAddressOf({})).toBe("unknown");
  });

  it("counts IPv6 clients per /64, IPv4 per address", () => {
    expect(throttleKeyOfAddress("2001:db8:1:2:aaaa::1")).toBe(throttleKeyOfAddress("2001:db8:1:2:bbbb::9"));
    expect(throttleKeyOfAddress("2001:db8:1:2::1")).not.toBe(throttleKeyOfAddress("2001:db8:1:3::1"));
    expect(throttleKeyOfAddress("198.51.100.7")).toBe("198.51.100.7");
  });
});

describe("insecureHttpRefusal", () => {
  it.each([
    { url: "https://tidewatch.example.com", allow: false, refused: false },
    { url: "http://localhost:3000", allow: false, refused: false },
    { url: "http://127.0.0.1:3000", allow: false, refused: false },
    { url: "http://tidewatch.example.com", allow: false, refused: true },
    { url: "http://10.1.2.3:3000", allow: false, refused: true },
    { url: "http://tidewatch.example.com", allow: true, refused: false },
  ])("$url (allowed: $allow)", ({ url, allow, refused }) => {
    const why = insecureHttpRefusal(url, allow);
    if (refused) expect(why).toMatch(/ALLOW_INSECURE_HTTP/);
    else expect(why).toBeNull();
  });
});
