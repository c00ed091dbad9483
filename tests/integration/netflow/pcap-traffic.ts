// Builds a pcap file (libpcap format, Ethernet link type) of TCP, UDP and ICMP conversations whose
// flow, packet and IP-layer byte totals are known, for feeding softflowd as a real exporter.
import fs from "node:fs";

export interface PcapTraffic {
  /** Unidirectional flows softflowd will export (one per direction that carried packets). */
  flows: number;
  packets: number;
  /** IP-layer bytes (IPv4 total length), what NetFlow exporters count. */
  bytes: number;
  /** Per protocol, the same totals. */
  byProtocol: Record<number, { flows: number; packets: number; bytes: number }>;
}

interface Packet {
  tsMs: number;
  frame: Buffer;
}

function ipChecksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipv4(text: string): Buffer {
  return Buffer.from(text.split(".").map(Number));
}

/** Ethernet + IPv4 + (TCP | UDP | ICMP) frame with `payload` bytes of data; returns it and its IP length. */
function frame(
  proto: 6 | 17 | 1,
  src: string,
  dst: string,
  sport: number,
  dport: number,
  payload: number,
  tcpFlags = 0,
  icmpType = 8,
): { frame: Buffer; ipLength: number } {
  const l4 = proto === 6 ? 20 : 8;
  const ipLength = 20 + l4 + payload;
  const buf = Buffer.alloc(14 + ipLength);
  Buffer.from([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1]).copy(buf, 0);
  buf.writeUInt16BE(0x0800, 12);
  const ip = 14;
  buf[ip] = 0x45;
  buf.writeUInt16BE(ipLength, ip + 2);
  buf.writeUInt16BE(0x1234, ip + 4);
  buf.writeUInt16BE(0x4000, ip + 6);
  buf[ip + 8] = 64;
  buf[ip + 9] = proto;
  ipv4(src).copy(buf, ip + 12);
  ipv4(dst).copy(buf, ip + 16);
  buf.writeUInt16BE(ipChecksum(buf.subarray(ip, ip + 20)), ip + 10);
  const t = ip + 20;
  if (proto === 6) {
    buf.writeUInt16BE(sport, t);
    buf.writeUInt16BE(dport, t + 2);
    buf.writeUInt32BE(1000, t + 4);
    buf.writeUInt32BE(tcpFlags & 0x10 ? 2000 : 0, t + 8);
    buf[t + 12] = 0x50;
    buf[t + 13] = tcpFlags;
    buf.writeUInt16BE(65535, t + 14);
  } else if (proto === 17) {
    buf.writeUInt16BE(sport, t);
    buf.writeUInt16BE(dport, t + 2);
    buf.writeUInt16BE(8 + payload, t + 4);
  } else {
    buf[t] = icmpType;
    buf[t + 1] = 0;
    buf.writeUInt16BE(sport, t + 4); // identifier
    buf.writeUInt16BE(1, t + 6); // sequence
  }
  return { frame: buf, ipLength };
}

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;

/**
 * Writes `file` and returns the totals. `tcp` conversations (both directions), `udp` one-way flows,
 * `icmp` echo request/reply pairs; sizes vary deterministically. Timestamps start at `startMs`.
 */
export function writeTrafficPcap(file: string, options: { startMs: number; tcp: number; udp: number; icmp: number }): PcapTraffic {
  const packets: Packet[] = [];
  const byProtocol: PcapTraffic["byProtocol"] = {};
  let ts = options.startMs;
  const add = (proto: number, f: { frame: Buffer; ipLength: number }) => {
    packets.push({ tsMs: ts, frame: f.frame });
    ts += 3;
    const p = (byProtocol[proto] ??= { flows: 0, packets: 0, bytes: 0 });
    p.packets++;
    p.bytes += f.ipLength;
  };
  const flow = (proto: number) => {
    (byProtocol[proto] ??= { flows: 0, packets: 0, bytes: 0 }).flows++;
  };

  for (let i = 0; i < options.tcp; i++) {
    const client = `10.1.${i >> 8}.${(i & 255) + 1}`;
    const server = `10.2.0.${(i % 50) + 1}`;
    const cport = 40000 + i;
    const sport = i % 2 === 0 ? 80 : 443;
    add(6, frame(6, client, server, cport, sport, 0, SYN));
    add(6, frame(6, server, client, sport, cport, 0, SYN | ACK));
    add(6, frame(6, client, server, cport, sport, 0, ACK));
    const exchanges = 1 + (i % 5);
    for (let k = 0; k < exchanges; k++) {
      add(6, frame(6, client, server, cport, sport, 100 + ((i * 37 + k * 11) % 400), PSH | ACK));
      add(6, frame(6, server, client, sport, cport, 500 + ((i * 53 + k * 29) % 900), PSH | ACK));
    }
    add(6, frame(6, client, server, cport, sport, 0, FIN | ACK));
    add(6, frame(6, server, client, sport, cport, 0, FIN | ACK));
    add(6, frame(6, client, server, cport, sport, 0, ACK));
    flow(6);
    flow(6);
  }
  for (let i = 0; i < options.udp; i++) {
    const src = `10.3.0.${(i % 200) + 1}`;
    const n = 1 + (i % 7);
    for (let k = 0; k < n; k++) add(17, frame(17, src, "10.4.0.1", 5000 + i, 53, 20 + ((i * 13 + k * 7) % 300)));
    flow(17);
  }
  for (let i = 0; i < options.icmp; i++) {
    const host = `10.5.0.${i + 1}`;
    const n = 1 + (i % 3);
    for (let k = 0; k < n; k++) {
      add(1, frame(1, "10.6.0.1", host, 100 + i, 0, 56, 0, 8));
      add(1, frame(1, host, "10.6.0.1", 100 + i, 0, 56, 0, 0));
    }
    flow(1);
    flow(1);
  }

  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeInt32LE(0, 8);
  header.writeUInt32LE(0, 12);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const parts: Buffer[] = [header];
  for (const p of packets) {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(p.tsMs / 1000), 0);
    rec.writeUInt32LE((p.tsMs % 1000) * 1000, 4);
    rec.writeUInt32LE(p.frame.length, 8);
    rec.writeUInt32LE(p.frame.length, 12);
    parts.push(rec, p.frame);
  }
  fs.writeFileSync(file, Buffer.concat(parts));
  let flows = 0;
  let total = 0;
  let bytes = 0;
  for (const p of Object.values(byProtocol)) {
    flows += p.flows;
    total += p.packets;
    bytes += p.bytes;
  }
  return { flows, packets: total, bytes, byProtocol };
}
