import { describe, expect, it } from "vitest";
import { matchFailureKeywords } from "@/lib/telemetry/syslog/failure-keywords";

describe("matchFailureKeywords", () => {
  it.each<[string, string[]]>([
    // down
    ["Interface GigabitEthernet0/1 down", ["down"]],
    ["%LINK-3-UPDOWN: Interface Gi0/1, changed state to down", ["down"]],
    ["%LINK-3-UPDOWN: Interface Gi0/1, changed state to up", []],
    ["link-down detected on port 7", ["down"]],
    ["BGP neighbor 10.0.0.1 went DOWN", ["down"]],
    ["firmware download complete", []],
    ["system shutdown requested by admin", []],
    // fail
    ["Power supply 2 failed", ["fail"]],
    ["fan failure detected", ["fail"]],
    ["HA failover to standby unit", ["fail"]],
    ["job fails intermittently", ["fail"]],
    ["failsafe", ["fail"]],
    ["counter \"nofail\" reset", []],
    // error
    ["ERROR: disk /dev/sda unreadable", ["error"]],
    ["3 CRC errors on ge-0/0/1", ["error"]],
    ["terror alert level", []],
    ["errno 5", []],
    // unreachable
    ["Destination Host Unreachable", ["unreachable"]],
    // timeout
    ["DHCP request timeout", ["timeout"]],
    ["connection timed out after 30s", ["timeout"]],
    ["RADIUS server time-out", ["timeout"]],
    ["2 timeouts in the last minute", ["timeout"]],
    // authentication failure (subsumes its own fail-word)
    ["pam_unix(sshd:auth): authentication failure; rhost=203.0.113.9", ["authentication failure"]],
    ["Authentication failed for user admin", ["authentication failure"]],
    ["SNMP auth failures from 10.1.1.1", ["authentication failure"]],
    ["login failed; authentication failure for root", ["fail", "authentication failure"]],
    // negations
    ["backup finished with 0 errors", []],
    ["no errors detected", []],
    ["link is not down", []],
    ["transfer completed without error", []],
    ["no authentication failure in 24h", []],
    ["10 errors on port 3", ["error"]],
    // several keywords, each once, in FAILURE_KEYWORDS order
    ["timeout talking to peer; peer unreachable; session down; error 7; error 8", ["down", "error", "unreachable", "timeout"]],
    ["", []],
  ])("%j → %j", (text, expected) => {
    expect(matchFailureKeywords(text)).toEqual(expected);
  });
});
