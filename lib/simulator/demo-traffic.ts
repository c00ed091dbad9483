// What the demo network puts on the wire for one device-minute: flow records whose byte and packet
// totals follow the network model's bandwidth for that minute (shaped by any active incident: a DDoS
// is many small flows from many sources, an application-layer DDoS many long low-byte connections, a
// port scan one source probing many ports, an exfiltration one large upload to one peer, a link down
// no traffic at all), and the syslog lines the device would send. Pure and deterministic:
// (seed, device, minute) → traffic.
import type { DeviceSpec } from "./demo-fleet";
import { incidentActiveAt, incidentEffect, slowExfiltrationFactor, type Incident } from "./incidents";
import { hashString, noise3 } from "./prng";
import type { FlowExportRecord } from "../telemetry/netflow/flow-export-record";
import type { MetricValues } from "../telemetry/metrics";
import type { SyslogSeverity } from "../telemetry/syslog-message";

const MINUTE = 60_000;
/** The demo's devices live on loopback aliases, so every collector really receives their traffic. */
export const DEMO_SUBNET = "127.1.0.0/16";

export function demoDeviceAddress(index: number): string {
  return `127.1.${(index >> 8) & 255}.${(index & 255) + 1}`;
}

const SERVICE_PORTS: Record<string, number[]> = {
  "core-router": [443, 80, 53, 179, 22],
  "edge-router": [443, 80, 53, 179],
  "access-switch": [443, 80, 445, 53],
  firewall: [443, 80, 53, 500, 4500],
  web: [443, 80],
  database: [5432, 3306],
  dns: [53],
  file: [445, 2049, 22],
};

function portsFor(device: DeviceSpec): number[] {
  const fn = device.tags.find((t) => SERVICE_PORTS[t]);
  return SERVICE_PORTS[fn ?? device.role] ?? [443];
}

/** A stable pool of external peers per device (documentation ranges: nothing real is contacted). */
function peer(seed: number, device: number, k: number): string {
  const n = Math.floor(noise3(seed, device, k, 77) * 40);
  return `${n % 2 === 0 ? "203.0.113" : "198.51.100"}.${(n * 7 + device) % 250 + 2}`;
}

export interface DemoTrafficInput {
  seed: number;
  deviceIndex: number;
  device: DeviceSpec;
  address: string;
  minute: number;
  values: MetricValues;
  incidents: readonly Incident[];
}

function activeIncident(input: DemoTrafficInput): Incident | undefined {
  return input.incidents.find((i) => i.deviceIndex === input.deviceIndex && incidentActiveAt(i, input.minute));
}

/** A stable external address per incident (documentation ranges), e.g. the scanner or the upload's peer. */
function incidentPeer(incident: Incident, net: "203.0.113" | "192.0.2"): string {
  return `${net}.${(hashString(incident.campaignId ?? incident.id) % 200) + 20}`;
}

