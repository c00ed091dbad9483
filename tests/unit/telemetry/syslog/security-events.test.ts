import { describe, expect, it } from "vitest";
import { parseSyslog } from "@/lib/telemetry/syslog/parse-syslog";
import { MAX_FIELD, parseSecurityEvent, securityEventOf, type SecurityEvent } from "@/lib/telemetry/syslog/security-events";

const fail = (service: string, user: string | null, source: string | null) => ({ kind: "auth_failure", service, user, source });
const nbr = (protocol: string, neighbor: string, state: "up" | "down") => ({ kind: "neighbor_change", protocol, neighbor, state });
const change = (user: string | null, source: string | null) => ({ kind: "config_change", user, source });

describe("parseSecurityEvent", () => {
  it.each<[string, SecurityEvent | null]>([
    // OpenSSH
    ["sshd[4121]: Failed password for root from 203.0.113.7 port 52144 ssh2", fail("ssh", "root", "203.0.113.7") as SecurityEvent],
    ["Failed password for invalid user oracle from 198.51.100.23 port 40222 ssh2", fail("ssh", "oracle", "198.51.100.23") as SecurityEvent],
    ["Failed publickey for git from 2001:db8::17 port 6000 ssh2: RSA SHA256:abc", fail("ssh", "git", "2001:db8::17") as SecurityEvent],
    ["Failed keyboard-interactive/pam for alice from ::ffff:10.1.2.3 port 22 ssh2", fail("ssh", "alice", "10.1.2.3") as SecurityEvent],
    ["Invalid user admin from 192.0.2.44 port 51812", fail("ssh", "admin", "192.0.2.44") as SecurityEvent],
    ["Accepted password for alice from 10.0.0.9 port 50000 ssh2", null],
    // Cisco IOS login block
    [
      "%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: cisco] [Source: 203.0.113.99] [localport: 22] [Reason: Login Authentication Failed] at 07:12:01 UTC Mon Dec 7 2026",
      fail("login", "cisco", "203.0.113.99") as SecurityEvent,
    ],
    ["%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: netops] [Source: 10.0.0.5] [localport: 22]", null],
    // VPN (Cisco ASA)
    [
      "%ASA-6-113005: AAA user authentication Rejected : reason = AAA failure : server = 10.0.0.10 : user = bob : user IP = 198.51.100.4",
      fail("vpn", "bob", "198.51.100.4") as SecurityEvent,
    ],
    [
      "%ASA-6-113015: AAA user authentication Rejected : reason = Invalid password : local database : user = carol : user IP = 198.51.100.5",
      fail("vpn", "carol", "198.51.100.5") as SecurityEvent,
    ],
    ["%ASA-6-716039: Group <DfltGrpPolicy> User <dave> IP <198.51.100.6> Authentication: rejected, group = RA user = dave, Session Type: WebVPN", fail("vpn", "dave", null) as SecurityEvent],
    // RADIUS / TACACS+
    [
      "Auth: (1234) Login incorrect (pap: Cleartext password does not match \"known good\" password): [erin/<via Auth-Type = PAP>] (from client wlc-1 port 13 cli 10.20.30.40)",
      fail("radius", "erin", "10.20.30.40") as SecurityEvent,
    ],
    ["%RADIUS-4-AUTH: RADIUS authentication failed for user frank from 10.9.8.7", fail("radius", "frank", "10.9.8.7") as SecurityEvent],
    ["tac_plus[881]: login failure: grace 10.0.0.1 (10.0.0.1) tty1 10.50.0.8", fail("tacacs", "grace", "10.50.0.8") as SecurityEvent],
    ["%TACACS-4-AUTH: TACACS+ authentication failed for user heidi from 10.7.7.7", fail("tacacs", "heidi", "10.7.7.7") as SecurityEvent],
    // pam
    ["pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.50  user=ivan", fail("login", "ivan", "203.0.113.50") as SecurityEvent],
    // BGP
    ["%BGP-5-ADJCHANGE: neighbor 192.0.2.1 Down BGP Notification sent", nbr("bgp", "192.0.2.1", "down") as SecurityEvent],
    ["%BGP-5-ADJCHANGE: neighbor 192.0.2.1 vpn vrf CUST-A Up", nbr("bgp", "192.0.2.1", "up") as SecurityEvent],
    ["%BGP-5-ADJCHANGE: peer 10.0.0.2 (VRF default AS 65002) old state OpenConfirm event Established new state Established", nbr("bgp", "10.0.0.2", "up") as SecurityEvent],
    [
      "rpd[1820]: BGP_NEIGHBOR_STATE_CHANGED: BGP peer 198.51.100.1 (External AS 64500) changed state from Established to Idle (event RecvNotify) (instance master)",
      nbr("bgp", "198.51.100.1", "down") as SecurityEvent,
    ],
    ["BGP_NEIGHBOR_STATE_CHANGED: BGP peer 198.51.100.1 (External AS 64500) changed state from OpenConfirm to Established (event RecvKeepAlive)", nbr("bgp", "198.51.100.1", "up") as SecurityEvent],
    // a step between states is no neighbour change
    ["BGP_NEIGHBOR_STATE_CHANGED: BGP peer 198.51.100.1 (External AS 64500) changed state from Active to Connect (event ConnectRetry)", null],
    // OSPF
    ["%OSPF-5-ADJCHG: Process 1, Nbr 10.255.0.2 on GigabitEthernet0/1 from FULL to DOWN, Neighbor Down: Dead timer expired", nbr("ospf", "10.255.0.2", "down") as SecurityEvent],
    ["%OSPF-5-ADJCHG: Process 1, Nbr 10.255.0.2 on GigabitEthernet0/1 from LOADING to FULL, Loading Done", nbr("ospf", "10.255.0.2", "up") as SecurityEvent],
    ["%OSPF-5-ADJCHG: Process 1, Nbr 10.255.0.2 on GigabitEthernet0/1 from INIT to 2WAY, 2-Way Received", null],
    ["RPD_OSPF_NBRDOWN: OSPF neighbor 10.255.1.2 (realm ospf-v2 ge-0/0/1.0 area 0.0.0.0) state changed from Full to Down due to InActiveTimer (event reason: BFD session timed out)", nbr("ospf", "10.255.1.2", "down") as SecurityEvent],
    ["RPD_OSPF_NBRUP: OSPF neighbor 10.255.1.2 (realm ospf-v2 ge-0/0/1.0 area 0.0.0.0) state changed from Loading to Full due to LoadDone", nbr("ospf", "10.255.1.2", "up") as SecurityEvent],
    // IS-IS
    ["%CLNS-5-ADJCHANGE: ISIS: Adjacency to core-2 (GigabitEthernet0/0) Down, hold time expired", nbr("isis", "core-2", "down") as SecurityEvent],
    ["%CLNS-5-ADJCHANGE: ISIS: Adjacency to core-2 (GigabitEthernet0/0) Up, new adjacency", nbr("isis", "core-2", "up") as SecurityEvent],
    ["RPD_ISIS_ADJDOWN: IS-IS lost L2 adjacency to core-3 on ge-0/0/0.0, reason: Aged Out", nbr("isis", "core-3", "down") as SecurityEvent],
    // configuration changes
    ["%SYS-5-CONFIG_I: Configured from console by mallory on vty0 (203.0.113.66)", change("mallory", "203.0.113.66") as SecurityEvent],
    ["%SYS-5-CONFIG_I: Configured from console by console", change("console", null) as SecurityEvent],
    ["%SYS-5-CONFIG_I: Configured from memory by netops from 10.0.0.5", change("netops", "10.0.0.5") as SecurityEvent],
    ["%VSHD-5-VSHD_SYSLOG_CONFIG_I: Configured from vty by admin on 10.0.0.7@pts/0", change("admin", "10.0.0.7") as SecurityEvent],
    ["mgd[3012]: UI_COMMIT: User 'trent' requested 'commit' operation (comment: change 4411)", change("trent", null) as SecurityEvent],
    ["UI_COMMIT_COMPLETED: commit complete", null],
    // ordinary lines
    ["%LINK-3-UPDOWN: Interface Gi0/1, changed state to down", null],
    ["session opened for user netops", null],
    ["", null],
  ])("%s", (text, expected) => {
    expect(parseSecurityEvent(text)).toEqual(expected);
  });

  it("cuts hostile fields: control characters dropped, names cut, a source that is no address or host name is none", () => {
    const long = "u".repeat(500);
    const e = parseSecurityEvent(`%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: \x1b[31m${long}] [Source: <script>alert(1)</script>]`);
    expect(e).toEqual({ kind: "auth_failure", service: "login", user: `[31m${"u".repeat(MAX_FIELD - 4)}`, source: null });
  });

  it("reads the mnemonic from the TAG of a real BSD line (Cisco puts it there)", () => {
    const parsed = parseSyslog(
      Buffer.from("<189>4711: *Dec  7 07:10:00.123: %BGP-5-ADJCHANGE: neighbor 10.255.0.9 Down Peer closed the session"),
      Date.UTC(2026, 11, 7, 7, 10),
      { bsdTimeZone: "utc" },
    );
    if (!parsed.ok) throw new Error(parsed.detail);
    expect(securityEventOf(parsed.message)).toEqual(nbr("bgp", "10.255.0.9", "down"));
    const ssh = parseSyslog(Buffer.from("<38>Dec  7 07:10:01 bastion sshd[911]: Failed password for root from 203.0.113.7 port 4000 ssh2"), 0);
    if (!ssh.ok) throw new Error(ssh.detail);
    expect(securityEventOf(ssh.message)).toEqual(fail("ssh", "root", "203.0.113.7"));
  });
});
