import { describe, expect, it } from "vitest";
import { SyslogFrameSplitter, type FrameEvent } from "@/lib/telemetry/syslog/tcp-framing";

const M1 = "<13>Nov 21 00:00:00 h app: first";
const M2 = "<14>1 2026-11-21T00:00:00Z h app - - [x@1 k=\"a\\]b\"] second\nwith a newline inside";
const M3 = "<15>Nov 21 00:00:02 h app: third ünïcödé";

const octet = (m: string) => {
  const b = Buffer.from(m, "utf8");
  return Buffer.concat([Buffer.from(`${b.length} `), b]);
};

/** Feeds `stream` cut at `cuts` and returns what came out, frames as strings. */
function run(stream: Buffer, cuts: number[] = [], options?: { maxFrameBytes?: number }) {
  const splitter = new SyslogFrameSplitter(options);
  const events: FrameEvent[] = [];
  let prev = 0;
  for (const c of [...cuts, stream.length]) {
    events.push(...splitter.push(stream.subarray(prev, c)));
    prev = c;
  }
  events.push(...splitter.end());
  return events.map((e) => (e.type === "frame" ? `${e.framing === "octet-counting" ? "OC" : "NT"}:${e.frame.toString("utf8")}` : `DROP:${e.reason}`));
}

describe("SyslogFrameSplitter", () => {
  it.each([
    { name: "octet counting", stream: Buffer.concat([octet(M1), octet(M2), octet(M3)]), expected: [`OC:${M1}`, `OC:${M2}`, `OC:${M3}`] },
    { name: "octet counting with LF after each frame", stream: Buffer.concat([octet(M1), Buffer.from("\n"), octet(M3), Buffer.from("\n")]), expected: [`OC:${M1}`, `OC:${M3}`] },
    { name: "LF framing", stream: Buffer.from(`${M1}\n${M3}\n`), expected: [`NT:${M1}`, `NT:${M3}`] },
    { name: "CRLF framing", stream: Buffer.from(`${M1}\r\n${M3}\r\n`), expected: [`NT:${M1}`, `NT:${M3}`] },
    { name: "NUL framing", stream: Buffer.from(`${M1}\0${M3}\0`), expected: [`NT:${M1}`, `NT:${M3}`] },
    { name: "last line without terminator is delivered at close", stream: Buffer.from(`${M1}\n${M3}`), expected: [`NT:${M1}`, `NT:${M3}`] },
    { name: "empty lines are skipped", stream: Buffer.from(`\n\n${M1}\n\r\n\n${M3}\n`), expected: [`NT:${M1}`, `NT:${M3}`] },
    { name: "framings mixed on one connection", stream: Buffer.concat([octet(M1), Buffer.from(`${M3}\n`), octet(M2)]), expected: [`OC:${M1}`, `NT:${M3}`, `OC:${M2}`] },
  ])("$name, cut at every possible point", ({ stream, expected }) => {
    expect(run(stream)).toEqual(expected);
    for (let cut = 1; cut < stream.length; cut++) {
      expect(run(stream, [cut]), `cut at ${cut}`).toEqual(expected);
    }
    // One byte at a time.
    expect(run(stream, Array.from({ length: stream.length - 1 }, (_, i) => i + 1))).toEqual(expected);
  });

  it("survives random chunking of a long mixed stream", () => {
    const msgs = Array.from({ length: 200 }, (_, i) => `<${i % 192}>Nov 21 00:00:00 h app: message ${i} ${"x".repeat(i * 7)}`);
    const stream = Buffer.concat(msgs.map((m, i) => (i % 3 === 0 ? Buffer.from(`${m}\n`) : octet(m))));
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let round = 0; round < 20; round++) {
      const cuts: number[] = [];
      for (let p = 0; ; ) {
        p += 1 + Math.floor(rand() * 300);
        if (p >= stream.length) break;
        cuts.push(p);
      }
      expect(run(stream, cuts).map((s) => s.slice(3))).toEqual(msgs);
    }
  });

  it("drops an oversize octet-counted frame by its length and resynchronises", () => {
    const big = `<13>Nov 21 00:00:00 h app: ${"A".repeat(2000)}`;
    const stream = Buffer.concat([octet(M1), octet(big), octet(M3)]);
    const expected = [`OC:${M1}`, "DROP:oversize", `OC:${M3}`];
    expect(run(stream, [], { maxFrameBytes: 1000 })).toEqual(expected);
    for (const cut of [5, 40, 45, 800, 2000, stream.length - 3]) expect(run(stream, [cut], { maxFrameBytes: 1000 })).toEqual(expected);
  });

  it("drops an oversize line up to its terminator and resynchronises", () => {
    const stream = Buffer.from(`${M1}\n<13>${"B".repeat(5000)}\n${M3}\n`);
    const expected = [`NT:${M1}`, "DROP:oversize", `NT:${M3}`];
    expect(run(stream, [], { maxFrameBytes: 1000 })).toEqual(expected);
    expect(run(stream, [100, 1100, 3000], { maxFrameBytes: 1000 })).toEqual(expected);
  });

  it("keeps a line of exactly the maximum size, CRLF-terminated", () => {
    const line = `<13>${"C".repeat(996)}`;
    expect(run(Buffer.from(`${line}\r\n`), [1000, 1001], { maxFrameBytes: 1000 })).toEqual([`NT:${line}`]);
  });

  it("a length prefix that does not introduce '<' is garbage: resync at the next frame", () => {
    const stream = Buffer.concat([Buffer.from("12 hello world 99 junk "), octet(M1), octet(M3)]);
    expect(run(stream)).toEqual(["DROP:bad_octet_count", `OC:${M1}`, `OC:${M3}`]);
    for (let cut = 1; cut < 40; cut++) expect(run(stream, [cut]), `cut at ${cut}`).toEqual(["DROP:bad_octet_count", `OC:${M1}`, `OC:${M3}`]);
  });

  it("garbage lines come out as frames (the parser rejects them) and do not disturb the next ones", () => {
    const stream = Buffer.concat([Buffer.from([0xff, 0xfe, 0x01, 0x0a]), Buffer.from("123abc\n"), octet(M1)]);
    const out = run(stream);
    expect(out).toHaveLength(3);
    expect(out[1]).toBe("NT:123abc");
    expect(out[2]).toBe(`OC:${M1}`);
  });

  it("a connection closed inside an octet-counted frame reports it truncated", () => {
    const stream = octet(M1).subarray(0, 20);
    expect(run(stream)).toEqual(["DROP:truncated"]);
  });

  it("random bytes never throw and a valid frame after a newline still comes out", () => {
    let seed = 99;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let round = 0; round < 300; round++) {
      const junk = Buffer.alloc(Math.floor(rand() * 500));
      for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(rand() * 256);
      const stream = Buffer.concat([junk, Buffer.from("\n"), octet(M1)]);
      const out = run(stream, [Math.floor(rand() * stream.length)], { maxFrameBytes: 4096 });
      expect(out.at(-1)).toBe(`OC:${M1}`);
    }
  });
});
