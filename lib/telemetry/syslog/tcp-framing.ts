// Splits a syslog TCP byte stream into messages (RFC 6587). Two framings exist in the wild:
//
//   octet counting:   MSG-LEN SP SYSLOG-MSG          ("57 <13>1 2024-..."), no terminator
//   non-transparent:  SYSLOG-MSG LF                  (also NUL-terminated, or CRLF)
//
// The framing is recognised at every frame boundary, which covers "per connection" and also a sender
// that mixes them: a frame starting with a non-zero digit is octet-counted when the digits are
// followed by SP and `<` (every syslog message starts with its `<PRI>`); anything else runs to the
// next LF or NUL. Pure and streaming: chunk boundaries may fall anywhere, even inside the length.
//
// Oversize frames (above `maxFrameBytes`) are dropped without being buffered: an octet-counted one
// is skipped by its declared length, a line up to its terminator. A length prefix that does not
// introduce a `<` is garbage: bytes are discarded until the next terminator or the next
// "digits SP <" (resynchronisation), so one bad frame costs that frame, not the connection.
export type FrameDropReason =
  /** Larger than maxFrameBytes. */
  | "oversize"
  /** Digits and SP not followed by `<`: not a syslog frame. */
  | "bad_octet_count"
  /** The connection ended inside an octet-counted frame. */
  | "truncated";

export type FrameEvent =
  /** `frame` may be a view into the pushed chunk: use it (or copy it) before reusing that memory. */
  | { type: "frame"; frame: Buffer; framing: "octet-counting" | "non-transparent" }
  | { type: "drop"; reason: FrameDropReason };

export interface FrameSplitterOptions {
  /** Largest frame kept, in bytes (default 64 KiB). */
  maxFrameBytes?: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
const MAX_LEN_DIGITS = 7;

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
const TAB = 0x09;
const LT = 0x3c;

type State =
  | { s: "start" }
  | { s: "len"; value: number; count: number; digits: number[] }
  | { s: "checkLt"; value: number }
  | { s: "body"; remaining: number; parts: Buffer[] }
  | { s: "skip"; remaining: number }
  | { s: "line"; parts: Buffer[]; size: number }
  | { s: "lineDiscard" }
  | { s: "resync"; run: number; digits: number; value: number };

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isSeparator = (b: number) => b === LF || b === CR || b === NUL || b === SP || b === TAB;

export class SyslogFrameSplitter {
  private state: State = { s: "start" };
  private readonly max: number;

  constructor(options: FrameSplitterOptions = {}) {
    this.max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Frames completed (and frames dropped) by this chunk, in stream order. */
  push(chunk: Uint8Array): FrameEvent[] {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: FrameEvent[] = [];
    let i = 0;
    while (i < buf.length) {
      const st = this.state;
      switch (st.s) {
        case "start": {
          while (i < buf.length && isSeparator(buf[i]!)) i++;
          if (i >= buf.length) break;
          const b = buf[i]!;
          if (b >= 0x31 && b <= 0x39) this.state = { s: "len", value: 0, count: 0, digits: [] };
          else this.state = { s: "line", parts: [], size: 0 };
          break;
        }
        case "len": {
          while (i < buf.length && isDigit(buf[i]!) && st.count < MAX_LEN_DIGITS) {
            st.value = st.value * 10 + (buf[i]! - 0x30);
            st.digits.push(buf[i]!);
            st.count++;
            i++;
          }
          if (i >= buf.length) break;
          if (buf[i] === SP) {
            i++;
            this.state = { s: "checkLt", value: st.value };
          } else {
            // Not a length (letters, or too many digits): the digits start a line.
            this.state = { s: "line", parts: [Buffer.from(st.digits)], size: st.count };
          }
          break;
        }
        case "checkLt": {
          if (buf[i] === LT) {
            if (st.value > this.max) {
              out.push({ type: "drop", reason: "oversize" });
              this.state = { s: "skip", remaining: st.value };
            } else {
              this.state = { s: "body", remaining: st.value, parts: [] };
            }
          } else {
            out.push({ type: "drop", reason: "bad_octet_count" });
            this.state = { s: "resync", run: 0, digits: 0, value: 0 };
          }
          break;
        }
        case "body": {
          const take = Math.min(st.remaining, buf.length - i);
          st.parts.push(buf.subarray(i, i + take));
          st.remaining -= take;
          i += take;
          if (st.remaining === 0) {
            const frame = st.parts.length === 1 ? st.parts[0]! : Buffer.concat(st.parts);
            out.push({ type: "frame", frame, framing: "octet-counting" });
            this.state = { s: "start" };
          }
          break;
        }
        case "skip": {
          const take = Math.min(st.remaining, buf.length - i);
          st.remaining -= take;
          i += take;
          if (st.remaining === 0) this.state = { s: "start" };
          break;
        }
        case "line": {
          let end = i;
          while (end < buf.length && buf[end] !== LF && buf[end] !== NUL) end++;
          st.parts.push(buf.subarray(i, end));
          st.size += end - i;
          if (end < buf.length) {
            i = end + 1;
            this.state = { s: "start" };
            const line = finishLine(st.parts);
            out.push(line.length > this.max ? { type: "drop", reason: "oversize" } : { type: "frame", frame: line, framing: "non-transparent" });
          } else {
            i = end;
            // One byte of slack for a CR that the terminator may still follow.
            if (st.size > this.max + 1) {
              out.push({ type: "drop", reason: "oversize" });
              this.state = { s: "lineDiscard" };
            }
          }
          break;
        }
        case "lineDiscard": {
          while (i < buf.length && buf[i] !== LF && buf[i] !== NUL) i++;
          if (i < buf.length) {
            i++;
            this.state = { s: "start" };
          }
          break;
        }
        case "resync": {
          // Discard until a terminator, or until "digits SP <" where the digits follow a non-digit.
          // run: 0 = outside a digit run, 1 = in a usable run, 2 = run followed by SP, 3 = in an unusable run.
          while (i < buf.length) {
            const b = buf[i]!;
            if (b === LF || b === NUL) {
              i++;
              this.state = { s: "start" };
              break;
            }
            if (st.run === 2 && b === LT) {
              if (st.value > this.max) {
                out.push({ type: "drop", reason: "oversize" });
                this.state = { s: "skip", remaining: st.value };
              } else {
                this.state = { s: "body", remaining: st.value, parts: [] };
              }
              break;
            }
            if (isDigit(b)) {
              if ((st.run === 0 || st.run === 2) && b !== 0x30) {
                st.run = 1;
                st.digits = 1;
                st.value = b - 0x30;
              } else if (st.run === 1 && st.digits < MAX_LEN_DIGITS) {
                st.digits++;
                st.value = st.value * 10 + (b - 0x30);
              } else {
                st.run = 3;
              }
            } else if (b === SP && st.run === 1) {
              st.run = 2;
            } else {
              st.run = 0;
            }
            i++;
          }
          break;
        }
      }
    }
    return out;
  }

  /** The connection closed: a last line without terminator is still a message. */
  end(): FrameEvent[] {
    const st = this.state;
    this.state = { s: "start" };
    if (st.s === "line" && st.size > 0) {
      return [{ type: "frame", frame: finishLine(st.parts), framing: "non-transparent" }];
    }
    // (An oversize frame cut short was already reported as "oversize".)
    if (st.s === "len" || st.s === "checkLt" || st.s === "body") return [{ type: "drop", reason: "truncated" }];
    return [];
  }
}

function finishLine(parts: Buffer[]): Buffer {
  let line = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, -1);
  return line;
}
