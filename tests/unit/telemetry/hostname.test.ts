// Which names from the wire may name a device (RFC 1123 host names and address literals).
import { describe, expect, it } from "vitest";
import { isValidHostname } from "@/lib/telemetry/hostname";

describe("isValidHostname", () => {
  it.each([
    "core-1",
    "fw-hq-1.example.com",
    "fw-hq-1.example.com.",
    "3com-switch",
    "a",
    `${"a".repeat(63)}.example`,
    Array.from({ length: 4 }, () => "b".repeat(62)).join("."), // 251 characters
    "10.0.0.1",
    "2001:db8::1",
  ])("accepts %s", (name) => {
    expect(isValidHostname(name)).toBe(true);
  });

  it.each([
    ["empty", ""],
    ["254 characters", Array.from({ length: 4 }, () => "b".repeat(63)).join(".") + "x"],
    ["a 64-character label", `${"a".repeat(64)}.example`],
    ["a leading hyphen", "-core"],
    ["a trailing hyphen", "core-.example"],
    ["an empty label", "core..example"],
    ["an underscore", "core_1"],
    ["a space", "core 1"],
    ["an escape sequence", "\x1b[31mcore"],
    ["a bell", "core\x07"],
    ["a C1 control", "core\x9b1m"],
    ["markup", "<script>alert(1)</script>"],
    ["a non-ASCII letter", "cöre"],
    ["a lone dot", "."],
  ])("refuses %s", (_what, name) => {
    expect(isValidHostname(name)).toBe(false);
  });
});
