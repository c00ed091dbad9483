// What the demo network puts on the wire for one device-minute: flow records whose byte and packet
// totals follow the network model's bandwidth for that minute (shaped by any active incident: a DDoS
// is many small flows from many sources, an application-layer DDoS many long low-byte connections, a
// port scan one source probing many ports, an exfiltration one large upload to one peer, a link down
// no traffic at all; the security kinds: a UDP tunnel taking over the protocol mix, sessions to new
// internal hosts, an upload to a new country, a Stratum session to a mining pool), and the syslog lines the device would send (failed
// logins, BGP neighbour changes, configuration changes). Benign look-alikes add what must not alert.
// Pure and deterministic: (seed, device, minute) → traffic.
import type { DeviceSpec } from "./demo-fleet";
import { geoUploadBytes, incidentActiveAt, incidentEffect, SIMULATED_POOL_PORTS, slowExfiltrationFactor, type Incident } from "./incidents";
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

/**
 * A stable pool of external peers per device. Real public addresses in one US network (142.250.0–39.x,
 * placed in the US by the shipped IP databases), so the geography of ordinary traffic is learnt; they are
 * only named in flow records, nothing is ever contacted.
 */
function peer(seed: number, device: number, k: number): string {
  const n = Math.floor(noise3(seed, device, k, 77) * 40);
  return `142.250.${n}.${(n * 7 + device) % 250 + 2}`;
}

/** Benign events that look like the security kinds and must not alert (the evaluation's look-alikes). */
export interface SecurityLookalike {
  /**
   * mistyped_password: a user fails twice, then logs in; cdn_new_country: a CDN node in a country the
   * device never used serves a few hundred kB a minute; scheduled_change: a configuration change (inside
   * a maintenance window); planned_bgp_reset: a BGP session reset once (down at start, up at the end);
   * tool_on_pool_port: a session to an internal host's port 4444 (a mining port) with the CPU as usual.
   */
  kind: "mistyped_password" | "cdn_new_country" | "scheduled_change" | "planned_bgp_reset" | "tool_on_pool_port";
  deviceIndex: number;
  /** Minute-aligned; end exclusive. */
  start: Date;
  end: Date;
}

/** Bytes a minute the look-alike CDN node serves: far under the geo detector's 5 MB. */
export const CDN_BYTES_PER_MINUTE = 300_000;
/** Internal hosts lateral movement reaches in the evaluation (no device lives there). */
const LATERAL_NET = "10.250";
const LATERAL_PORTS = [445, 3389, 22, 5985, 135] as const;
/** Countries a geo_anomaly uploads to: addresses the shipped databases place in RU (Yandex) and CN (Alibaba). */
const NEW_COUNTRY_NETS = ["77.88.55", "223.5.5"] as const;

