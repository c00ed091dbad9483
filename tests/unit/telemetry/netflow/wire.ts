// Test-only byte builders, deliberately independent of lib/telemetry/netflow's encoders so a bug
// shared by an encoder and its decoder cannot hide: annotated hex, and v9/IPFIX set/packet framing.

/** Hex with whitespace and `#` comments (to the end of the line) ignored. */
export function hex(text: string): Buffer {
  const clean = text.replace(/#[^\n]*/g, "").replace(/\s+/g, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`bad hex fixture: ${clean}`);
  return Buffer.from(clean, "hex");
}

export function u8(v: number): Buffer {
  return Buffer.from([v & 0xff]);
}

export function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v & 0xffff);
  return b;
}

export function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

export function u64(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  return b;
}

export function ip4(text: string): Buffer {
  return Buffer.from(text.split(".").map(Number));
}

export const cat = (...parts: Buffer[]) => Buffer.concat(parts);

/** A v9 flowset or IPFIX set: id, length, body (v9 pads to 4 bytes when `pad`). */
export function set(id: number, body: Buffer, pad = false): Buffer {
  const padding = pad ? (4 - ((body.length + 4) % 4)) % 4 : 0;
  return cat(u16(id), u16(4 + body.length + padding), body, Buffer.alloc(padding));
}

/** A v9 template record: id + [type, length] pairs. */
export function v9Template(id: number, fields: [number, number][]): Buffer {
  return cat(u16(id), u16(fields.length), ...fields.map(([t, l]) => cat(u16(t), u16(l))));
}

export function v9Packet(
  header: { sysUptime: number; unixSecs: number; sequence: number; sourceId: number; count?: number },
  ...sets: Buffer[]
): Buffer {
  return cat(
    u16(9),
    u16(header.count ?? sets.length),
    u32(header.sysUptime),
    u32(header.unixSecs),
    u32(header.sequence),
    u32(header.sourceId),
    ...sets,
  );
}

/** An IPFIX field specifier: [id, length] or [id, length, enterprise number]. */
export type Spec = [number, number] | [number, number, number];

function spec([id, length, pen]: Spec): Buffer {
  return pen === undefined ? cat(u16(id), u16(length)) : cat(u16(id | 0x8000), u16(length), u32(pen));
}

export function ipfixTemplate(id: number, fields: Spec[]): Buffer {
  return cat(u16(id), u16(fields.length), ...fields.map(spec));
}

export function ipfixOptionsTemplate(id: number, scopeCount: number, fields: Spec[]): Buffer {
  return cat(u16(id), u16(fields.length), u16(scopeCount), ...fields.map(spec));
}

export function ipfixMessage(header: { exportSecs: number; sequence: number; domain: number; length?: number }, ...sets: Buffer[]): Buffer {
  const body = cat(...sets);
  return cat(u16(10), u16(header.length ?? 16 + body.length), u32(header.exportSecs), u32(header.sequence), u32(header.domain), body);
}

/** IPFIX variable-length encoding of `data` (1-byte length, or 255 + 2-byte length). */
export function varlen(data: Buffer, forceLong = false): Buffer {
  return data.length < 255 && !forceLong ? cat(u8(data.length), data) : cat(u8(255), u16(data.length), data);
}
