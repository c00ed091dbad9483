// Hostile flow exports for the flood tests and `npm run bench:hostile`: datagrams a single host on
// the network can send to the collector's port. Built with the real encoders where one exists, and
// raw v9 framing for template floods (no encoder emits thousands of distinct templates).
import dgram from "node:dgram";
import { DatagramWriter } from "@/lib/telemetry/netflow/datagram-writer";
import { encodeNetflowV5 } from "@/lib/telemetry/netflow/encode-netflow-v5";
import type { FlowExportRecord } from "@/lib/telemetry/netflow/flow-export-record";

/** The export clock of the datagrams that grew the worker to 1.3 GB (issue 11). */
export const YEAR_2096_MS = Date.parse("2096-03-01T00:00:00Z");

/** A flow between two internal hosts that ended at `endMs`. */
function flow(i: number, endMs: number, src = `10.77.${(i >> 8) & 255}.${i & 255}`): FlowExportRecord {
  return {
    srcAddr: src,
    dstAddr: `10.78.${(i * 7) & 255}.${(i * 13) & 255}`,
    srcPort: 1024 + (i % 60_000),
    dstPort: 443,
    protocol: 6,
    bytes: 1500,
    packets: 3,
    startMs: endMs - 5_000,
    endMs,
    tcpFlags: 0x1b,
  };
}

/**
 * `count` v5 datagrams of 30 records each whose export clock says `exportMs` (default 2096); each
 * datagram's records end in a different minute, so a rollup that believed them would open a new
 * device-minute for every record.
 */
export function futureDatedV5(count: number, exportMs = YEAR_2096_MS): Buffer[] {
  const out: Buffer[] = [];
  for (let d = 0; d < count; d++) {
    const records = Array.from({ length: 30 }, (_, k) => flow(d * 30 + k, exportMs - 1000 + d * 60_000));
    out.push(...encodeNetflowV5(records, { exportMs: exportMs + d * 60_000, sequence: d * 30 }).datagrams);
  }
  return out;
}

/** v5 datagrams with recent times whose source addresses are `hosts` distinct internal hosts. */
export function spoofedHostsV5(hosts: number, nowMs: number, firstOctets = "10.200"): Buffer[] {
  const records = Array.from({ length: hosts }, (_, i) => flow(i, nowMs - 2_000, `${firstOctets}.${(i >> 8) & 255}.${i & 255}`));
  return encodeNetflowV5(records, { exportMs: nowMs }).datagrams;
}

/**
 * v9 datagrams defining `templates` distinct templates (ids 256...) of 8 fields each, ~40 per
 * datagram: what a forged exporter sends to fill the template cache.
 */
export function v9TemplateFlood(templates: number, sourceId: number, nowMs: number): Buffer[] {
  const FIELDS: [number, number][] = [[8, 4], [12, 4], [7, 2], [11, 2], [4, 1], [1, 4], [2, 4], [21, 4]];
  const perDatagram = 38;
  const out: Buffer[] = [];
  for (let first = 0; first < templates; first += perDatagram) {
    const n = Math.min(perDatagram, templates - first);
    const setLength = 4 + n * (4 + FIELDS.length * 4);
    const w = new DatagramWriter(20 + setLength);
    w.u16(9);
    w.u16(n);
    w.u32(3_600_000);
    w.u32(Math.floor(nowMs / 1000));
    w.u32(first / perDatagram);
    w.u32(sourceId);
    w.u16(0); // template flowset
    w.u16(setLength);
    for (let t = 0; t < n; t++) {
      w.u16(256 + ((first + t) % 65_280));
      w.u16(FIELDS.length);
      for (const [type, length] of FIELDS) {
        w.u16(type);
        w.u16(length);
      }
    }
    out.push(w.finish());
  }
  return out;
}

/**
 * v9 data flowsets for templates nobody defined (`count` datagrams, ids 256... cycling): each is
 * held waiting for its template until the pending budget or timeout drops it.
 */
export function v9UnknownTemplateData(count: number, sourceId: number, nowMs: number, bodyBytes = 1000): Buffer[] {
  const out: Buffer[] = [];
  for (let d = 0; d < count; d++) {
    const w = new DatagramWriter(20 + 4 + bodyBytes);
    w.u16(9);
    w.u16(1);
    w.u32(3_600_000);
    w.u32(Math.floor(nowMs / 1000));
    w.u32(d);
    w.u32(sourceId);
    w.u16(256 + (d % 1000));
    w.u16(4 + bodyBytes);
    w.bytes(new Uint8Array(bodyBytes));
    out.push(w.finish());
  }
  return out;
}

/**
 * Sends datagrams from a given loopback address (any of 127.0.0.0/8 works on Linux, so each
 * forged exporter gets its own source address), pausing every `burst` datagrams so the kernel's
 * receive buffer is not what drops them.
 */
export async function sendFrom(from: string, port: number, datagrams: readonly Buffer[], host = "127.0.0.1", burst = 200): Promise<void> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, from, () => resolve());
  });
  try {
    for (let i = 0; i < datagrams.length; i++) {
      await new Promise<void>((resolve, reject) => socket.send(datagrams[i]!, port, host, (err) => (err ? reject(err) : resolve())));
      if (i % burst === burst - 1) await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

/** The n-th forged exporter's source address (127.1.0.0, 127.1.0.1, ...). */
export const forgedExporter = (n: number) => `127.1.${(n >> 8) & 255}.${n & 255}`;
