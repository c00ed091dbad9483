// SNMP poller (v2c and v3): each target is polled on its own interval by its own loop, so polls of
// a target never overlap (a poll that runs past its slot skips the missed slots) and a slow target
// never delays another. A poll walks IF-MIB ifTable/ifXTable and HOST-RESOURCES-MIB
// hrProcessorLoad/hrStorage in a few GETBULK round trips, and successive polls become
// `sink.deviceMetrics({ address, name }, ts, { bandwidthInBps, bandwidthOutBps, packetsPerSec,
// packetLossPct, cpuPct, memoryPct })` (see lib/telemetry/snmp/device-snapshot.ts for the maths).
// Each answered poll also reports `sink.deviceFacts` with the SNMP version the device answers: the
// target's, or for a v3 target with `v2cProbeCommunity` "v2c" when a one-GET v2c probe is answered too
// (an SNMPv3 downgrade for the unauthorized-change detector). Telnet/SSH/HTTP management are not in
// the standard MIBs polled here: with `probeManagementPorts` (off by default: it is a small port scan
// of the device, so an admin opts in) the same answered poll also tries one TCP connect to each of the
// device's telnet, SSH and HTTP ports (lib/telemetry/mgmt-probe.ts; min(timeoutMs, 1 s), no retry,
// nothing sent), at the same time as the v2c probe: accepted → enabled, refused → disabled, no answer →
// unknown (null). Without it those facts are null. The probe is part of the poll, so a target's probes
// never overlap.
//
// Reachability: `unreachableAfter` consecutive polls without any SNMP answer (timeouts, or only
// non-SNMP bytes back) report `deviceReachability(ref, false)` once; the first answer after that
// reports `true` once. A target that answers with errors (bad v3 credentials, agent errors) is
// reachable: those polls count as errors, not as an outage. (A v2c agent ignores a wrong community
// silently, so that looks like an outage; nothing on the wire tells them apart.)
//
// Counted: tidewatch_snmp_polls_total{result="ok"|"timeout"|"error"}, and
// tidewatch_collector_dropped_total{collector="snmp", reason} for garbage_response (per datagram),
// auth_error, agent_error, invalid_response, bad_value, agent_restart, counter_reset (rates withheld:
// implausible, counter_missing, width_changed, bad_value), poll_overrun (slots skipped), sink_error,
// and mgmt_probe_timeout/_unreachable/_error (a management port that gave no answer: fact unknown);
// stats() counts every probe outcome per target.
// Nothing a peer sends can crash it; stop() ends every loop and closes every session.
import { z } from "zod";
import type { Logger } from "@/lib/log";
import type { MetricName } from "@/lib/telemetry/metrics";
import {
  POLL_COLUMNS,
  deriveDeviceMetrics,
  snapshotFromColumns,
  type DeviceSnapshot,
  type WithheldReason,
} from "@/lib/telemetry/snmp/device-snapshot";
import { NO_ANSWER_KINDS, SnmpClient, SnmpError, type SnmpErrorKind } from "@/lib/telemetry/snmp/snmp-client";
import { snmpV3Schema } from "@/lib/telemetry/collector-config";
import { MANAGEMENT_SERVICES, PORT_OUTCOMES, managementProbeSchema, probeManagementServices, type ManagementProbeResult, type PortOutcome } from "@/lib/telemetry/mgmt-probe";
import { defineCollector, type CollectorContext, type RunningCollector } from "./collector";
import { collectorDroppedTotal, collectorUp, snmpPollsTotal } from "./collector-metrics";
import type { DeviceRef } from "./telemetry-sink";

