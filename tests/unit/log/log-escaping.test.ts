// Log lines never carry a peer's control characters: a device name or message holding terminal
// escapes, a bell or a newline is printed with them written out (\xNN), in both formats.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger, escapeControl } from "@/lib/log";

let lines: string[];
beforeEach(() => {
  lines = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const HOSTILE = "\x1b[2J\x1b]0;owned\x07core-1\x9b31m\x7f";
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe("escapeControl", () => {
  it.each([
    ["plain", "plain"],
    ["a\x1b[31mred", "a\\x1b[31mred"],
    ["bell\x07", "bell\\x07"],
    ["csi\x9b1m", "csi\\x9b1m"],
    ["del\x7f", "del\\x7f"],
    ["line\nbreak", "line\\x0abreak"],
    ["ünïcødé stays", "ünïcødé stays"],
  ])("%j → %j", (input, output) => {
    expect(escapeControl(input)).toBe(output);
  });
});

describe("createLogger", () => {
  it("pretty lines escape control characters in the message, field names and values (strings and objects)", () => {
    const log = createLogger("test", { level: "info", format: "pretty" });
    log.warn(`device ${HOSTILE} seen`, { device: HOSTILE, spaced: `a b ${HOSTILE}`, nested: { name: HOSTILE }, [HOSTILE]: 1 });
    expect(lines).toHaveLength(1);
    const line = lines[0]!.replace(/\n$/, "");
    expect(line).not.toMatch(CONTROL);
    expect(line).not.toContain("\n");
    expect(line).toContain("\\x1b[2J\\x1b]0;owned\\x07core-1\\x9b31m\\x7f");
  });

  it("JSON lines stay valid JSON with the same text, and carry no raw control character", () => {
    const log = createLogger("test", { level: "info", format: "json" });
    log.info("seen", { device: HOSTILE });
    const line = lines[0]!.replace(/\n$/, "");
    expect(line).not.toMatch(CONTROL);
    expect((JSON.parse(line) as { device: string }).device).toBe(HOSTILE);
  });
});
