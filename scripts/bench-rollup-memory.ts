// Memory of flow ingestion with many distinct hosts: decodes real NetFlow v9 datagrams for N internal
// hosts (each talking to its own peers), rolls them up per device-minute for several minutes as the
// worker does, and reports the process RSS and heap. A benchmark, not a test:
//   node --import tsx scripts/bench-rollup-memory.ts [--hosts 50000] [--minutes 3]
import { parseArgs } from "node:util";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import { FlowRollup } from "@/lib/telemetry/flow-rollup";
import { decodeFlowDatagram } from "@/lib/telemetry/netflow/decode-flow-datagram";
import { encodeNetflowV9 } from "@/lib/telemetry/netflow/encode-netflow-v9";
import type { FlowExportRecord } from "@/lib/telemetry/netflow/flow-export-record";
import { TemplateCache } from "@/lib/telemetry/netflow/template-cache";

const { values } = parseArgs({ options: { hosts: { type: "string", default: "50000" }, minutes: { type: "string", default: "3" } } });
const hosts = Number(values.hosts);
const minutes = Number(values.minutes);
const FLOWS_PER_HOST = 4;
const T0 = Date.parse("2026-11-17T14:00:00Z");
const mb = (n: number) => (n / 1024 / 1024).toFixed(0);

// no bucket budget: this measures what the sketches cost per device-minute (the worker caps them with FLOW_MAX_OPEN_BUCKETS)
const rollup = new FlowRollup({ isInternal: createSubnetMatcher(["10.0.0.0/8"]), maxOpenBuckets: Infinity });
const cache = new TemplateCache();
let records = 0;
let peakRss = 0;
const started = performance.now();
for (let m = 0; m < minutes; m++) {
  const minute = T0 + m * 60_000;
  for (let h0 = 0; h0 < hosts; h0 += 1000) {
    const batch: FlowExportRecord[] = [];
    for (let h = h0; h < Math.min(h0 + 1000, hosts); h++) {
      for (let k = 0; k < FLOWS_PER_HOST; k++) {
        batch.push({
          srcAddr: `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`,
          dstAddr: `198.51.${(h * 7 + k) % 250}.${(h + k * 13) % 250 + 1}`,
          srcPort: 40000 + k,
          dstPort: [443, 80, 53, 22][k]!,
          protocol: 6,
          bytes: 1500 * (k + 1),
          packets: k + 1,
          startMs: minute + 1000,
          endMs: minute + 50_000,
          tcpFlags: 0x02,
        });
      }
    }
    for (const datagram of encodeNetflowV9(batch, { exportMs: minute + 55_000, templates: "every" }).datagrams) {
      const result = decodeFlowDatagram(datagram, "192.0.2.1", minute + 55_000, cache);
      for (const r of result.records) rollup.add(r);
      records += result.records.length;
    }
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  // the worker flushes a minute once it is over (and the lateness allowance has passed)
  if (m > 0) rollup.flushBefore(minute);
}
const mem = process.memoryUsage();
console.log(`| distinct hosts | minutes | flow records | open device-minutes | peak RSS MB | heap used MB | seconds |`);
console.log(`|---|---|---|---|---|---|---|`);
console.log(`| ${hosts.toLocaleString("en")} | ${minutes} | ${records.toLocaleString("en")} | ${rollup.openBuckets().toLocaleString("en")} | ${mb(Math.max(peakRss, mem.rss))} | ${mb(mem.heapUsed)} | ${((performance.now() - started) / 1000).toFixed(1)} |`);
