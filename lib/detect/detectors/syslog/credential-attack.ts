// Credential attacks from failed logins in syslog (SSH, device logins, RADIUS/TACACS+, VPN), over the
// last `windowMinutes` of the device (the target):
// - brute force: one source failing at least `minSourceFailures` times;
// - password spraying: one source failing on at least `minSourceAccounts` distinct accounts;
// - a distributed attack on this device: at least `minTargetFailures` failures from any sources.
// A user mistyping a password a few times stays far below every one of these. The finding names the
// sources, their accounts and services as evidence. Checked only in a minute that had failures, so an
// attack that stopped stops being reported. Pure.
import { z } from "zod";
import { defineDetector, type Detection, type DetectorInput, type TimedSecurityMinute } from "@/lib/detect/detector";
import { severityFor } from "@/lib/detect/severity";
import type { AuthSourceSummary } from "@/lib/telemetry/syslog/security-rollup";

export const CREDENTIAL_ATTACK_DETECTOR_ID = "syslog-credential-attack";
export const CREDENTIAL_ATTACK_TYPE = "credential_attack";

export const credentialAttackConfigSchema = z.object({
  enabled: z.boolean(),
  /** The score is the largest ratio of a count to its minimum below; raised at or above this. */
  threshold: z.number().finite().positive(),
  windowMinutes: z.number().int().min(1).max(60),
  minSourceFailures: z.number().int().min(3),
  minSourceAccounts: z.number().int().min(3),
  minTargetFailures: z.number().int().min(3),
});
export type CredentialAttackConfig = z.infer<typeof credentialAttackConfigSchema>;

/** How many sources the evidence lists (the worst first). */
const EVIDENCE_SOURCES = 5;

interface SourceTotal {
  source: string | null;
  failures: number;
  users: Set<string>;
  /** Failures on accounts beyond the ones the rollup kept: at least one more account each minute it happened. */
  moreUsers: number;
  services: Set<string>;
}

function windowOf(input: DetectorInput, minutes: number): TimedSecurityMinute[] {
  const now = input.sample.ts.getTime();
  const from = now - minutes * 60_000;
  const earlier = (input.recentSyslog ?? []).filter((m) => m.ts.getTime() > from && m.ts.getTime() < now);
  return input.syslog ? [...earlier, { ts: input.sample.ts, events: input.syslog }] : earlier;
}

function addSource(totals: Map<string, SourceTotal>, s: AuthSourceSummary): void {
  const key = s.source ?? "";
  let t = totals.get(key);
  if (!t) totals.set(key, (t = { source: s.source, failures: 0, users: new Set(), moreUsers: 0, services: new Set() }));
  t.failures += s.failures;
  for (const u of s.users) t.users.add(u);
  if (s.failuresOfOtherUsers > 0) t.moreUsers++;
  for (const svc of s.services) t.services.add(svc);
}

export const credentialAttack = defineDetector<CredentialAttackConfig, DetectorInput, typeof CREDENTIAL_ATTACK_DETECTOR_ID>({
  id: CREDENTIAL_ATTACK_DETECTOR_ID,
  description:
    "Credential attacks in syslog: one source failing many logins (brute force) or on many accounts (password spraying), or many failures against one device, within a few minutes.",
  scoreField: "threshold",
  alertTypes: [CREDENTIAL_ATTACK_TYPE],
  threatType: CREDENTIAL_ATTACK_TYPE,
  configSchema: credentialAttackConfigSchema,
  defaultConfig: { enabled: true, threshold: 1, windowMinutes: 10, minSourceFailures: 10, minSourceAccounts: 5, minTargetFailures: 30 },
  detect(input, config): Detection[] {
    if (!config.enabled || !input.syslog || input.syslog.authFailures === 0) return [];
    const minutes = windowOf(input, config.windowMinutes);
    const totals = new Map<string, SourceTotal>();
    let failures = 0;
    let unattributed = 0;
    for (const m of minutes) {
      failures += m.events.authFailures;
      unattributed += m.events.authFailuresOfOtherSources;
      for (const s of m.events.authSources) addSource(totals, s);
    }
    const sources = [...totals.values()];
    const accountsOf = (t: SourceTotal) => t.users.size + t.moreUsers;
    // a named source only: failures the lines attribute to nobody cannot be one attacker
    const strength = (t: SourceTotal) =>
      t.source === null ? 0 : Math.max(t.failures / config.minSourceFailures, accountsOf(t) / config.minSourceAccounts);
    const ranked = sources.sort((a, b) => strength(b) - strength(a) || b.failures - a.failures);
    const worst = ranked[0];
    const sourceScore = worst ? strength(worst) : 0;
    const targetScore = failures / config.minTargetFailures;
    const score = Math.max(sourceScore, targetScore);
    if (score < config.threshold) return [];

    const spraying = worst !== undefined && worst.source !== null && accountsOf(worst) >= config.minSourceAccounts;
    const bruteForce = worst !== undefined && worst.source !== null && worst.failures >= config.minSourceFailures;
    const pattern = spraying ? "password_spraying" : bruteForce ? "brute_force" : "distributed";
    const listed = ranked.slice(0, EVIDENCE_SOURCES).map((t) => ({
      source: t.source,
      failures: t.failures,
      accounts: accountsOf(t),
      users: [...t.users].slice(0, 10),
      services: [...t.services],
    }));
    const target = input.device?.name ?? `device ${input.sample.deviceId}`;
    const who = worst && worst.source !== null ? worst.source : "unnamed sources";
    const detail =
      pattern === "password_spraying"
        ? `${who} tried ${accountsOf(worst!)} accounts (${[...worst!.users].slice(0, 5).join(", ")}${accountsOf(worst!) > 5 ? ", …" : ""}) with ${worst!.failures} failed logins`
        : pattern === "brute_force"
          ? `${who} failed ${worst!.failures} logins${worst!.users.size > 0 ? ` as ${[...worst!.users].slice(0, 3).join(", ")}` : ""}`
          : `${failures} failed logins from ${totals.size + (unattributed > 0 ? 1 : 0)}+ sources`;
    return [
      {
        detector: CREDENTIAL_ATTACK_DETECTOR_ID,
        anomalyType: CREDENTIAL_ATTACK_TYPE,
        metric: "syslogFailures",
        severity: severityFor(score, config.threshold),
        score,
        observed: { value: failures, ts: input.sample.ts.toISOString() },
        expected: { low: 0, high: Math.min(config.minTargetFailures, config.minSourceFailures) },
        explanation:
          `${pattern === "password_spraying" ? "Password spraying" : pattern === "brute_force" ? "Brute-force login attempts" : "Many failed logins"} ` +
          `against ${target} in the last ${config.windowMinutes} min: ${detail} (services: ${[...new Set(ranked.flatMap((t) => [...t.services]))].join(", ")}).`,
        evidence: {
          pattern,
          target,
          windowMinutes: config.windowMinutes,
          failures,
          sources: listed,
          sourceCount: totals.size,
          failuresOfUnlistedSources: unattributed,
        },
      },
    ];
  },
});
