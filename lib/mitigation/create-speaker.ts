// Which BgpSpeaker the worker uses (MITIGATION_BGP): none, the dry run, or gobgpd over gRPC; either way
// behind prefix safety (INTERNAL_SUBNETS, MITIGATION_PROTECTED_PREFIXES).
import type { Env } from "../env";
import type { BgpSpeaker } from "./bgp-speaker";
import { DryRunSpeaker } from "./dry-run-speaker";
import { GobgpSpeaker } from "./gobgp-speaker";
import { GuardedSpeaker } from "./guarded-speaker";
import { createPrefixSafety, prefixSafetyPolicy } from "./prefix-safety";

export type SpeakerSettings = Pick<
  Env,
  | "MITIGATION_BGP"
  | "GOBGP_API"
  | "GOBGP_TIMEOUT_SEC"
  | "MITIGATION_NEXT_HOP"
  | "MITIGATION_NEXT_HOP_V6"
  | "INTERNAL_SUBNETS"
  | "MITIGATION_PROTECTED_PREFIXES"
>;

/** The configured speaker; null when mitigation over BGP is off. Connecting is lazy: nothing is dialled here. */
export function createBgpSpeaker(e: SpeakerSettings): BgpSpeaker | null {
  const safety = createPrefixSafety(prefixSafetyPolicy(e));
  switch (e.MITIGATION_BGP) {
    case "off":
      return null;
    case "dry-run":
      return new GuardedSpeaker(new DryRunSpeaker(), safety);
    case "gobgp":
      return new GuardedSpeaker(
        new GobgpSpeaker({
          address: e.GOBGP_API,
          timeoutMs: e.GOBGP_TIMEOUT_SEC * 1000,
          nextHop: e.MITIGATION_NEXT_HOP,
          nextHopV6: e.MITIGATION_NEXT_HOP_V6,
        }),
        safety,
      );
  }
}