/** Flow records for one device-minute; totals equal the minute's modelled bytes and packets. */
export function demoFlows(input: DemoTrafficInput): FlowExportRecord[] {
  const { seed, deviceIndex: d, minute, values, address } = input;
  const bytesIn = ((values.bandwidthInBps ?? 0) * 60) / 8;
  const bytesOut = ((values.bandwidthOutBps ?? 0) * 60) / 8;
  const packets = (values.packetsPerSec ?? 0) * 60;
  const ports = portsFor(input.device);
  const incident = activeIncident(input);
  const m = Math.floor(minute / MINUTE);
  const flows: FlowExportRecord[] = [];
  const totalBytes = bytesIn + bytesOut || 1;

  const push = (inbound: boolean, remote: string, bytes: number, dstPort: number, k: number, flags = 0x1b) => {
    const start = minute + Math.floor(noise3(seed, d, m, 1000 + k) * 20_000);
    const end = Math.min(minute + 59_000, start + 5_000 + Math.floor(noise3(seed, d, m, 2000 + k) * 30_000));
    flows.push({
      srcAddr: inbound ? remote : address,
      dstAddr: inbound ? address : remote,
      srcPort: inbound ? 1024 + ((k * 7919 + m) % 60000) : dstPort,
      dstPort: inbound ? dstPort : 1024 + ((k * 7919 + m) % 60000),
      protocol: dstPort === 53 ? 17 : 6,
      bytes: Math.max(40, Math.round(bytes)),
      packets: Math.max(1, Math.round((packets * bytes) / totalBytes)),
      startMs: start,
      endMs: end,
      tcpFlags: dstPort === 53 ? 0 : flags,
      inputIf: 1,
      outputIf: 2,
    });
  };

  let ordinaryIn = bytesIn;
  let ordinaryOut = bytesOut;
  const effect = incident ? incidentEffect(incident) : undefined;
  if (effect === "link_down") return [];
  if (incident && effect === "app_ddos") {
    // Slow clients: connections held open for the whole minute, a few hundred bytes every few seconds.
    const clients = 200 + Math.floor(incident.intensity * 200);
    for (let k = 0; k < clients; k++) {
      const bytes = 600 + Math.floor(noise3(seed, d, m, 4000 + k) * 3000);
      const attack = {
        srcAddr: `198.18.${(k * 17) % 250}.${(k * 29 + 7) % 250 + 1}`,
        dstAddr: address,
        srcPort: 1024 + ((k * 4099 + 13) % 60000),
        dstPort: ports[0]!,
        protocol: 6,
        bytes,
        packets: Math.max(2, Math.round(bytes / 120)),
        startMs: minute + Math.floor(noise3(seed, d, m, 5000 + k) * 1_000),
        endMs: minute + 59_000,
        tcpFlags: 0x18,
        inputIf: 1,
        outputIf: 2,
      };
      ordinaryIn -= bytes;
      flows.push(attack);
    }
    ordinaryIn = Math.max(0, ordinaryIn);
  } else if (incident && effect === "port_scan") {
    // One source sweeps destination ports: a bare SYN (sometimes a retry) per port, no payload.
    const probes = 300 + Math.floor(incident.intensity * 700);
    const scanner = incidentPeer(incident, "203.0.113");
    const sweep = Math.floor((minute - incident.start.getTime()) / MINUTE) * probes;
    for (let k = 0; k < probes; k++) {
      const at = minute + Math.floor((k * 59_000) / probes);
      const retry = noise3(seed, d, m, 6000 + k) < 0.2;
      flows.push({
        srcAddr: scanner,
        dstAddr: address,
        srcPort: 40000 + (hashString(incident.id) % 20000),
        dstPort: ((sweep + k) % 65535) + 1,
        protocol: 6,
        bytes: retry ? 88 : 44,
        packets: retry ? 2 : 1,
        startMs: at,
        endMs: at + (retry ? 1_000 : 0),
        tcpFlags: 0x02,
        inputIf: 1,
        outputIf: 2,
      });
    }
  } else if (incident && effect === "slow_exfiltration") {
    // The small extra share of the upload goes to the incident's one destination.
    const upload = bytesOut * (1 - 1 / slowExfiltrationFactor(incident.intensity));
    ordinaryOut -= upload;
    push(false, incidentPeer(incident, "192.0.2"), upload, 443, 900);
  } else if (effect === "ddos") {
    // most inbound bytes arrive as small SYN-heavy flows from many sources
    const attackBytes = bytesIn * 0.85;
    ordinaryIn -= attackBytes;
    const sources = 150;
    for (let k = 0; k < sources; k++) {
      const src = `198.18.${(k * 13 + m) % 250}.${(k * 31) % 250 + 1}`;
      push(true, src, attackBytes / sources, ports[0]!, 500 + k, 0x02);
    }
  } else if (incident && effect === "exfiltration") {
    // one large upload to a single external peer
    const upload = bytesOut * 0.9;
    ordinaryOut -= upload;
    push(false, incident.campaignId ? incidentPeer(incident, "192.0.2") : "192.0.2.200", upload, 443, 900);
  }

  const ordinary = 12 + Math.floor(noise3(seed, d, m, 3) * 12);
  // even k inbound, odd k outbound: each direction's bytes are split over that direction's flows
  const inboundFlows = Math.ceil(ordinary / 2);
  const outboundFlows = ordinary - inboundFlows;
  for (let k = 0; k < ordinary; k++) {
    const inbound = k % 2 === 0;
    const share = 1 / (inbound ? inboundFlows : outboundFlows);
    push(inbound, peer(seed, d, k % 16), (inbound ? ordinaryIn : ordinaryOut) * share, ports[k % ports.length]!, k);
  }
  return flows;
}