export const snmpTargetSchema = z
  .object({
    name: z.string().min(1),
    address: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(161),
    version: z.enum(["2c", "3"]).default("2c"),
    /** v2c community; "public" when left out. */
    community: z.string().min(1).optional(),
    v3: snmpV3Schema.optional(),
    intervalSec: z.number().min(1).max(86_400).default(60),
    /** Per attempt. */
    timeoutMs: z.number().int().min(50).max(60_000).default(3000),
    retries: z.number().int().min(0).max(10).default(1),
    /** Consecutive polls without an answer before the target is reported unreachable. */
    unreachableAfter: z.number().int().min(1).max(1000).default(2),
    maxRepetitions: z.number().int().min(1).max(200).default(10),
    /**
     * v3 targets: after each answered poll, one v2c GET with this community (1 s, no retry). An answer
     * means the device accepts v2c again, reported as the fact snmpVersion "v2c" (an SNMPv3 downgrade
     * when the previous poll's was "v3"); left out, the fact is the version the poll answered with.
     */
    v2cProbeCommunity: z.string().min(1).optional(),
    /**
     * After each answered poll, one TCP connect to each management port (true: telnet 23, SSH 22,
     * HTTP 80; or per service a port or false): the facts telnetEnabled/sshEnabled/httpMgmtEnabled.
     * Left out: no probe, those facts unknown.
     */
    probeManagementPorts: managementProbeSchema,
  })
  .superRefine((t, ctx) => {
    if (t.version === "3" && !t.v3) ctx.addIssue({ code: "custom", path: ["v3"], message: "is required for version 3" });
  });

export const snmpConfigSchema = z
  .object({ targets: z.array(snmpTargetSchema).default([]) })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.targets.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: "custom", path: ["targets", i, "name"], message: `duplicate target name "${t.name}"` });
      seen.add(t.name);
    });
  });

export type SnmpTargetConfig = z.infer<typeof snmpTargetSchema>;
export type SnmpPollerConfig = z.infer<typeof snmpConfigSchema>;

export type PollResult = "ok" | "timeout" | "error";

export interface SnmpTargetStats {
  polls: Record<PollResult, number>;
  drops: Record<string, number>;
  reachable: boolean | null;
  consecutiveFailures: number;
  lastError: string | null;
  /** Samples handed to the sink. */
  samples: number;
  /** Management-port probes by outcome (all zero without `probeManagementPorts`). */
  managementProbes: Record<PortOutcome, number>;
}

export interface RunningSnmpPoller extends RunningCollector {
  /** Per target name, since start. */
  stats(): Record<string, SnmpTargetStats>;
}

function rateLimited(log: Logger, intervalMs: number) {
  const last = new Map<string, number>();
  return (key: string, msg: string, fields: Record<string, unknown>) => {
    const t = Date.now();
    if (t - (last.get(key) ?? -Infinity) < intervalMs) return;
    last.set(key, t);
    log.warn(msg, fields);
  };
}

const WITHHELD_DROP: Record<WithheldReason, string> = {
  reboot: "agent_restart",
  implausible: "counter_reset",
  counter_missing: "counter_reset",
  width_changed: "counter_reset",
  bad_value: "bad_value",
  no_interval: "no_interval",
};

const SYS_UPTIME_OID = "1.3.6.1.2.1.1.3.0";

const ERROR_DROP: Partial<Record<SnmpErrorKind, string>> = {
  auth: "auth_error",
  agent_error: "agent_error",
  too_big: "agent_error",
  invalid_response: "invalid_response",
};

