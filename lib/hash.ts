// 32-bit hashing shared by the simulator (noise keys, seeds) and the telemetry sketches (distinct
// counting): FNV-1a over the text, then MurmurHash3's finaliser so the low bits are well mixed.

export function finalizeHash32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return finalizeHash32(h);
}

export function hashInt(n: number): number {
  return finalizeHash32(Math.imul(n | 0, 0x9e3779b1) ^ (n / 0x100000000));
}
