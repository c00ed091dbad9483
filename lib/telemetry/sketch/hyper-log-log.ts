// Distinct counting in bounded memory: exact (a set of up to 64 hashes) while the count is small,
// which is the common case, then HyperLogLog with p = 8 (256 bytes, about 6.5% standard error). A device-minute keeps two of these
// (peers, destination ports) so 50,000 busy hosts cost ~25 MB instead of unbounded sets.
const P = 8;
const M = 1 << P;
const ALPHA = 0.7213 / (1 + 1.079 / M);

import { hashInt, hashString } from "../../hash";

const EXACT_LIMIT = 64;

// Most device-minutes see a handful of peers: they keep a small array of hashes (a few dozen bytes)
// and only the busy ones pay for registers.
export class HyperLogLog {
  private registers: Uint8Array | null = null;
  private exact: number[] | null = [];

  addHash(hash: number): void {
    if (this.exact) {
      if (this.exact.includes(hash)) return;
      this.exact.push(hash);
      if (this.exact.length <= EXACT_LIMIT) return;
      const hashes = this.exact;
      this.exact = null;
      this.registers = new Uint8Array(M);
      for (const h of hashes) this.addRegister(h);
      return;
    }
    this.addRegister(hash);
  }

  private addRegister(hash: number): void {
    const registers = this.registers!;
    const index = hash >>> (32 - P);
    const rest = (hash << P) >>> 0;
    // rank = position of the first 1 bit in the remaining 24 bits (1-based), capped
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    if (rank > registers[index]!) registers[index] = rank;
  }

  add(value: string): void {
    this.addHash(hashString(value));
  }

  addInt(value: number): void {
    this.addHash(hashInt(value));
  }

  estimate(): number {
    if (this.exact) return this.exact.length;
    const registers = this.registers!;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      const r = registers[i]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const raw = (ALPHA * M * M) / sum;
    if (raw <= 2.5 * M && zeros > 0) return Math.round(M * Math.log(M / zeros));
    return Math.round(raw);
  }
}