export interface DemoSyslogLine {
  severity: SyslogSeverity;
  appName: string;
  message: string;
}

/** Syslog lines for one device-minute: a little routine chatter, and what an incident would log. */
export function demoSyslog(input: DemoTrafficInput): DemoSyslogLine[] {
  const { seed, deviceIndex: d, minute } = input;
  const m = Math.floor(minute / MINUTE);
  const lines: DemoSyslogLine[] = [];
  const routine = Math.floor(noise3(seed, d, m, 11) * 3);
  for (let k = 0; k < routine; k++) {
    lines.push(
      k === 0
        ? { severity: "info", appName: "sshd", message: "session opened for user netops" }
        : { severity: "notice", appName: "ntpd", message: "clock synchronised" },
    );
  }
  const incident = activeIncident(input);
  const effect = incident ? incidentEffect(incident) : undefined;
  switch (effect) {
    case "link_down":
      if (incident && minute === incident.start.getTime()) {
        lines.push({ severity: "err", appName: "%LINK-3-UPDOWN", message: "Interface Gi0/1, changed state to down" });
        lines.push({ severity: "notice", appName: "%LINEPROTO-5-UPDOWN", message: "Line protocol on Interface Gi0/1, changed state to down" });
      }
      lines.push({ severity: "warning", appName: "bfd", message: "neighbor 10.255.0.1 session down (interface down)" });
      break;
    case "degradation":
      lines.push({ severity: "warning", appName: "ifmgr", message: "Interface Gi0/1: input errors and CRC increasing" });
      lines.push({ severity: "warning", appName: "bfd", message: "neighbor 10.255.0.1 session timeout" });
      break;
    case "cpu_exhaustion":
      lines.push({ severity: "warning", appName: "sysmon", message: "CPU utilization above 95% for 60 seconds" });
      break;
    case "ddos":
      lines.push({ severity: "warning", appName: "tcp", message: "possible SYN flood on port 443; sending cookies" });
      break;
    case "app_ddos":
      lines.push({ severity: "err", appName: "httpd", message: "server reached MaxRequestWorkers setting, consider raising it" });
      lines.push({ severity: "warning", appName: "httpd", message: "many slow clients: request header read timeouts" });
      break;
    case "port_scan":
      if (incident) {
        lines.push({
          severity: "warning",
          appName: "ids",
          message: `possible port scan from ${incidentPeer(incident, "203.0.113")}: many destination ports in 60 s`,
        });
      }
      break;
    default:
      // exfiltration and slow_exfiltration are silent: nothing on the device notices them.
      break;
  }
  // A link that was down comes back the minute after its incident ends.
  for (const i of input.incidents) {
    if (i.deviceIndex === d && i.end.getTime() === minute && incidentEffect(i) === "link_down") {
      lines.push({ severity: "notice", appName: "%LINK-3-UPDOWN", message: "Interface Gi0/1, changed state to up" });
      lines.push({ severity: "notice", appName: "%LINEPROTO-5-UPDOWN", message: "Line protocol on Interface Gi0/1, changed state to up" });
    }
  }
  return lines;
}
