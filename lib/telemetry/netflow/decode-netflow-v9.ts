// NetFlow v9 (RFC 3954) datagram decoder. Header: version, count, sysUptime, unix secs, sequence
// (export packets), source id; then flowsets: 0 = templates, 1 = options templates, >= 256 = data.
// The header's count is advisory (exporters disagree on it) and not relied upon: flowsets are walked
// by their lengths. Never throws: malformed parts are counted in `drops` and skipped, and valid
// flowsets around them are still decoded.
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import type { FieldSpec } from "./compile-template";
import { decodeDataSet, type RecordContext } from "./decode-data-set";
import { copyBytes } from "./copy-bytes";
import { DropTally } from "./drop-tally";
import type { FlowDecodeResult } from "./flow-decode-result";
import { installTemplate } from "./install-template";
import { EXPIRED, type TemplateCache } from "./template-cache";

const HEADER = 20;

export function decodeNetflowV9(bytes: Uint8Array, exporter: string, now: number, cache: TemplateCache): FlowDecodeResult {
  const tally = new DropTally();
  const records: FlowRecord[] = [];
  if (bytes.length < HEADER) {
    const v = bytes.length >= 2 ? (bytes[0]! << 8) | bytes[1]! : -1;
    tally.add(v === -1 || v === 9 ? "truncated" : "bad_version");
    return { version: v === 9 ? 9 : null, records, drops: tally.toArray() };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 9) {
    tally.add("bad_version");
    return { version: null, records, drops: tally.toArray() };
  }
  const sysUptime = view.getUint32(4);
  const exportMs = view.getUint32(8) * 1000;
  const sequence = view.getUint32(12);
  const sourceId = view.getUint32(16);
  let ctx: RecordContext | undefined; // built on the first data flowset

  const end = bytes.length;
  let off = HEADER;
  while (end - off >= 4) {
    const setId = view.getUint16(off);
    let setLen = view.getUint16(off + 2);
    if (setLen < 4) {
      tally.add("truncated");
      break;
    }
    const clamped = setLen > end - off;
    if (clamped) {
      tally.add("truncated");
      setLen = end - off;
    }
    const bodyStart = off + 4;
    const setEnd = off + setLen;
    if (setId === 0) {
      parseTemplates(bytes, view, bodyStart, setEnd, exporter, sourceId, now, cache, tally, records);
    } else if (setId === 1) {
      parseOptionsTemplates(bytes, view, bodyStart, setEnd, exporter, sourceId, now, cache, tally, records);
    } else if (setId >= 256) {
      const template = cache.lookup(exporter, sourceId, setId, now);
      if (template !== undefined && template !== EXPIRED) {
        ctx ??= { version: 9, exporter, exportMs, uptimeRef: sysUptime, domain: cache.domainState(exporter, sourceId, tally) };
        decodeDataSet(bytes, view, bodyStart, setEnd, template, ctx, records, tally, !clamped);
      } else if (setEnd > bodyStart) {
        cache.hold(
          exporter,
          {
            version: 9,
            domain: sourceId,
            templateId: setId,
            body: copyBytes(bytes, bodyStart, setEnd),
            receivedAt: now,
            exportMs,
            uptimeRef: sysUptime,
            expired: template === EXPIRED,
            cut: clamped,
          },
          now,
          tally,
        );
      }
    }
    // set ids 2..255 are reserved: skipped
    off = setEnd;
  }
  return {
    version: 9,
    records,
    drops: tally.toArray(),
    sequence: { domain: sourceId, value: sequence, count: 1, exact: true, uptimeMs: sysUptime },
  };
}

function parseTemplates(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  exporter: string,
  sourceId: number,
  now: number,
  cache: TemplateCache,
  tally: DropTally,
  out: FlowRecord[],
): void {
  let off = start;
  while (end - off >= 4) {
    const templateId = view.getUint16(off);
    const fieldCount = view.getUint16(off + 2);
    if (templateId === 0 && fieldCount === 0) return; // padding
    const recEnd = off + 4 + fieldCount * 4;
    if (fieldCount === 0 || recEnd > end) {
      tally.add("bad_template");
      if (recEnd > end) return; // the field count overruns the flowset: nothing after it can be trusted
      off = recEnd;
      continue;
    }
    if (templateId < 256) {
      tally.add("bad_template");
      off = recEnd;
      continue;
    }
    const fields: FieldSpec[] = new Array<FieldSpec>(fieldCount);
    for (let i = 0; i < fieldCount; i++) {
      const p = off + 4 + i * 4;
      fields[i] = { id: view.getUint16(p), length: view.getUint16(p + 2), enterprise: false };
    }
    installTemplate(
      cache,
      { version: 9, exporter, domain: sourceId, templateId, fields, options: false, rawStart: off, rawEnd: recEnd },
      bytes,
      now,
      tally,
      out,
    );
    off = recEnd;
  }
}

function parseOptionsTemplates(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  exporter: string,
  sourceId: number,
  now: number,
  cache: TemplateCache,
  tally: DropTally,
  out: FlowRecord[],
): void {
  let off = start;
  while (end - off >= 6) {
    const templateId = view.getUint16(off);
    const scopeLen = view.getUint16(off + 2);
    const optionLen = view.getUint16(off + 4);
    if (templateId === 0 && scopeLen === 0 && optionLen === 0) return; // padding
    const recEnd = off + 6 + scopeLen + optionLen;
    if (scopeLen % 4 !== 0 || optionLen % 4 !== 0 || recEnd > end) {
      tally.add("bad_template");
      return;
    }
    if (templateId < 256 || scopeLen + optionLen === 0) {
      tally.add("bad_template");
      off = recEnd;
      continue;
    }
    const scopeCount = scopeLen / 4;
    const n = scopeCount + optionLen / 4;
    const fields: FieldSpec[] = new Array<FieldSpec>(n);
    for (let i = 0; i < n; i++) {
      const p = off + 6 + i * 4;
      // v9 scope field types (system, interface, line card, cache, template) are not information
      // elements: never map them, only skip their bytes.
      fields[i] = { id: view.getUint16(p), length: view.getUint16(p + 2), enterprise: i < scopeCount };
    }
    installTemplate(
      cache,
      { version: 9, exporter, domain: sourceId, templateId, fields, options: true, rawStart: off, rawEnd: recEnd },
      bytes,
      now,
      tally,
      out,
    );
    off = recEnd;
  }
}
