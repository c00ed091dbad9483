// The security-relevant events a syslog message's text may carry, parsed into fields: failed logins
// (who, from where, through which service), routing neighbour changes (protocol, neighbour, up/down)
// and configuration changes (who, from where). The device the message came from is the target; the
// caller knows it. Pure: a table of patterns, first match wins, nothing matched → null.
//
// Only what the sender states is taken: a user or source the line does not name is null. Field values
// come from hostile senders, so they are cut to MAX_FIELD characters and must look like what they are
// (a source is an IP address or a host name, not free text).
import ipaddr from "ipaddr.js";
import type { SyslogMessage } from "@/lib/telemetry/syslog-message";

export type AuthService = "ssh" | "login" | "radius" | "tacacs" | "vpn";
export type RoutingProtocol = "bgp" | "ospf" | "isis";

export type SecurityEvent =
  | { kind: "auth_failure"; service: AuthService; user: string | null; source: string | null }
  | { kind: "neighbor_change"; protocol: RoutingProtocol; neighbor: string; state: "up" | "down" }
  | { kind: "config_change"; user: string | null; source: string | null };

/** Longest user or neighbour name kept; longer ones are cut (a sender chooses them). */
export const MAX_FIELD = 64;

const IPV4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const IPV6 = String.raw`[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+`;
const ADDR = `(${IPV4}|${IPV6})`;
// user names: anything up to whitespace (OpenSSH logs them as sent, quotes and all)
const USER = String.raw`(\S{1,256})`;

function clean(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  // control characters never belong in a name and would reach logs and the UI
  // eslint-disable-next-line no-control-regex
  const v = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, "").trim();
  if (v === "" || v === "-" || v === "*****") return null;
  return v.length > MAX_FIELD ? v.slice(0, MAX_FIELD) : v;
}

/** An IP address (normalised) or a plausible host name; anything else is no source. */
function source(value: string | undefined | null): string | null {
  const v = clean(value);
  if (v === null) return null;
  if (ipaddr.isValid(v) && (v.includes(":") || ipaddr.IPv4.isValidFourPartDecimal(v))) {
    const parsed = ipaddr.parse(v);
    // IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 sender
    const unmapped = parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
    return unmapped.toString();
  }
  return /^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/.test(v) ? v.toLowerCase() : null;
}

function state(word: string): "up" | "down" | null {
  const w = word.toLowerCase();
  if (w === "up" || w === "full" || w === "established") return "up";
  if (w === "down") return "down";
  return null;
}

type Rule = (text: string) => SecurityEvent | null;

const auth = (service: AuthService, user: string | undefined, src: string | undefined): SecurityEvent => ({
  kind: "auth_failure",
  service,
  user: clean(user),
  source: source(src),
});

const rule = (pattern: RegExp, make: (m: RegExpExecArray) => SecurityEvent | null): Rule => (text) => {
  const m = pattern.exec(text);
  return m ? make(m) : null;
};

