// Prefix safety for a whole route, before every announce. The rules, including the exfiltration case
// (an internal host's traffic to one outside host), live in prefix-safety.ts's checkRoute; this is
// the name the mitigation controller calls, so its refusals and the GuardedSpeaker's are one rule.
import type { MitigationRoute } from "./bgp-speaker";
import type { PrefixSafety, PrefixVerdict } from "./prefix-safety";

export function checkRouteSafety(safety: PrefixSafety, route: MitigationRoute): PrefixVerdict {
  return safety.checkRoute(route);
}
