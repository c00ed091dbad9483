// IPFIX (RFC 7011) message decoder. Header: version 10, message length, export time (s), sequence
// (data records sent before this message), observation domain id; then sets: 2 = templates,
// 3 = options templates, >= 256 = data. Supports enterprise-specific field specifiers (skipped by
// length), variable-length fields (1-byte or 255 + 2-byte length prefix), template withdrawal
// (field count 0; template id 2/3 withdraws all). Never throws: malformed parts are counted in
// `drops` and skipped, and valid sets around them are still decoded.
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import type { FieldSpec } from "./compile-template";
import { copyBytes } from "./copy-bytes";
import { decodeDataSet, type RecordContext } from "./decode-data-set";
import { DropTally } from "./drop-tally";
import type { FlowDecodeResult } from "./flow-decode-result";
import { installTemplate } from "./install-template";
import { EXPIRED, type TemplateCache } from "./template-cache";

const HEADER = 16;
const TEMPLATE_SET = 2;
const OPTIONS_TEMPLATE_SET = 3;

export function decodeIpfix(bytes: Uint8Array, exporter: string, now: number, cache: TemplateCache): FlowDecodeResult {
  const tally = new DropTally();
  const records: FlowRecord[] = [];
  if (bytes.length < HEADER) {
    const v = bytes.length >= 2 ? (bytes[0]! << 8) | bytes[1]! : -1;
    tally.add(v === -1 || v === 10 ? "truncated" : "bad_version");
    return { version: v === 10 ? 10 : null, records, drops: tally.toArray() };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 10) {
    tally.add("bad_version");
    return { version: null, records, drops: tally.toArray() };
  }
  const messageLength = view.getUint16(2);
  const exportMs = view.getUint32(4) * 1000;
  const sequence = view.getUint32(8);
  const domainId = view.getUint32(12);
  if (messageLength < HEADER) {
    tally.add("truncated");
    return { version: 10, records, drops: tally.toArray() };
  }
  let end = messageLength;
  const cutMessage = messageLength > bytes.length;
  if (cutMessage) {
    tally.add("truncated");
    end = bytes.length;
  }
  let ctx: RecordContext | undefined; // built on the first data set
  let dataRecords = 0;
  let exact = true;

  let off = HEADER;
  while (end - off >= 4) {
    const setId = view.getUint16(off);
    let setLen = view.getUint16(off + 2);
    if (setLen < 4) {
      tally.add("truncated");
      exact = false;
      break;
    }
    const clamped = setLen > end - off;
    if (clamped) {
      if (!cutMessage) tally.add("truncated"); // one cut, counted once
      exact = false;
      setLen = end - off;
    }
    const bodyStart = off + 4;
    const setEnd = off + setLen;
    if (setId === TEMPLATE_SET || setId === OPTIONS_TEMPLATE_SET) {
      // Records released from held sets belong to earlier messages (already marked inexact): not counted here.
      parseTemplates(
        bytes,
        view,
        bodyStart,
        setEnd,
        setId === OPTIONS_TEMPLATE_SET,
        exporter,
        domainId,
        now,
        cache,
        tally,
        records,
      );
    } else if (setId >= 256) {
      const template = cache.lookup(exporter, domainId, setId, now);
      if (template !== undefined && template !== EXPIRED) {
        ctx ??= {
          version: 10,
          exporter,
          exportMs,
          uptimeRef: -1,
          domain: cache.domainState(exporter, domainId, tally),
        };
        dataRecords += decodeDataSet(bytes, view, bodyStart, setEnd, template, ctx, records, tally, !clamped);
      } else if (setEnd > bodyStart) {
        exact = false; // how many records the set holds is unknown until its template arrives
        cache.hold(
          exporter,
          {
            version: 10,
            domain: domainId,
            templateId: setId,
            body: copyBytes(bytes, bodyStart, setEnd),
            receivedAt: now,
            exportMs,
            uptimeRef: -1,
            expired: template === EXPIRED,
            cut: clamped,
          },
          now,
          tally,
        );
      }
    }
    // set ids 0, 1 (NetFlow v9's) and 4..255 are not IPFIX sets: skipped by length
    off = setEnd;
  }
  return {
    version: 10,
    records,
    drops: tally.toArray(),
    sequence: { domain: domainId, value: sequence, count: dataRecords, exact },
  };
}

/** Parses a (options) template set; returns the data records decoded from held sets it released. */
function parseTemplates(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  options: boolean,
  exporter: string,
  domainId: number,
  now: number,
  cache: TemplateCache,
  tally: DropTally,
  out: FlowRecord[],
): number {
  const headerLen = options ? 6 : 4;
  let released = 0;
  let off = start;
  while (end - off >= 4) {
    const templateId = view.getUint16(off);
    const fieldCount = view.getUint16(off + 2);
    if (fieldCount === 0) {
      if (templateId === 0) return released; // padding
      // Template withdrawal (RFC 7011 §8.1): id 2 / 3 withdraws every (options) template of the domain.
      if (templateId === (options ? OPTIONS_TEMPLATE_SET : TEMPLATE_SET)) cache.withdrawAll(exporter, domainId, options);
      else if (templateId >= 256) cache.withdraw(exporter, domainId, templateId);
      else tally.add("bad_template");
      off += 4;
      continue;
    }
    if (end - off < headerLen) {
      tally.add("bad_template");
      return released;
    }
    const scopeCount = options ? view.getUint16(off + 4) : 0;
    // Walk the field specifiers (4 bytes, 8 with the enterprise bit) without trusting fieldCount.
    const fields: FieldSpec[] = [];
    let p = off + headerLen;
    let overrun = false;
    for (let i = 0; i < fieldCount; i++) {
      if (end - p < 4) {
        overrun = true;
        break;
      }
      const rawId = view.getUint16(p);
      const length = view.getUint16(p + 2);
      if (rawId & 0x8000) {
        if (end - p < 8) {
          overrun = true;
          break;
        }
        fields.push({ id: rawId & 0x7fff, length, enterprise: true });
        p += 8;
      } else {
        fields.push({ id: rawId, length, enterprise: false });
        p += 4;
      }
    }
    if (overrun) {
      tally.add("bad_template"); // the field count overruns the set: nothing after it can be trusted
      return released;
    }
    if (templateId < 256 || (options && (scopeCount === 0 || scopeCount > fieldCount))) {
      tally.add("bad_template");
      off = p;
      continue;
    }
    released += installTemplate(
      cache,
      { version: 10, exporter, domain: domainId, templateId, fields, options, rawStart: off, rawEnd: p },
      bytes,
      now,
      tally,
      out,
    );
    off = p;
  }
  return released;
}