// In order: the first rule that matches decides.
const RULES: readonly Rule[] = [
  // --- failed logins ---
  // OpenSSH: "Failed password for [invalid user ]X from A port P ssh2" (also publickey, keyboard-interactive…)
  rule(new RegExp(String.raw`\bFailed (?:password|publickey|keyboard-interactive(?:/pam)?|none|hostbased) for (?:invalid user )?${USER} from ${ADDR}`), (m) =>
    auth("ssh", m[1], m[2]),
  ),
  // OpenSSH: "Invalid user X from A port P" (a name that does not exist: each one is an attempt)
  rule(new RegExp(String.raw`\bInvalid user ${USER}? ?from ${ADDR}`), (m) => auth("ssh", m[1], m[2])),
  // Cisco IOS: "%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: X] [Source: A] [localport: 22] ..."
  rule(/%SEC_LOGIN-\d-LOGIN_FAILED\b.*?\[user: ?([^\]]*)\](?:.*?\[Source: ?([^\]]*)\])?/i, (m) => auth("login", m[1], m[2])),
  // Cisco ASA, remote access VPN: "%ASA-6-113005: AAA user authentication Rejected : reason = … : user = X : user IP = A"
  // (113015 is the same for the local database)
  rule(/%ASA-\d-1130(?:05|15)\b.*?\buser = ([^:]*?) : user IP = ([0-9A-Fa-f.:]+)/, (m) => auth("vpn", m[1], m[2])),
  // Cisco ASA, AnyConnect/WebVPN: "%ASA-6-716039: … Authentication: rejected, group = G user = X, Session Type: …"
  rule(/%ASA-\d-716039\b.*?\buser = ([^,\s]*)/, (m) => auth("vpn", m[1], undefined)),
  // FreeRADIUS: "Login incorrect (…): [X/<via Auth-Type = PAP>] (from client NAS port N cli A)"
  rule(/\bLogin incorrect\b[^[]*\[([^\]/]*)[^\]]*\](?:.*?\bcli ([0-9A-Fa-f.:-]+))?/, (m) =>
    auth("radius", m[1], m[2] && ipaddr.isValid(m[2]) ? m[2] : undefined),
  ),
  // tac_plus: "login failure: X NAS (NAS-IP) tty A"; TACACS+ servers and Cisco "TACACS+ authentication failed for user X from A"
  rule(new RegExp(String.raw`\blogin failure: ${USER} \S+ \([^)]*\) \S+ ${ADDR}`), (m) => auth("tacacs", m[1], m[2])),
  rule(new RegExp(String.raw`\b(?:tac_plus|tacacs\+?)\b.*?\b(?:login|authentication) fail\w*:? (?:for (?:user )?)?${USER}(?:.*?\bfrom ${ADDR})?`, "i"), (m) =>
    auth("tacacs", m[1], m[2]),
  ),
  // Cisco AAA with RADIUS: "%AAA-… RADIUS … authentication failed for user X from A" (any vendor phrasing this way)
  rule(new RegExp(String.raw`\bRADIUS\b.*?\b(?:authentication|login) (?:fail\w*|rejected) (?:for (?:user )?)?${USER}(?:.*?\bfrom ${ADDR})?`, "i"), (m) =>
    auth("radius", m[1], m[2]),
  ),
  // pam_unix: "authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=A  user=X"
  rule(/\bauthentication failure;.*?\brhost=(\S*)(?:\s+user=(\S+))?/, (m) => auth("login", m[2], m[1])),

  // --- routing neighbours ---
  // Cisco IOS/NX-OS: "%BGP-5-ADJCHANGE: neighbor A [vpn vrf V] Up|Down …"
  rule(/%BGP-\d-ADJCHANGE:.*?\bneighbor (\S+)(?: vpn vrf \S+)? (Up|Down)\b/i, (m) => neighbor("bgp", m[1]!, m[2]!)),
  // Arista EOS: "%BGP-3-NOTIFICATION"/"%BGP-5-ADJCHANGE: peer A (VRF v AS n) old state S event E new state T"
  rule(/%BGP-\d-ADJCHANGE:.*?\bpeer (\S+).*?\bold state (\w+).*?\bnew state (\w+)/i, (m) => transition("bgp", m[1]!, m[2]!, m[3]!)),
  // Cisco: "%OSPF-5-ADJCHG: Process 1, Nbr A on IF from FULL to DOWN, Neighbor Down: Dead timer expired"
  rule(/%OSPF(?:V3)?-\d-ADJCHG:.*?\bNbr (\S+?),? on \S+ from (\w+) to (\w+)/i, (m) => transition("ospf", m[1]!, m[2]!, m[3]!)),
  // Cisco IS-IS: "%CLNS-5-ADJCHANGE: ISIS: Adjacency to R2 (Gi0/0) Up, new adjacency"
  rule(/%CLNS-\d-ADJCHANGE:.*?\bAdjacency to (\S+)(?: \([^)]*\))? (Up|Down)\b/i, (m) => neighbor("isis", m[1]!, m[2]!)),
  // Juniper: "BGP_NEIGHBOR_STATE_CHANGED: BGP peer A (External AS n) changed state from Established to Idle (event …)"
  rule(/\bBGP_NEIGHBOR_STATE_CHANGED:.*?\bpeer (\S+).*?\bchanged state from (\w+) to (\w+)/, (m) => transition("bgp", m[1]!, m[2]!, m[3]!)),
  // Juniper: "RPD_OSPF_NBRDOWN|NBRUP: OSPF neighbor A (realm …) state changed from Full to Down due to …"
  rule(/\bRPD_OSPF_NBR(?:DOWN|UP):.*?\bneighbor (\S+).*?\bstate changed from (\w+) to (\w+)/, (m) => transition("ospf", m[1]!, m[2]!, m[3]!)),
  // Juniper IS-IS: "RPD_ISIS_ADJDOWN|ADJUP: IS-IS lost|new L2 adjacency to R2 on ge-0/0/0.0"
  rule(/\bRPD_ISIS_ADJ(DOWN|UP):.*?\badjacency to (\S+)/, (m) => neighbor("isis", m[2]!, m[1]!)),

  // --- configuration changes ---
  // Cisco IOS / Arista: "%SYS-5-CONFIG_I: Configured from console by X on vty0 (A)"; "… by X from A"
  rule(/%SYS-\d-CONFIG_I: Configured from \S+ by (\S+)(?: on \S+)?(?: \(([^)]*)\)| from (\S+))?/, (m) => ({
    kind: "config_change",
    user: clean(m[1]),
    source: source(m[2] ?? m[3]),
  })),
  // Cisco NX-OS: "%VSHD-5-VSHD_SYSLOG_CONFIG_I: Configured from vty by X on A@pts/0"
  rule(/%VSHD-\d-VSHD_SYSLOG_CONFIG_I: Configured from \S+ by (\S+)(?: on ([^@\s]+))?/, (m) => ({
    kind: "config_change",
    user: clean(m[1]),
    source: source(m[2]),
  })),
  // Juniper: "UI_COMMIT: User 'X' requested 'commit' operation (comment: …)"
  rule(/\bUI_COMMIT: User '([^']*)' requested '(?:commit|commit synchronize)'/, (m) => ({ kind: "config_change", user: clean(m[1]), source: null })),
];

