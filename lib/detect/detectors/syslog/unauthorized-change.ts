// Unauthorized configuration changes:
// - a configuration change in syslog (%SYS-5-CONFIG_I, UI_COMMIT, …). Every change is reported; one
//   inside a maintenance window of the device is recorded as suppressed by the pipeline's usual
//   disposition (that is how windows reach detection), so what is raised is the change outside any
//   window. A change by a user not on `allowedUsers` (this detector's setting, per device, site or role
//   on the tuning page; empty: no list) is raised even inside a window, with a higher severity.
// - configuration facts weakened between two readings of the device: SNMPv3 given up for v1/v2c,
//   telnet or HTTP management switched on, SSH switched off. The first reading is only remembered.
// Pure.
import { z } from "zod";
import { defineDetector, type Detection, type DetectorInput } from "@/lib/detect/detector";
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";

export const UNAUTHORIZED_CHANGE_DETECTOR_ID = "syslog-unauthorized-change";
export const UNAUTHORIZED_CHANGE_TYPE = "unauthorized_change";

export const unauthorizedChangeConfigSchema = z.object({
  enabled: z.boolean(),
  /** Raised when the score is above this: 0 raises every change, 1 only a change by an unlisted user or one that weakens the device. */
  threshold: z.number().finite().min(0),
  /** Users allowed to change configuration (compared without case); empty: any user, outside windows. */
  allowedUsers: z.array(z.string().trim().min(1)),
});
export type UnauthorizedChangeConfig = z.infer<typeof unauthorizedChangeConfigSchema>;

export interface WeakenedFact {
  fact: keyof DeviceConfigFacts;
  from: string;
  to: string;
}

/** The facts that got weaker from `previous` to `current` (unknown on either side is no change). */
export function weakenedFacts(previous: DeviceConfigFacts, current: DeviceConfigFacts): WeakenedFact[] {
  const out: WeakenedFact[] = [];
  if (previous.snmpVersion === "v3" && (current.snmpVersion === "v2c" || current.snmpVersion === "v1")) {
    out.push({ fact: "snmpVersion", from: "v3", to: current.snmpVersion });
  }
  const switched = (fact: "telnetEnabled" | "httpMgmtEnabled" | "sshEnabled", risky: boolean) => {
    const before = previous[fact];
    const after = current[fact];
    if (before === null || before === undefined || after === null || after === undefined) return;
    if (before !== risky && after === risky) out.push({ fact, from: String(before), to: String(after) });
  };
  switched("telnetEnabled", true);
  switched("httpMgmtEnabled", true);
  switched("sshEnabled", false);
  return out;
}

const FACT_TEXT: Record<string, (w: WeakenedFact) => string> = {
  snmpVersion: (w) => `SNMP downgraded from ${w.from} to ${w.to}`,
  telnetEnabled: () => "telnet enabled",
  httpMgmtEnabled: () => "HTTP management enabled",
  sshEnabled: () => "SSH disabled",
};

/** One reading of a device's configuration facts, as the SNMP poller or a scenario's `snapshot` line gives it. */
export interface ConfigSnapshot {
  ts: Date | string;
  device: string;
  /** `DeviceConfigFacts` keys, or the scenario's (`snmp_version: "2c"`, `telnet: true`, `ssh`, `http`). */
  facts: Readonly<Record<string, unknown>>;
}

const SNMP_VERSIONS: Readonly<Record<string, DeviceConfigFacts["snmpVersion"]>> = { "1": "v1", v1: "v1", "2": "v2c", "2c": "v2c", v2c: "v2c", v2: "v2c", "3": "v3", v3: "v3" };

/** The facts a snapshot states; anything missing or not understood is unknown (null), never a change. */
export function configFactsOf(raw: Readonly<Record<string, unknown>>): DeviceConfigFacts {
  const pick = (...keys: string[]) => keys.map((k) => raw[k]).find((v) => v !== undefined && v !== null);
  const bool = (...keys: string[]) => {
    const v = pick(...keys);
    return typeof v === "boolean" ? v : null;
  };
  const version = pick("snmpVersion", "snmp_version");
  return {
    snmpVersion: version === undefined ? null : (SNMP_VERSIONS[String(version).toLowerCase()] ?? null),
    telnetEnabled: bool("telnetEnabled", "telnet_enabled", "telnet"),
    sshEnabled: bool("sshEnabled", "ssh_enabled", "ssh"),
    httpMgmtEnabled: bool("httpMgmtEnabled", "http_mgmt_enabled", "http_enabled", "http"),
  };
}

/**
 * The unauthorized_change finding for a device's reading against its previous one, or null when no
 * security-relevant fact weakened. Maintenance windows are applied where findings are recorded (the
 * pipeline's disposition), as for syslog changes.
 */
