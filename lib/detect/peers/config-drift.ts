// Config drift: a device whose configuration differs from what nearly all of its peers agree on (telnet on
// where the peers have it off, firmware behind theirs…), judged by a peer-majority rule.
import { CONFIG_FEATURE_INFO, CONFIG_FEATURES, encodeConfigFacts } from "@/lib/detect/peers/device-profile";
import type { ResolvedPeerGroupOptions } from "@/lib/detect/peers/peer-group-options";
import type { ConfigDrift, PeerGroupInput } from "@/lib/detect/peers/peer-group-result";

/**
 * A device drifts on a fact when at least `minDriftPeers` peers have the fact known, at least `driftShare`
 * of them agree on one value, and the device's value differs. Peers that disagree among themselves raise
 * nothing (no norm to drift from); an unknown fact is never drift and never counts as a peer's vote.
 */
export function configDrift(
  profiles: readonly PeerGroupInput[],
  members: readonly number[][],
  reference: readonly number[],
  options: ResolvedPeerGroupOptions,
): ConfigDrift[][] {
  const encoded = profiles.map((p) => encodeConfigFacts(p.config));
  const firmware = profiles.map((p) => p.config?.firmware ?? null);
  return profiles.map((_, i) => {
    const peers = members[reference[i]!]!.filter((m) => m !== i);
    const found: ConfigDrift[] = [];
    for (const feature of CONFIG_FEATURES) {
      const value = encoded[i]![feature];
      if (value === null) continue;
      const drift = majorityDrift(value, peers.map((m) => encoded[m]![feature]), options);
      if (drift) found.push({ feature, ...drift, towardRisk: value === CONFIG_FEATURE_INFO[feature].riskyValue });
    }
    const version = firmware[i];
    if (version !== null && version !== undefined) {
      const drift = majorityDrift(version, peers.map((m) => firmware[m] ?? null), options);
      if (drift) found.push({ feature: "firmware", ...drift, towardRisk: null });
    }
    return found;
  });
}

function majorityDrift<T extends number | string>(
  value: T,
  peerValues: readonly (T | null)[],
  options: ResolvedPeerGroupOptions,
): { value: T; peerValue: T; peerShare: number; peers: number } | null {
  const counts = new Map<T, number>();
  let known = 0;
  for (const v of peerValues) {
    if (v === null) continue;
    counts.set(v, (counts.get(v) ?? 0) + 1);
    known++;
  }
  if (known < options.minDriftPeers) return null;
  let peerValue: T | null = null;
  let top = 0;
  for (const [v, count] of counts) {
    if (count > top) {
      top = count;
      peerValue = v;
    }
  }
  const peerShare = top / known;
  if (peerValue === null || peerValue === value || peerShare < options.driftShare) return null;
  return { value, peerValue, peerShare, peers: known };
}