export interface DemoTrafficInput {
  seed: number;
  deviceIndex: number;
  device: DeviceSpec;
  address: string;
  minute: number;
  values: MetricValues;
  incidents: readonly Incident[];
  /** Benign look-alikes of the security kinds (the evaluation's; the live demo has none). */
  lookalikes?: readonly SecurityLookalike[];
  /**
   * Whether the device's configuration polls carry the changes `changeSeenByPoll` picks (the evaluation's
   * snapshot lines); those are then not logged. Without it every unauthorized change is logged.
   */
  configPolls?: boolean;
  /**
   * Internal hosts lateral movement may reach. The live demo passes its other devices: each host a
   * flow names inside the internal subnets is discovered as a device, so unowned 10.250 targets would
   * fill the demo's inventory with hosts nobody has (78 after an hour in the e2e). Without it (the
   * evaluation's scenarios) the targets are hosts in 10.250/16.
   */
  lateralTargets?: readonly string[];
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
  } else if (incident && effect === "protocol_shift") {
    // a UDP tunnel (OpenVPN's port) takes over most of the bytes, both ways, with the usual peers
    const share = 0.6 + 0.3 * incident.intensity;
    const tunnelIn = ordinaryIn * share;
    const tunnelOut = ordinaryOut * share;
    ordinaryIn -= tunnelIn;
    ordinaryOut -= tunnelOut;
    for (let k = 0; k < 24; k++) {
      const inbound = k % 2 === 0;
      const bytes = (inbound ? tunnelIn : tunnelOut) / 12;
      flows.push({
        srcAddr: inbound ? peer(seed, d, k % 4) : address,
        dstAddr: inbound ? address : peer(seed, d, k % 4),
        srcPort: inbound ? 1194 : 40000 + k,
        dstPort: inbound ? 40000 + k : 1194,
        protocol: 17,
        bytes: Math.max(40, Math.round(bytes)),
        packets: Math.max(1, Math.round(bytes / 1200)),
        startMs: minute + k * 1_000,
        endMs: minute + 59_000,
        tcpFlags: 0,
        inputIf: 1,
        outputIf: 2,
      });
    }
  } else if (incident && effect === "lateral_movement") {
    // sessions (several packets each) to internal hosts never contacted, on administration ports
    const known = input.lateralTargets?.filter((a) => a !== address) ?? [];
    const targets = Math.min(6 + Math.floor(incident.intensity * 6), known.length || Infinity);
    const h = hashString(incident.id);
    for (let k = 0; k < targets; k++) {
      const n = (m - Math.floor(incident.start.getTime() / MINUTE)) * targets + k;
      const dstAddr = known.length > 0 ? known[(h + k) % known.length]! : `${LATERAL_NET}.${(h + Math.floor(n / 250)) % 250}.${(n % 250) + 2}`;
      const at = minute + Math.floor((k * 50_000) / targets);
      const bytes = 4_000 + Math.floor(noise3(seed, d, m, 7000 + k) * 40_000);
      flows.push({
        srcAddr: address,
        dstAddr,
        srcPort: 49152 + ((h + n) % 16000),
        dstPort: LATERAL_PORTS[n % LATERAL_PORTS.length]!,
        protocol: 6,
        bytes,
        packets: 8 + Math.floor(bytes / 1400),
        startMs: at,
        endMs: at + 8_000,
        tcpFlags: 0x1b,
        inputIf: 1,
        outputIf: 2,
      });
    }
  } else if (incident && effect === "crypto_mining") {
    // a Stratum session to the pool, both ways: jobs in, shares out, a few kB a minute
    const pool = incidentPeer(incident, "203.0.113");
    const port = SIMULATED_POOL_PORTS[hashString(incident.id) % SIMULATED_POOL_PORTS.length]!;
    const up = 3_000 + Math.floor(noise3(seed, d, m, 8000) * 9_000);
    const down = 6_000 + Math.floor(noise3(seed, d, m, 8001) * 20_000);
    const sport = 49152 + (hashString(incident.id) % 16000);
    flows.push(
      { srcAddr: address, dstAddr: pool, srcPort: sport, dstPort: port, protocol: 6, bytes: up, packets: 20 + Math.floor(up / 400), startMs: minute, endMs: minute + 59_000, tcpFlags: 0x18, inputIf: 2, outputIf: 1 },
      { srcAddr: pool, dstAddr: address, srcPort: port, dstPort: sport, protocol: 6, bytes: down, packets: 20 + Math.floor(down / 600), startMs: minute, endMs: minute + 59_000, tcpFlags: 0x18, inputIf: 1, outputIf: 2 },
    );
    ordinaryOut = Math.max(0, ordinaryOut - up);
    ordinaryIn = Math.max(0, ordinaryIn - down);
  } else if (incident && effect === "geo_anomaly") {
    // an upload to one peer in a country the device never used, on top of its own traffic
    const net = NEW_COUNTRY_NETS[hashString(incident.id) % NEW_COUNTRY_NETS.length]!;
    push(false, `${net}.${(hashString(incident.id) % 200) + 20}`, geoUploadBytes(incident.intensity), 443, 950);
  }
  for (const l of input.lookalikes ?? []) {
    if (l.deviceIndex !== d || minute < l.start.getTime() || minute >= l.end.getTime()) continue;
    if (l.kind === "cdn_new_country") {
      // a CDN node abroad serving a page's assets: little, and ordinary
      push(true, `54.230.1.${(hashString(`${l.start.toISOString()}|${d}`) % 40) + 10}`, CDN_BYTES_PER_MINUTE, 443, 960);
    } else if (l.kind === "tool_on_pool_port") {
      // a developer's tool that happens to listen on 4444 (Metasploit's default, also a pool port), the CPU as usual
      const bytes = 2_000 + Math.floor(noise3(seed, d, m, 8100) * 8_000);
      flows.push({ srcAddr: address, dstAddr: `10.${20 + (d % 200)}.4.44`, srcPort: 50_000 + (m % 10_000), dstPort: 4444, protocol: 6, bytes, packets: 10 + Math.floor(bytes / 500), startMs: minute, endMs: minute + 30_000, tcpFlags: 0x1b, inputIf: 2, outputIf: 1 });
      ordinaryOut = Math.max(0, ordinaryOut - bytes);
    }
  }

  if (effect === "geo_anomaly") ordinaryOut = Math.max(0, ordinaryOut - geoUploadBytes(incident!.intensity));
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

/** At or above this intensity an unauthorized_change on a hardened device is a poll finding telnet and SNMPv2c on, not a syslog line. */
const UNAUTHORIZED_SNAPSHOT_INTENSITY = 0.8;

/** Whether this unauthorized_change shows in the device's configuration polls (telnet and SNMPv2c switched on) rather than in syslog. */
export function changeSeenByPoll(incident: Incident, device: DeviceSpec): boolean {
  return incident.intensity >= UNAUTHORIZED_SNAPSHOT_INTENSITY && device.config?.snmpVersion === "v3" && device.config.telnetEnabled === false;
}
/** Accounts a password spray walks through. */
const SPRAYED_ACCOUNTS = ["admin", "oracle", "test", "backup", "jenkins", "postgres", "ubuntu", "support", "guest", "ftp"];

function clockOf(minute: number): string {
  return new Date(minute).toISOString().slice(11, 19);
}