function neighbor(protocol: RoutingProtocol, name: string, word: string): SecurityEvent | null {
  const s = state(word);
  const n = clean(name.replace(/[,:]$/, ""));
  return s && n ? { kind: "neighbor_change", protocol, neighbor: n, state: s } : null;
}

/**
 * A state machine transition: into the working state (Full, Established) is "up", out of it is
 * "down"; the steps between (Init → 2Way, Active → Connect) are neither and count for nothing.
 */
function transition(protocol: RoutingProtocol, name: string, from: string, to: string): SecurityEvent | null {
  const working = (w: string) => state(w) === "up";
  if (working(to) && !working(from)) return neighbor(protocol, name, "up");
  if (working(from) && !working(to)) return neighbor(protocol, name, "down");
  return null;
}

/** Longest text looked at: real messages are far shorter; a 16 MB frame must not cost 16 MB of regex work. */
const MAX_TEXT = 2048;

/** The event of a parsed message: devices put the mnemonic in the TAG ("%BGP-5-ADJCHANGE:", "sshd[42]:"). */
export function securityEventOf(message: Pick<SyslogMessage, "appName" | "message">): SecurityEvent | null {
  return parseSecurityEvent(message.appName ? `${message.appName}: ${message.message}` : message.message);
}

export function parseSecurityEvent(text: string): SecurityEvent | null {
  if (!text) return null;
  const t = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  for (const r of RULES) {
    const e = r(t);
    if (e) return e;
  }
  return null;
}
