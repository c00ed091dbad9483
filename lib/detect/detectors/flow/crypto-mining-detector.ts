// Crypto-mining: CPU held far above what this device usually runs at this hour AND, in the same
// minute, traffic to mining-pool Stratum ports (or to a configured mining-pool ASN). Both are needed:
// a busy backup at 3 a.m. has the CPU but no pool; a port 4444 or 5555 alone is as likely a
// developer's tool. CPU: over the last `windowMinutes`, at least `minSustainedShare` of the minutes
// (and this one) at or above the bar = max(`minCpuPct`, usual median + `minRisePct`, usual p95), the
// usual being the device's trained hour-of-week baseline (no baseline, no judgement: a cold device has
// no "unusual hour"). Pool traffic: bytes to a mining port, from the rollup's watched ports (it counts
// every `miningPorts` port of any tuned setting exactly, since a pool's few kB a minute never make a busy
// host's top ports; `rollupWatchPorts`) or the minute's top destination ports, or external peers in
// `poolAsns` (empty by default: pools sit in ordinary hosting ASNs, so a list is a site's own). Pure.
import { z } from "zod";
import { defineDetector, type Detection, type DetectorInput } from "@/lib/detect/detector";
import { expectedFor } from "@/lib/detect/baseline/hour-of-week-baseline";
import { describeHourOfWeek } from "@/lib/detect/baseline/hour-of-week";
import { severityFor } from "@/lib/detect/severity";
import { round1 } from "@/lib/detect/detectors/flow/flow-threat-signals";

export const CRYPTO_MINING_DETECTOR_ID = "flow-crypto-mining";
export const CRYPTO_MINING_TYPE = "crypto_mining";

/** Stratum ports of the common pools and miners (XMRig's defaults, NiceHash, pool TLS variants). */
export const MINING_PORTS: readonly number[] = [3333, 4444, 5555, 7777, 14444, 14433, 45700];

export const cryptoMiningConfigSchema = z.object({
  enabled: z.boolean(),
  /** Percentage points the window's median CPU must be above the usual median for the hour. */
  minRisePct: z.number().finite().min(0).max(100),
  /** …and at least this CPU %. */
  minCpuPct: z.number().finite().min(0).max(100),
  windowMinutes: z.number().int().min(3).max(60),
  /** Share of the window's minutes with a CPU value that must be at or above the bar. */
  minSustainedShare: z.number().finite().gt(0).max(1),
  /** CPU values the window needs (thin data is not judged). */
  minCpuSamples: z.number().int().min(2),
  minBaselineSamples: z.number().int().min(1),
  miningPorts: z.array(z.number().int().min(1).max(65535)),
  /** Mining-pool ASNs of the site (needs the IP/ASN database the geography uses). */
  poolAsns: z.array(z.number().int().min(1)),
  /** Bytes to pool ports or ASNs in the minute below which the pool signal does not count. */
  minPoolBytes: z.number().finite().min(0),
});
export type CryptoMiningConfig = z.infer<typeof cryptoMiningConfigSchema>;

