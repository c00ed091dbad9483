// FlowRollup.add alone on a fixed synthetic flow set (a partial figure: no decoding, storage or
// detection; `npm run bench:ingest` measures the whole path). Prints flows/s and a digest of everything
// the rollup produced (flushed device-minutes, counters, recent flows), so a change meant to be
// output-identical can be checked by comparing digests before and after. A benchmark, not a test:
//   node --import tsx scripts/bench-rollup-add.ts [--flows 2000000] [--repeat 3] [--dump out.json]
import { createHash } from "node:crypto";
import fs from "node:fs";
import { parseArgs } from "node:util";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { FlowRollup, type DeviceMinuteFlows } from "@/lib/telemetry/flow-rollup";

const { values } = parseArgs({
  options: { flows: { type: "string", default: "2000000" }, repeat: { type: "string", default: "3" }, dump: { type: "string" } },
});
const total = Number(values.flows);
const T0 = Date.parse("2026-11-17T14:00:00Z");
const MINUTES = 4;
const HOSTS = 1000;
const EXPORTERS = ["192.0.2.1", "192.0.2.2", "10.255.0.1"];

// A fixed pseudo-random stream (xorshift), so every run sees the same flows in the same order.
function synthetic(n: number): FlowRecord[] {
  let s = 0x9e3779b9;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  // one string instance per address, as the decoders hand out (lib/telemetry/netflow/ip-address.ts)
  const interned = new Map<string, string>();
  const intern = (text: string) => interned.get(text) ?? (interned.set(text, text), text);
  const host = (i: number) => intern(`10.1.${(i >> 8) & 255}.${i & 255}`);
  const out: FlowRecord[] = [];
  for (let i = 0; i < n; i++) {
    const minute = T0 + Math.floor((i / n) * MINUTES) * 60_000;
    const kind = rnd();
    const h = Math.floor(rnd() * HOSTS);
    // 80 % inside → outside (most to a few popular peers), 10 % outside → inside, 10 % inside → inside
    const external = intern(`198.51.${Math.floor(rnd() < 0.5 ? rnd() * 4 : rnd() * 256)}.${Math.floor(rnd() * 256)}`);
    const [srcAddr, dstAddr] = kind < 0.8 ? [host(h), external] : kind < 0.9 ? [external, host(h)] : [host(h), host(Math.floor(rnd() * HOSTS))];
    // a fifth of the flows straddle the minute boundary before their end
    const straddle = rnd() < 0.2;
    const endMs = minute + 1_000 + Math.floor(rnd() * 58_000);
    const startMs = straddle ? minute - 5_000 : endMs - Math.floor(rnd() * (endMs - minute));
    const tcp = rnd() < 0.8;
    out.push({
      exporter: EXPORTERS[i % EXPORTERS.length]!,
      srcAddr,
      dstAddr,
      srcPort: rnd() < 0.5 ? 1024 + Math.floor(rnd() * 60_000) : [443, 80, 22, 445][Math.floor(rnd() * 4)]!,
      dstPort: rnd() < 0.7 ? [443, 80, 53, 22, 3389, 445, 3333][Math.floor(rnd() * 7)]! : Math.floor(rnd() * 65_536),
      protocol: tcp ? 6 : rnd() < 0.9 ? 17 : 1,
      bytes: 40 + Math.floor(rnd() * 150_000),
      packets: 1 + Math.floor(rnd() * 100),
      startMs,
      endMs,
      tcpFlags: tcp ? (rnd() < 0.3 ? 0x02 : 0x1b) : 0,
      inputIf: 1,
      outputIf: 2,
      samplingRate: 1,
    });
  }
  return out;
}

function run(flows: readonly FlowRecord[]): { ms: number; out: DeviceMinuteFlows[]; rollup: FlowRollup } {
  const rollup = new FlowRollup({ isInternal: createSubnetMatcher(["10.0.0.0/8"]), watchDstPorts: [3333] });
  const out: DeviceMinuteFlows[] = [];
  const t0 = performance.now();
  let nextFlush = T0 + 60_000;
  for (const f of flows) {
    // as the worker does: flush once the stream has moved on past a minute (here: by its flows' times)
    if (f.endMs >= nextFlush + 30_000) {
      out.push(...rollup.flushBefore(nextFlush));
      nextFlush += 60_000;
    }
    rollup.add(f);
  }
  out.push(...rollup.flushBefore(Infinity));
  return { ms: performance.now() - t0, out, rollup };
}

const flows = synthetic(total);
let best = Infinity;
let digest = "";
for (let r = 0; r < Number(values.repeat); r++) {
  const { ms, out, rollup } = run(flows);
  best = Math.min(best, ms);
  const recent = [0, 1, 7, 500, 999].map((i) => rollup.recentFlows(`10.1.${(i >> 8) & 255}.${i & 255}`));
  const everything = { out, recent, exporters: EXPORTERS.map((e) => rollup.recentFlows(e)), late: rollup.lateFlows, budget: rollup.budgetDroppedFlows, future: rollup.futureFlows };
  const json = JSON.stringify(everything);
  digest = createHash("sha256").update(json).digest("hex").slice(0, 16);
  if (values.dump && r === 0) fs.writeFileSync(values.dump, json);
  process.stderr.write(`run ${r + 1}: ${(total / (ms / 1000) / 1000).toFixed(0)}k flows/s (${out.length} device-minutes)\n`);
}
console.log(
  `FlowRollup.add alone (partial: no decode, storage or detection), ${total.toLocaleString("en")} fixed synthetic flows ` +
    `(${HOSTS} hosts, ${EXPORTERS.length} exporters, 20 % straddling a minute), Node ${process.version}: ` +
    `best of ${values.repeat} ${(total / (best / 1000) / 1000).toFixed(0)}k flows/s; output digest ${digest}`,
);