/** One failed login as the device logs it: OpenSSH on servers, IOS login on network gear. */
function authFailureLine(input: DemoTrafficInput, user: string, from: string): DemoSyslogLine {
  return input.device.role === "server"
    ? { severity: "info", appName: "sshd", message: `Failed password for ${user} from ${from} port ${40000 + (hashString(user) % 20000)} ssh2` }
    : {
        severity: "warning",
        appName: "%SEC_LOGIN-4-LOGIN_FAILED",
        message: `Login failed [user: ${user}] [Source: ${from}] [localport: 22] [Reason: Login Authentication Failed] at ${clockOf(input.minute)} UTC`,
      };
}

/** A credential attack's minute: brute force (one account, 3–5 tries) or spraying (3–5 accounts), from one source. */
function credentialAttackLines(input: DemoTrafficInput, incident: Incident, m: number): DemoSyslogLine[] {
  const h = hashString(incident.id);
  const from = `185.220.101.${(h % 200) + 20}`;
  const tries = 3 + Math.floor(noise3(input.seed, input.deviceIndex, m, 8000) * 3);
  const spraying = incident.intensity >= 0.5;
  const lines: DemoSyslogLine[] = [];
  for (let k = 0; k < tries; k++) {
    const user = spraying ? SPRAYED_ACCOUNTS[(m * tries + k + h) % SPRAYED_ACCOUNTS.length]! : "root";
    lines.push(authFailureLine(input, spraying && input.device.role === "server" ? `invalid user ${user}` : user, from));
  }
  return lines;
}

/** The device's BGP neighbour going down or coming up (Cisco's ADJCHANGE). */
function bgpLine(input: DemoTrafficInput, state: "Down" | "Up"): DemoSyslogLine {
  const neighbor = `10.255.${input.deviceIndex % 250}.2`;
  return {
    severity: "notice",
    appName: "%BGP-5-ADJCHANGE",
    message: state === "Down" ? `neighbor ${neighbor} Down BGP Notification sent` : `neighbor ${neighbor} Up`,
  };
}

/** A configuration change by `user`: IOS's CONFIG_I on network gear, Junos-style commit on servers' hosts. */
function configChangeLine(input: DemoTrafficInput, user: string): DemoSyslogLine {
  return input.device.role === "server"
    ? { severity: "notice", appName: "mgd", message: `UI_COMMIT: User '${user}' requested 'commit' operation (comment: none)` }
    : { severity: "notice", appName: "%SYS-5-CONFIG_I", message: `Configured from console by ${user} on vty0 (10.0.0.5)` };
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
    case "credential_attack":
      if (incident) lines.push(...credentialAttackLines(input, incident, m));
      break;
    case "routing_flap":
      if (incident) {
        // every minute (fast), or twice two hours apart in each day's window (slow): down, then up
        const offset = Math.round((minute - incident.start.getTime()) / MINUTE) % 1440;
        const step = incident.dailyMinutes === undefined ? offset : offset % 120 <= 1 ? offset % 120 : -1;
        if (step >= 0) lines.push(bgpLine(input, step % 2 === 0 ? "Down" : "Up"));
      }
      break;
    case "unauthorized_change":
      if (incident && minute === incident.start.getTime() && !(input.configPolls && changeSeenByPoll(incident, input.device))) {
        // a known admin outside any window, or an account nobody knows
        lines.push(configChangeLine(input, incident.intensity < 0.4 ? "netops" : `svc-${hashString(incident.id) % 90 + 10}`));
      }
      break;
    default:
      // exfiltration and slow_exfiltration are silent: nothing on the device notices them; protocol
      // shifts, lateral movement and geography are seen in flows only.
      break;
  }
  for (const l of input.lookalikes ?? []) {
    if (l.deviceIndex !== d) continue;
    const first = minute === l.start.getTime();
    if (l.kind === "mistyped_password" && minute >= l.start.getTime() && minute < l.start.getTime() + 2 * MINUTE) {
      // a user gets the password wrong twice, some 20 s apart across a minute's turn, then right
      const from = `10.${(d * 7) % 250}.${(Math.floor(l.start.getTime() / MINUTE) % 200) + 20}.${(Math.floor(l.start.getTime() / MINUTE) % 50) + 2}`;
      lines.push(authFailureLine(input, "alice", from));
      if (first) continue;
      lines.push(
        input.device.role === "server"
          ? { severity: "info", appName: "sshd", message: `Accepted password for alice from ${from} port 52114 ssh2` }
          : { severity: "notice", appName: "%SEC_LOGIN-5-LOGIN_SUCCESS", message: `Login Success [user: alice] [Source: ${from}] [localport: 22] at ${clockOf(minute)} UTC` },
      );
    } else if (l.kind === "scheduled_change" && first) {
      lines.push(configChangeLine(input, "netops"));
    } else if (l.kind === "planned_bgp_reset") {
      if (first) lines.push(bgpLine(input, "Down"));
      else if (minute === l.end.getTime() - MINUTE) lines.push(bgpLine(input, "Up"));
    }
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
