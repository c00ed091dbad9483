// A real copy of part of a datagram (Buffer#slice would share the datagram's memory), for data sets
// held while their template is missing.
export function copyBytes(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(bytes.subarray(start, end));
  return out;
}