export const cryptoMiningDetector = defineDetector<CryptoMiningConfig, DetectorInput, typeof CRYPTO_MINING_DETECTOR_ID>({
  id: CRYPTO_MINING_DETECTOR_ID,
  description:
    `Crypto-mining: CPU held far above the device's usual for the hour together with traffic to mining-pool Stratum ports (${MINING_PORTS.join(", ")}) or configured pool ASNs. Needs CPU, flows and a trained baseline.`,
  scoreField: "minRisePct",
  alertTypes: [CRYPTO_MINING_TYPE],
  threatType: CRYPTO_MINING_TYPE,
  configSchema: cryptoMiningConfigSchema,
  // a pool's few kB a minute never make a busy host's top ports: the rollup counts these exactly
  rollupWatchPorts: (config) => (config.enabled ? config.miningPorts : []),
  defaultConfig: {
    enabled: true,
    minRisePct: 25,
    minCpuPct: 60,
    windowMinutes: 15,
    minSustainedShare: 0.8,
    minCpuSamples: 10,
    minBaselineSamples: 10,
    miningPorts: [...MINING_PORTS],
    poolAsns: [],
    minPoolBytes: 1,
  },
  detect(input, config): Detection[] {
    const cpu = input.sample.values.cpuPct;
    if (!config.enabled || !input.flows || cpu === null || !Number.isFinite(cpu)) return [];
    // the cheap pool check first: almost every minute stops here
    const ports = new Set(config.miningPorts);
    const seen = new Map<number, number>();
    for (const p of [...(input.flows.watchedDstPorts ?? []), ...(input.flows.topDstPorts ?? [])]) seen.set(p.port, Math.max(seen.get(p.port) ?? 0, p.bytes));
    const poolPorts = [...seen].filter(([port, bytes]) => ports.has(port) && bytes >= config.minPoolBytes).map(([port, bytes]) => ({ port, bytes }));
    const asns = new Set(config.poolAsns);
    const poolAsns = asns.size > 0 ? (input.flowProfile?.geo?.asns ?? []).filter((a) => asns.has(a.asn) && a.bytes >= config.minPoolBytes) : [];
    if (poolPorts.length === 0 && poolAsns.length === 0) return [];

    const usual = expectedFor(input.baseline, "cpuPct", input.sample.ts);
    if (!usual || usual.sampleCount < config.minBaselineSamples) return [];
    const bar = Math.max(config.minCpuPct, usual.median + config.minRisePct, usual.p95);
    if (cpu < bar) return [];
    const now = input.sample.ts.getTime();
    const from = now - (config.windowMinutes - 1) * 60_000;
    const window = [...(input.recent ?? []).filter((s) => s.ts.getTime() >= from && s.ts.getTime() < now).map((s) => s.values.cpuPct), cpu].filter(
      (v): v is number => v !== null && Number.isFinite(v),
    );
    if (window.length < config.minCpuSamples) return [];
    const high = window.filter((v) => v >= bar).length;
    if (high / window.length < config.minSustainedShare) return [];
    const sorted = [...window].sort((a, b) => a - b);
    const windowMedian = sorted[sorted.length >> 1]!;
    const score = windowMedian - usual.median;
    if (score < config.minRisePct) return [];

    const target = input.device?.name ?? `device ${input.sample.deviceId}`;
    const hour = describeHourOfWeek(usual.hourOfWeek);
    const poolText = [
      ...poolPorts.map((p) => `port ${p.port} (${p.bytes.toLocaleString("en-US")} B)`),
      ...poolAsns.map((a) => `AS${a.asn}${a.asOrg ? ` ${a.asOrg}` : ""} (${a.bytes.toLocaleString("en-US")} B)`),
    ].join(", ");
    // a peer list helps the analyst block the pool; the rollup names external peers, not their ports
    const peers = (input.flows.externalPeers ?? []).filter((p) => p.direction === "out").slice(0, 5);
    return [
      {
        detector: CRYPTO_MINING_DETECTOR_ID,
        anomalyType: CRYPTO_MINING_TYPE,
        metric: "cpuPct",
        severity: severityFor(score, config.minRisePct),
        score,
        observed: { value: round1(windowMedian), ts: input.sample.ts.toISOString() },
        expected: { low: 0, high: round1(bar), median: round1(usual.median), p95: round1(usual.p95), hourOfWeek: usual.hourOfWeek, sampleCount: usual.sampleCount },
        explanation:
          `CPU of ${target} held at a median ${round1(windowMedian)}% for the last ${config.windowMinutes} min (${high} of ${window.length} minutes at or above ${round1(bar)}%) ` +
          `where it usually runs at ${round1(usual.median)}% (p95 ${round1(usual.p95)}%) on ${hour}, ` +
          `while sending to mining-pool ${poolPorts.length > 0 ? "Stratum ports" : "networks"}: ${poolText}. Looks like crypto-mining.`,
        evidence: {
          cpuPct: round1(cpu),
          windowMedianCpuPct: round1(windowMedian),
          usualCpuPct: round1(usual.median),
          usualP95CpuPct: round1(usual.p95),
          minutesHigh: high,
          minutesWithCpu: window.length,
          poolPorts: poolPorts.map((p) => ({ port: p.port, bytes: p.bytes })),
          ...(poolAsns.length > 0 ? { poolAsns: poolAsns.map((a) => ({ asn: a.asn, asOrg: a.asOrg ?? null, country: a.country ?? null, bytes: a.bytes })) } : {}),
          topOutboundPeers: peers.map((p) => ({ peer: p.peer, bytes: p.bytes })),
        },
        contributions: [
          { feature: "cpuPct", value: round1(windowMedian), expected: round1(usual.median), share: 0.5 },
          { feature: "miningPoolBytes", value: [...poolPorts, ...poolAsns].reduce((n, p) => n + p.bytes, 0), share: 0.5 },
        ],
      },
    ];
  },
});
