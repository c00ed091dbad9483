// Entry point for one UDP payload from a flow exporter: dispatches on the version field to the
// NetFlow v5, v9 or IPFIX decoder. Pure apart from the template cache it is given; time comes in as
// `now` (epoch ms, used for template refresh/expiry and held data sets, never for record times).
import { decodeIpfix } from "./decode-ipfix";
import { decodeNetflowV5 } from "./decode-netflow-v5";
import { decodeNetflowV9 } from "./decode-netflow-v9";
import type { FlowDecodeResult } from "./flow-decode-result";
import type { TemplateCache } from "./template-cache";

export function decodeFlowDatagram(bytes: Uint8Array, exporter: string, now: number, cache: TemplateCache): FlowDecodeResult {
  if (bytes.length < 2) return { version: null, records: [], drops: [{ reason: "truncated", count: 1 }] };
  const version = (bytes[0]! << 8) | bytes[1]!;
  switch (version) {
    case 5:
      return decodeNetflowV5(bytes, exporter);
    case 9:
      return decodeNetflowV9(bytes, exporter, now, cache);
    case 10:
      return decodeIpfix(bytes, exporter, now, cache);
    default:
      return { version: null, records: [], drops: [{ reason: "bad_version", count: 1 }] };
  }
}
