// Shared by the v9 and IPFIX decoders: store a template record (a refresh only re-arms its timer, a
// redefinition recompiles and replaces it, an invalid one is dropped and forgets the old definition),
// then decode the data sets that were held waiting for it.
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { compileTemplate, sameTemplateBytes, type FieldSpec } from "./compile-template";
import { decodeDataSet } from "./decode-data-set";
import type { DropTally } from "./drop-tally";
import type { TemplateCache } from "./template-cache";

export interface TemplateRecord {
  version: 9 | 10;
  exporter: string;
  domain: number;
  templateId: number;
  fields: readonly FieldSpec[];
  options: boolean;
  /** The template record's extent in `bytes`. */
  rawStart: number;
  rawEnd: number;
}

/** Returns the number of data records decoded from held sets. */
export function installTemplate(
  cache: TemplateCache,
  rec: TemplateRecord,
  bytes: Uint8Array,
  now: number,
  tally: DropTally,
  out: FlowRecord[],
): number {
  const existing = cache.peek(rec.exporter, rec.domain, rec.templateId);
  if (existing && existing.options === rec.options && sameTemplateBytes(existing, bytes, rec.rawStart, rec.rawEnd)) {
    cache.touch(rec.exporter, rec.domain, rec.templateId, now);
    return 0;
  }
  if (!existing && !cache.hasRoom(rec.exporter, rec.domain, rec.templateId)) {
    // refused before compiling: a flood of new ids from one exporter costs no CPU or garbage
    tally.add("template_overflow");
    return 0;
  }
  const compiled = compileTemplate(
    rec.templateId,
    rec.fields,
    rec.options,
    bytes.subarray(rec.rawStart, rec.rawEnd),
    rec.version === 10,
  );
  if (!compiled.ok) {
    tally.add("bad_template");
    if (existing) cache.withdraw(rec.exporter, rec.domain, rec.templateId);
    return 0;
  }
  const template = compiled.template;
  if (!cache.define(rec.exporter, rec.domain, template, now, tally)) return 0;
  if (template.badFieldCount > 0) tally.add("bad_field_length", template.badFieldCount);
  const held = cache.takePending(rec.exporter, rec.domain, rec.templateId, rec.version);
  if (held.length === 0) return 0;
  const domain = cache.domainState(rec.exporter, rec.domain, tally);
  let decoded = 0;
  for (const p of held) {
    const view = new DataView(p.body.buffer, p.body.byteOffset, p.body.byteLength);
    decoded += decodeDataSet(
      p.body,
      view,
      0,
      p.body.length,
      template,
      { version: p.version, exporter: rec.exporter, exportMs: p.exportMs, uptimeRef: p.uptimeRef, domain },
      out,
      tally,
      !p.cut,
    );
  }
  return decoded;
}
