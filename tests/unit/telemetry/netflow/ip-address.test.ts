import { describe, expect, it } from "vitest";
import { formatIpv4, formatIpv6, parseIpAddress } from "@/lib/telemetry/netflow/ip-address";

describe("ip address text", () => {
  it.each([
    [0, "0.0.0.0"],
    [0x0a000001, "10.0.0.1"],
    [0xffffffff, "255.255.255.255"],
    [0xc0a80102, "192.168.1.2"],
  ])("formats IPv4 %i as %s", (n, text) => {
    expect(formatIpv4(n)).toBe(text);
    expect(Array.from(parseIpAddress(text)!)).toEqual([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  });

  it.each([
    ["2001:db8::1", "20010db8000000000000000000000001"],
    ["::", "00000000000000000000000000000000"],
    ["::1", "00000000000000000000000000000001"],
    ["fe80::1:2", "fe800000000000000000000000010002"],
    ["2001:db8:0:1::53", "20010db8000000010000000000000053"],
    ["2001:db8::1:0:0:1", "20010db8000000000001000000000001"], // longest zero run wins
    ["2001:0:1:0:1:0:1:0", "20010000000100000001000000010000"], // single zero groups stay
    ["::ffff:192.0.2.1", "00000000000000000000ffffc0000201"],
    ["1:2:3:4:5:6:7:8", "00010002000300040005000600070008"],
  ])("formats and parses IPv6 %s", (text, hexBytes) => {
    const bytes = Buffer.from(hexBytes, "hex");
    expect(formatIpv6(bytes, 0)).toBe(text);
    expect(Buffer.from(parseIpAddress(text)!).toString("hex")).toBe(hexBytes);
  });

  it.each(["", "1.2.3", "1.2.3.256", "a.b.c.d", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "::1.2.3"])("rejects %j", (text) => {
    expect(parseIpAddress(text)).toBeNull();
  });
});

describe("formatIpv4 memoisation", () => {
  it("never returns another address's text, whatever collides in the cache", () => {
    const reference = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
    let x = 12345;
    const addresses = [0, 0xffffffff, 0x7fffffff, 0x80000000];
    for (let i = 0; i < 50_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      addresses.push(x);
    }
    for (let round = 0; round < 2; round++) {
      for (const a of addresses) {
        if (formatIpv4(a) !== reference(a)) throw new Error(`formatIpv4(${a}) = ${formatIpv4(a)}`);
      }
    }
  });
});
