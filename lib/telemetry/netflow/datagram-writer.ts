// Big-endian byte writer for the encoders: one fixed-size scratch buffer per datagram, finished into
// an exact-length Buffer.
export class DatagramWriter {
  readonly buf: Buffer;
  off = 0;

  constructor(size: number) {
    this.buf = Buffer.alloc(size);
  }

  get remaining(): number {
    return this.buf.length - this.off;
  }

  u8(v: number): void {
    this.buf[this.off++] = v & 0xff;
  }

  u16(v: number): void {
    this.buf.writeUInt16BE(v & 0xffff, this.off);
    this.off += 2;
  }

  u32(v: number): void {
    this.buf.writeUInt32BE(v >>> 0, this.off);
    this.off += 4;
  }

  /** Unsigned 64-bit from a non-negative number (exact below 2^53). */
  u64(v: number): void {
    const n = Math.max(0, Math.floor(v));
    this.u32(Math.floor(n / 4294967296));
    this.u32(n % 4294967296);
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.off);
    this.off += b.length;
  }

  /** Writes a 16-bit value at an earlier position (lengths and counts known only at the end). */
  patch16(at: number, v: number): void {
    this.buf.writeUInt16BE(v & 0xffff, at);
  }

  pad(to: number): void {
    while (this.off % to !== 0) this.buf[this.off++] = 0;
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.off));
  }
}

/** Unsigned counter clamped to 32 bits (v5 and v9 templates carry 32-bit counters). */
export function clampU32(v: number): number {
  return v <= 0 ? 0 : v >= 4294967295 ? 4294967295 : Math.floor(v);
}