export function detectConfigSnapshotChange(previous: ConfigSnapshot, current: ConfigSnapshot): Detection | null {
  const weakened = weakenedFacts(configFactsOf(previous.facts), configFactsOf(current.facts));
  if (weakened.length === 0) return null;
  const ts = new Date(current.ts);
  return {
    detector: UNAUTHORIZED_CHANGE_DETECTOR_ID,
    anomalyType: UNAUTHORIZED_CHANGE_TYPE,
    metric: "syslogMessages",
    severity: "high",
    score: 2 + weakened.length,
    observed: { value: weakened.length, ts: ts.toISOString() },
    expected: { low: 0, high: 0 },
    explanation: `${current.device}: ${weakened.map((w) => FACT_TEXT[w.fact]!(w)).join(", ")} since the previous reading at ${new Date(previous.ts).toISOString()}.`,
    evidence: { weakened, previousReading: new Date(previous.ts).toISOString() },
  };
}

/** Compares each device's consecutive readings (in time order) and returns the findings. */
export function configSnapshotFindings(snapshots: readonly ConfigSnapshot[]): { device: string; ts: Date; detection: Detection }[] {
  const sorted = [...snapshots].sort((a, b) => new Date(a.ts).getTime() - new Date(b.ts).getTime());
  const last = new Map<string, ConfigSnapshot>();
  const out: { device: string; ts: Date; detection: Detection }[] = [];
  for (const s of sorted) {
    const previous = last.get(s.device);
    last.set(s.device, s);
    const detection = previous ? detectConfigSnapshotChange(previous, s) : null;
    if (detection) out.push({ device: s.device, ts: new Date(s.ts), detection });
  }
  return out;
}

export const unauthorizedChange = defineDetector<UnauthorizedChangeConfig, DetectorInput, typeof UNAUTHORIZED_CHANGE_DETECTOR_ID>({
  id: UNAUTHORIZED_CHANGE_DETECTOR_ID,
  description:
    "Unauthorized configuration changes: a change in syslog outside any maintenance window or by a user not on the allowed list, and management-plane settings weakened between two readings (SNMPv3 to v2c, telnet on).",
  scoreField: "threshold",
  alertTypes: [UNAUTHORIZED_CHANGE_TYPE],
  threatType: UNAUTHORIZED_CHANGE_TYPE,
  configSchema: unauthorizedChangeConfigSchema,
  defaultConfig: { enabled: true, threshold: 0, allowedUsers: [] },
  detect(input: DetectorInput, config): Detection[] {
    if (!config.enabled) return [];
    const changes = [...(input.syslog?.configChanges ?? [])];
    const otherChanges = input.syslog?.configChangesOfOthers ?? 0;
    const weakened = input.config?.previous ? weakenedFacts(input.config.previous, input.config.facts) : [];
    if (changes.length === 0 && otherChanges === 0 && weakened.length === 0) return [];

    const allowed = new Set(config.allowedUsers.map((u) => u.toLowerCase()));
    const unlisted = allowed.size === 0 ? [] : changes.filter((c) => c.user === null || !allowed.has(c.user.toLowerCase()));
    const target = input.device?.name ?? `device ${input.sample.deviceId}`;
    const count = changes.reduce((n, c) => n + c.count, 0) + otherChanges;
    const by = (c: { user: string | null; source: string | null }) => `${c.user ?? "an unnamed user"}${c.source ? ` from ${c.source}` : ""}`;
    const parts: string[] = [];
    if (unlisted.length > 0) parts.push(`configuration changed by ${unlisted.map(by).join(", ")}, not on the allowed list`);
    else if (count > 0) parts.push(`configuration changed by ${changes.length > 0 ? changes.map(by).join(", ") : "unlisted users"} outside any maintenance window`);
    if (weakened.length > 0) parts.push(`${weakened.map((w) => FACT_TEXT[w.fact]!(w)).join(", ")} since the previous reading`);
    const severe = unlisted.length > 0 || weakened.length > 0;
    const score = (severe ? 2 : 1) + weakened.length + unlisted.length;
    if (score <= config.threshold) return [];
    return [
      {
        detector: UNAUTHORIZED_CHANGE_DETECTOR_ID,
        anomalyType: UNAUTHORIZED_CHANGE_TYPE,
        metric: "syslogMessages",
        severity: severe ? "high" : "medium",
        score,
        observed: { value: count, ts: input.sample.ts.toISOString() },
        expected: { low: 0, high: 0 },
        explanation: `${target}: ${parts.join("; ")}.`,
        evidence: {
          changes: changes.map((c) => ({ user: c.user, source: c.source, count: c.count })),
          ...(otherChanges > 0 ? { changesOfUnlistedAuthors: otherChanges } : {}),
          ...(allowed.size > 0 ? { notAllowed: unlisted.map((c) => c.user) } : {}),
          ...(weakened.length > 0 ? { weakened } : {}),
        },
        // someone who may not change the device at all is no less suspect inside a window
        ...(unlisted.length > 0 ? { ignoresMaintenance: true } : {}),
      },
    ];
  },
});
