// What a SOC analyst should do first for each kind of alert, most urgent first. Containment comes
// before investigation where waiting costs data or service; evidence is preserved before anything
// that would destroy it (a reboot, a config rollback).
import type { KnownAlertType } from "@/lib/alerts/alert-type";

// Keyed by KnownAlertType so a new type cannot ship without its actions.
const ACTIONS: Readonly<Record<KnownAlertType, readonly string[]>> = {
  ddos: [
    "Engage upstream scrubbing or ask the ISP to rate-limit or blackhole the attacked prefix",
    "Check the top sources and destination ports in the flows and block or rate-limit them at the edge",
    "Confirm the attacked service is still reachable from outside and watch link utilisation",
    "Notify the service owner and open an incident if customer traffic is affected",
    "Keep the flow records of the attack window for the post-incident report",
  ],
  app_ddos: [
    "Enable application-layer protection (WAF challenge, per-client connection and request limits)",
    "Identify the clients holding many long, low-traffic connections and block or rate-limit them",
    "Lower connection and header timeouts on the affected server or load balancer",
    "Check server connection tables and worker pools for exhaustion",
    "Keep access logs and flow records of the attack window",
  ],
  port_scan: [
    "Identify the scanning source and block it at the perimeter firewall",
    "Check which of the probed ports answered and whether those services should be exposed",
    "Look for follow-up connections from the same source to the open ports (exploitation attempts)",
    "If the source is internal, treat the host as possibly compromised and investigate it",
  ],
  exfiltration: [
    "Block the destination at the egress firewall",
    "Isolate the source host from the network",
    "Preserve flow records, firewall logs and a disk/memory image before any cleanup",
    "Identify the process and account that sent the data and what data it could reach",
    "Escalate to incident response and, if personal data may be involved, to the privacy officer",
  ],
  slow_exfiltration: [
    "Block the recurring destination at the egress firewall",
    "Preserve the flow history of the whole multi-day period before it ages out of retention",
    "Isolate the source host and look for a scheduled task or implant that sends at the same time each day",
    "Estimate the total volume sent over the campaign and what data the host could reach",
    "Escalate to incident response",
  ],
  link_down: [
    "Check the interface status and error counters on the device and its neighbour",
    "Check the physical layer: cable, optics, port LEDs, power",
    "Confirm traffic failed over to a redundant path, or start the outage procedure if it did not",
    "Look in syslog for the state change and anything logged just before it",
    "Contact the carrier if the link is a provider circuit",
  ],
  cpu_exhaustion: [
    "Identify the processes using the CPU on the device",
    "Check whether a traffic surge or an attack on the device itself is driving the load",
    "Check control-plane protection and routing-protocol stability (flapping neighbours)",
    "Reduce load (disable debug logging, move traffic) before the device drops control-plane traffic",
  ],
  degradation: [
    "Compare latency and packet loss on the device's links with its neighbours to locate the segment",
    "Check interface errors, duplex mismatches and queue drops",
    "Check link utilisation for congestion and QoS policies for misclassified traffic",
    "Contact the carrier if the degraded segment is a provider circuit",
  ],
  config_drift: [
    "Diff the running configuration against the approved baseline",
    "Find who changed it and whether a change ticket covers it",
    "Roll back unapproved changes after saving the current configuration as evidence",
    "Check the change for weakened security settings (ACLs, management access, logging)",
  ],
  metric_spike: [
    "Compare the metric with the device's peers and its usual level at this hour",
    "Check the business calendar and change tickets for planned activity",
    "Look at the top talkers in the flows for the spike window",
  ],
  metric_drop: [
    "Check whether the device is still reachable and reporting all of its metrics",
    "Check for an upstream outage or a change that moved traffic away",
    "Compare with the device's peers to tell a local fault from a wider one",
  ],
  peer_outlier: [
    "Compare the device's configuration and software version with its peers",
    "Check whether the device serves a different workload from its peer group",
    "Review recent changes on the device",
  ],
  forecast_deviation: [
    "Check the business calendar and change tickets for an explanation of the change in trend",
    "Compare with the same period last week",
    "Look at the top talkers in the flows for the deviation window",
  ],
  multivariate_outlier: [
    "Review the top contributing metrics together: their combination is what is unusual",
    "Check whether a known event (backup, deployment, surge) produces this combination",
    "Look at the flows and syslog of the device for the same window",
  ],
};

const GENERIC: readonly string[] = [
  "Review the observed value against the expected range and the device's recent history",
  "Check the business calendar, maintenance windows and change tickets for an explanation",
  "Look at the device's flows and syslog for the same window",
  "Escalate to the device owner if the cause is not found",
];

/** Ordered SOC actions for an alert type (see `alertTypeOf`); a generic checklist for unknown types. */
export function recommendedActionsFor(type: string): string[] {
  const actions = Object.hasOwn(ACTIONS, type) ? ACTIONS[type as KnownAlertType] : GENERIC;
  // A copy, so a caller editing its list cannot change what the next alert gets.
  return [...actions];
}
