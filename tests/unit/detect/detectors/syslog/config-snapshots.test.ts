// Configuration fact snapshots (a scenario's `snapshot` lines, the SNMP poller's readings) compared
// reading by reading: a weakening (SNMPv3 → v2c, telnet switched on) is an unauthorized_change, a
// hardening, an unchanged or unknown fact and a device's first reading are not.
import { describe, expect, it } from "vitest";
import { configFactsOf, configSnapshotFindings } from "@/lib/detect/detectors/syslog/unauthorized-change";

const at = (min: number) => new Date(Date.UTC(2026, 11, 7, 2, min)).toISOString();

describe("configuration fact snapshots", () => {
  it("reads the scenario's keys and the worker's alike; anything not understood is unknown", () => {
    expect(configFactsOf({ snmp_version: "2c", telnet: true })).toEqual({ snmpVersion: "v2c", telnetEnabled: true, sshEnabled: null, httpMgmtEnabled: null });
    expect(configFactsOf({ snmpVersion: "v3", sshEnabled: false, http: true })).toEqual({ snmpVersion: "v3", telnetEnabled: null, sshEnabled: false, httpMgmtEnabled: true });
    expect(configFactsOf({ snmp_version: 3 })).toMatchObject({ snmpVersion: "v3" });
    expect(configFactsOf({ snmp_version: "4", telnet: "yes" })).toEqual({ snmpVersion: null, telnetEnabled: null, sshEnabled: null, httpMgmtEnabled: null });
  });

  it("raises each weakening between consecutive readings of a device, in time order, with what changed", () => {
    const findings = configSnapshotFindings([
      // given out of order: compared in time order
      { ts: at(10), device: "core-1", facts: { snmp_version: "2c", telnet: true } },
      { ts: at(0), device: "core-1", facts: { snmp_version: "3", telnet: false } },
      { ts: at(5), device: "edge-2", facts: { snmp_version: "3", telnet: false } },
      { ts: at(6), device: "edge-2", facts: { snmp_version: "3", telnet: false } },
    ]);
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f!.device).toBe("core-1");
    expect(f!.ts.toISOString()).toBe(at(10));
    expect(f!.detection).toMatchObject({
      anomalyType: "unauthorized_change",
      severity: "high",
      observed: { value: 2, ts: at(10) },
      evidence: { weakened: [{ fact: "snmpVersion", from: "v3", to: "v2c" }, { fact: "telnetEnabled", from: "false", to: "true" }], previousReading: at(0) },
    });
    expect(f!.detection.explanation).toBe(`core-1: SNMP downgraded from v3 to v2c, telnet enabled since the previous reading at ${at(0)}.`);
  });

  it("ignores the first reading, hardening, and a fact the previous reading did not know", () => {
    expect(
      configSnapshotFindings([
        { ts: at(0), device: "core-1", facts: { snmp_version: "2c", telnet: true } },
        { ts: at(1), device: "core-1", facts: { snmp_version: "3", telnet: false } },
        { ts: at(2), device: "core-2", facts: { snmp_version: "3" } },
        { ts: at(3), device: "core-2", facts: { snmp_version: "3", telnet: true } },
      ]),
    ).toEqual([]);
  });
});