export async function startSnmpPoller(ctx: CollectorContext<SnmpPollerConfig>): Promise<RunningSnmpPoller> {
  const { config, sink, log, now } = ctx;
  const warn = rateLimited(log, 60_000);
  const stats: Record<string, SnmpTargetStats> = {};
  const pollCounters = { ok: snmpPollsTotal.labels("ok"), timeout: snmpPollsTotal.labels("timeout"), error: snmpPollsTotal.labels("error") };
  const dropCounters = new Map<string, ReturnType<typeof collectorDroppedTotal.labels>>();
  let stopped = false;
  // ends the management-port probes in flight on stop()
  const probeAbort = new AbortController();

  const loops = config.targets.map((target, i) => {
    const st: SnmpTargetStats = {
      polls: { ok: 0, timeout: 0, error: 0 },
      drops: {},
      reachable: null,
      consecutiveFailures: 0,
      lastError: null,
      samples: 0,
      managementProbes: Object.fromEntries(PORT_OUTCOMES.map((o) => [o, 0])) as Record<PortOutcome, number>,
    };
    stats[target.name] = st;
    const ref: DeviceRef = { address: target.address, name: target.name };
    const countDrop = (reason: string, n = 1) => {
      let counter = dropCounters.get(reason);
      if (!counter) {
        counter = collectorDroppedTotal.labels("snmp", reason);
        dropCounters.set(reason, counter);
      }
      counter.inc(n);
      st.drops[reason] = (st.drops[reason] ?? 0) + n;
    };
    let garbage = 0;
    const client = new SnmpClient(
      {
        address: target.address,
        port: target.port,
        version: target.version,
        community: target.community,
        v3: target.v3,
        timeoutMs: target.timeoutMs,
        retries: target.retries,
      },
      {
        onGarbage: (err) => {
          garbage++;
          countDrop("garbage_response");
          warn(`garbage:${target.name}`, "non-SNMP datagram from an SNMP target", { target: target.name, error: err.message });
        },
      },
    );

    let previous: DeviceSnapshot | null = null;

    // the weakest SNMP version the device answers, when asked to probe for v2c
    const probe =
      target.version === "3" && target.v2cProbeCommunity
        ? new SnmpClient(
            { address: target.address, port: target.port, version: "2c", community: target.v2cProbeCommunity, timeoutMs: Math.min(target.timeoutMs, 1000), retries: 0 },
            { onGarbage: () => countDrop("garbage_response") },
          )
        : undefined;
    const snmpVersionAnswered = async (): Promise<"v2c" | "v3"> => {
      if (target.version === "2c") return "v2c";
      if (!probe) return "v3";
      try {
        await probe.get([SYS_UPTIME_OID]);
        return "v2c";
      } catch (err) {
        // an error answer is still an answer over v2c; only silence means v2c is refused
        return err instanceof SnmpError && NO_ANSWER_KINDS.has(err.kind) ? "v3" : "v2c";
      }
    };

    const mgmtPorts = target.probeManagementPorts;
    const managementServices = async (): Promise<Omit<ManagementProbeResult, "outcomes">> => {
      if (!mgmtPorts) return { telnetEnabled: null, sshEnabled: null, httpMgmtEnabled: null };
      const { outcomes, ...facts } = await probeManagementServices(target.address, mgmtPorts, {
        timeoutMs: Math.min(target.timeoutMs, 1000),
        signal: probeAbort.signal,
      });
      if (stopped) return facts;
      for (const service of MANAGEMENT_SERVICES) {
        const outcome = outcomes[service];
        if (!outcome) continue;
        st.managementProbes[outcome]++;
        if (outcome === "open" || outcome === "refused") continue;
        countDrop(`mgmt_probe_${outcome}`);
        if (outcome === "error") warn(`mgmt:${target.name}`, "management-port probe failed", { target: target.name, service, port: mgmtPorts[service] });
      }
      return facts;
    };

    const setReachable = (reachable: boolean) => {
      const at = new Date(now());
      st.reachable = reachable;
      try {
        sink.deviceReachability(ref, reachable, at);
      } catch (err) {
        countDrop("sink_error");
        warn(`sink:${target.name}`, "telemetry sink rejected a reachability change", { target: target.name, error: err as Error });
      }
      if (reachable) log.info("SNMP target answers again", { target: target.name, address: target.address });
      else log.warn("SNMP target unreachable", { target: target.name, address: target.address, polls: st.consecutiveFailures });
    };

    const recordResult = (result: PollResult) => {
      st.polls[result]++;
      pollCounters[result].inc();
    };

    const pollOnce = async () => {
      const atMs = now();
      const garbageBefore = garbage;
      try {
        const walk = await client.walk(POLL_COLUMNS, { maxRepetitions: target.maxRepetitions });
        if (stopped) return;
        const { snapshot, invalidValues } = snapshotFromColumns(walk.columns, walk.uptimeTicks, atMs);
        if (invalidValues > 0) countDrop("bad_value", invalidValues);
        if (walk.discardedRows > 0) countDrop("invalid_response", walk.discardedRows);
        const derived = deriveDeviceMetrics(previous, snapshot);
        previous = snapshot;
        recordResult("ok");
        st.consecutiveFailures = 0;
        st.lastError = null;
        if (st.reachable === false) setReachable(true);
        else st.reachable = true;

        if (derived.rebooted) {
          countDrop("agent_restart");
          log.info("SNMP agent restarted (sysUpTime went back); rates resume next poll", { target: target.name });
        } else {
          const reasons = new Set(derived.withheld.map((w) => w.reason));
          for (const r of reasons) countDrop(WITHHELD_DROP[r]);
        }
        const [snmpVersion, services] = await Promise.all([snmpVersionAnswered(), managementServices()]);
        if (stopped) return;
        try {
          sink.deviceFacts?.(ref, new Date(atMs), { snmpVersion, ...services });
        } catch (err) {
          countDrop("sink_error");
          warn(`sink:${target.name}`, "telemetry sink rejected SNMP facts", { target: target.name, error: err as Error });
        }
        const values = derived.values as Partial<Record<MetricName, number>>;
        if (Object.keys(values).length > 0) {
          try {
            sink.deviceMetrics(ref, new Date(atMs), values);
            st.samples++;
          } catch (err) {
            countDrop("sink_error");
            warn(`sink:${target.name}`, "telemetry sink rejected SNMP metrics", { target: target.name, error: err as Error });
          }
        }
      } catch (err) {
        if (stopped) return;
        const e = err instanceof SnmpError ? err : new SnmpError("invalid_response", String(err));
        st.lastError = `${e.kind}: ${e.message}`;
        const noAnswer = NO_ANSWER_KINDS.has(e.kind);
        const sawGarbage = garbage > garbageBefore;
        if (noAnswer && !sawGarbage) {
          recordResult("timeout");
        } else {
          recordResult("error");
          const reason = ERROR_DROP[e.kind];
          if (reason) countDrop(reason);
          warn(`error:${target.name}`, "SNMP poll failed", { target: target.name, kind: e.kind, error: e.message });
        }
        if (noAnswer) {
          st.consecutiveFailures++;
          if (st.consecutiveFailures >= target.unreachableAfter && st.reachable !== false) setReachable(false);
        } else {
          // The agent answered, even if with an error: it is there.
          st.consecutiveFailures = 0;
          if (st.reachable === false) setReachable(true);
          else st.reachable = true;
        }
      }
    };

    // Its own loop: fixed cadence, first polls of several targets spread over the first second(s).
    const intervalMs = target.intervalSec * 1000;
    const offsetMs = config.targets.length > 1 ? Math.floor((Math.min(intervalMs, 10_000) * i) / config.targets.length) : 0;
    let timer: NodeJS.Timeout | undefined;
    let wake: (() => void) | undefined;
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, Math.max(0, ms));
      });
    const loop = (async () => {
      const origin = Date.now() + offsetMs;
      let slot = 0;
      if (offsetMs > 0) await sleep(offsetMs);
      while (!stopped) {
        try {
          await pollOnce();
        } catch (err) {
          // pollOnce handles its own errors; this is a bug guard so the loop never dies.
          countDrop("internal_error");
          warn(`internal:${target.name}`, "SNMP poll crashed", { target: target.name, error: err as Error });
        }
        if (stopped) break;
        const elapsedSlots = Math.floor((Date.now() - origin) / intervalMs);
        const next = Math.max(slot + 1, elapsedSlots + 1);
        if (next > slot + 1) countDrop("poll_overrun", next - slot - 1);
        slot = next;
        await sleep(origin + slot * intervalMs - Date.now());
      }
    })();
    return {
      loop,
      stop: () => {
        if (timer) clearTimeout(timer);
        wake?.();
        client.close();
        probe?.close();
      },
    };
  });

  collectorUp.labels("snmp").set(1);
  log.info("snmp poller started", { targets: config.targets.map((t) => `${t.name}@${t.address}:${t.port} v${t.version}`) });

  let stopping: Promise<void> | undefined;
  return {
    stats: () =>
      Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, { ...v, polls: { ...v.polls }, drops: { ...v.drops }, managementProbes: { ...v.managementProbes } }])),
    stop() {
      stopping ??= (async () => {
        stopped = true;
        probeAbort.abort();
        for (const l of loops) l.stop();
        await Promise.all(loops.map((l) => l.loop));
        collectorUp.labels("snmp").set(0);
      })();
      return stopping;
    },
  };
}

export const snmpPoller = defineCollector<SnmpPollerConfig>({
  name: "snmp",
  configSchema: snmpConfigSchema,
  start: startSnmpPoller,
});
