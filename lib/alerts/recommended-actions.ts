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
  protocol_shift: [
    "Look at the destination ports and peers that carry the new share (tunnelling over DNS or ICMP, a new UDP service)",
    "Check whether a scheduled job, an application rollout or a backup explains the new mix",
    "Capture a sample of the unusual protocol's packets for inspection",
  ],
  lateral_movement: [
    "Isolate the host (quarantine VLAN or EDR containment) if the new connections are not explained",
    "Check the host for new accounts, remote execution (PsExec, WMI, WinRM) and credential dumping",
    "Review authentication logs on the contacted hosts for the same window",
    "Confirm with the host's owner whether an admin task or inventory scan was running",
  ],
  geo_anomaly: [
    "Identify the peers in the new country or network and what the device exchanged with them",
    "Block the destinations at the perimeter if the traffic is not explained by a known service",
    "Check whether a cloud or CDN provider explains the change (their ranges move between countries)",
    "Review the allowed countries for this site or role (GEO_ALLOWED_COUNTRIES)",
  ],
  config_drift: [
    "Diff the running configuration against the approved baseline",
    "Find who changed it and whether a change ticket covers it",
    "Roll back unapproved changes after saving the current configuration as evidence",
    "Check the change for weakened security settings (ACLs, management access, logging)",
  ],
  credential_attack: [
    "Block the attacking source addresses at the perimeter or on the device's management ACL",
    "Check whether any login from the same sources succeeded, and reset the passwords of the accounts tried",
    "Make sure management access is limited to the management network and protected by MFA or keys",
    "Keep the authentication logs of the attack window",
  ],
  routing_flap: [
    "Check the flapping neighbour's link for errors, optics levels and BFD timers",
    "Look at the neighbour's logs for the reason of each reset (hold timer, notification, interface down)",
    "Consider dampening or shutting the unstable session if traffic is moving back and forth",
    "Confirm whether a change or maintenance on either side explains it",
  ],
  unauthorized_change: [
    "Find the change ticket; without one, ask the named user (and their manager) whether they made it",
    "Save the running configuration as evidence and diff it against the last approved one",
    "Roll back unapproved or security-weakening changes (telnet, SNMP v1/v2c) and disable the account if it is not known",
    "Review the device's login history around the change for a compromised account",
  ],
  jitter: [
    "Check the path's interfaces for congestion, queue drops and errors around the jitter window",
    "Confirm voice and video traffic is marked and queued with priority (QoS) on every hop",
    "Compare with the device's peers to tell one link from a wider path problem",
  ],
  memory_leak: [
    "Note the forecast time to exhaustion and plan a controlled restart or failover before it",
    "Collect the process memory breakdown (show processes memory, top) to find what grows",
    "Check for a known leak in the running software version and schedule the fixed release",
  ],
  crypto_mining: [
    "Block the mining-pool destinations at the egress firewall",
    "Isolate the host and list the processes using the CPU",
    "Find how the miner got on the host (compromised account, exposed service) before restoring it",
    "Check other hosts for connections to the same pools",
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
