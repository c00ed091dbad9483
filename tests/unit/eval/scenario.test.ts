import { describe, expect, it } from "vitest";
import { parseScenario } from "@/lib/eval/scenario";
import { scenarioLines, scenarioSourceOf } from "@/lib/eval/scenario-source";

const CONFIG =
  '{"kind":"config","internal_subnets":["10.0.0.0/8"],"devices":[{"name":"web-01","ip":"10.1.50.10","role":"web","site":"hq"},{"name":"core-01","ip":"10.0.0.1","role":"core","site":"hq"}]}';
const METRIC =
  '{"kind":"metric","ts":"2026-01-05T14:00:00Z","device":"web-01","metrics":{"bandwidth_in_bps":1.2e8,"bandwidth_out_bps":3.1e7,"pps":15000,"flows_per_s":420,"conns_per_s":380,"cpu_pct":41,"mem_pct":63,"latency_ms":4.8,"loss_pct":0.01}}';
const FLOW =
  '{"kind":"flow","ts":"2026-01-05T14:00:03Z","src":"10.1.50.10","dst":"203.0.113.9","sport":443,"dport":51544,"proto":6,"bytes":18250,"packets":14,"duration_s":2.5}';
const CALENDAR =
  '{"kind":"calendar","start":"2026-01-20T00:00:00Z","end":"2026-01-22T00:00:00Z","name":"launch campaign","expected_increase":10}';
const MAINTENANCE =
  '{"kind":"maintenance","start":"2026-01-10T02:00:00Z","end":"2026-01-10T04:00:00Z","devices":["core-01"]}';
const LABEL =
  '{"kind":"label","start":"2026-01-21T14:20:00Z","end":"2026-01-21T14:40:00Z","device":"web-01","type":"ddos"}';

const lines = (...ls: string[]) => ls.join("\n");

describe("parseScenario", () => {
  it("parses every line kind of the example", () => {
    const s = parseScenario(lines(CONFIG, METRIC, FLOW, "", CALENDAR, MAINTENANCE, LABEL, ""));
    expect(s.config).toEqual({
      internalSubnets: ["10.0.0.0/8"],
      devices: [
        { name: "web-01", ip: "10.1.50.10", role: "web", site: "hq" },
        { name: "core-01", ip: "10.0.0.1", role: "core", site: "hq" },
      ],
    });
    expect(s.metrics).toEqual([
      {
        ts: new Date("2026-01-05T14:00:00Z"),
        device: "web-01",
        values: {
          bandwidthInBps: 1.2e8,
          bandwidthOutBps: 3.1e7,
          packetsPerSec: 15000,
          flowsPerSec: 420,
          connectionsPerSec: 380,
          cpuPct: 41,
          memoryPct: 63,
          latencyMs: 4.8,
          packetLossPct: 0.01,
        },
      },
    ]);
    expect(s.flows).toEqual([
      {
        ts: new Date("2026-01-05T14:00:03Z"),
        src: "10.1.50.10",
        dst: "203.0.113.9",
        sport: 443,
        dport: 51544,
        proto: 6,
        bytes: 18250,
        packets: 14,
        durationS: 2.5,
      },
    ]);
    expect(s.calendar).toEqual([
      { start: new Date("2026-01-20T00:00:00Z"), end: new Date("2026-01-22T00:00:00Z"), name: "launch campaign", expectedIncrease: 10 },
    ]);
    expect(s.maintenance).toEqual([
      { start: new Date("2026-01-10T02:00:00Z"), end: new Date("2026-01-10T04:00:00Z"), devices: ["core-01"] },
    ]);
    expect(s.labels).toEqual([
      { start: new Date("2026-01-21T14:20:00Z"), end: new Date("2026-01-21T14:40:00Z"), device: "web-01", target: "web-01", type: "ddos" },
    ]);
    expect(s.span).toEqual({ start: new Date("2026-01-05T14:00:00Z"), end: new Date("2026-01-05T14:00:03Z") });
  });

  it("keeps only the metrics a line reports", () => {
    const s = parseScenario(lines(CONFIG, '{"kind":"metric","ts":"2026-01-05T14:00:00Z","device":"web-01","metrics":{"cpu_pct":5}}'));
    expect(s.metrics[0]?.values).toEqual({ cpuPct: 5 });
  });

  it.each([
    { name: "label naming a device IP", device: "10.1.50.10", expected: "web-01" },
    { name: "label naming a device name", device: "core-01", expected: "core-01" },
  ])("resolves a $name", ({ device, expected }) => {
    const s = parseScenario(lines(CONFIG, LABEL.replace('"device":"web-01"', `"device":"${device}"`)));
    expect(s.labels[0]).toMatchObject({ device: expected, target: device });
  });

  it("resolves maintenance devices given as IPs", () => {
    const s = parseScenario(lines(CONFIG, MAINTENANCE.replace('"core-01"', '"10.1.50.10"')));
    expect(s.maintenance[0]?.devices).toEqual(["web-01"]);
  });

  it.each([
    { name: "invalid JSON", text: lines(CONFIG, "{nope"), problem: /line 2: \(json\): / },
    { name: "unknown kind", text: lines(CONFIG, '{"kind":"weather"}'), problem: /line 2: kind: / },
    { name: "bad metric value", text: lines(CONFIG, METRIC.replace('"cpu_pct":41', '"cpu_pct":"high"')), problem: /line 2: metrics\.cpu_pct: / },
    { name: "unknown metric key", text: lines(CONFIG, METRIC.replace('"cpu_pct"', '"cpu"')), problem: /line 2: metrics: .*cpu/ },
    { name: "bad timestamp", text: lines(CONFIG, "", FLOW.replace("2026-01-05T14:00:03Z", "yesterday")), problem: /line 3: ts: / },
    { name: "port out of range", text: lines(CONFIG, FLOW.replace("51544", "70000")), problem: /line 2: dport: / },
    { name: "bad IP", text: lines(CONFIG, FLOW.replace("203.0.113.9", "203.0.113")), problem: /line 2: dst: not an IP address/ },
    { name: "unknown label type", text: lines(CONFIG, LABEL.replace('"ddos"', '"alien"')), problem: /line 2: type: / },
    { name: "end before start", text: lines(CONFIG, CALENDAR.replace("2026-01-22", "2026-01-19")), problem: /line 2: end: must be after start/ },
    { name: "unknown label device", text: lines(CONFIG, LABEL.replace('"web-01"', '"10.9.9.9"')), problem: /line 2: device: unknown device or IP "10\.9\.9\.9"/ },
    { name: "unknown metric device", text: lines(CONFIG, METRIC.replace('"web-01"', '"db-09"')), problem: /line 2: device: unknown device "db-09"/ },
    { name: "bad subnet", text: CONFIG.replace("10.0.0.0/8", "10.0.0.0"), problem: /line 1: internal_subnets\.0: / },
    { name: "duplicate device", text: CONFIG.replace("core-01", "web-01"), problem: /line 1: devices\.1\.name: duplicate device/ },
    { name: "missing config", text: METRIC, problem: /line 1: kind: the scenario has no "config" line/ },
    { name: "second config", text: lines(CONFIG, CONFIG), problem: /line 2: kind: a second "config" line/ },
    { name: "out of time order", text: lines(CONFIG, FLOW, METRIC), problem: /line 3: ts: out of time order/ },
    { name: "missing field", text: lines(CONFIG, FLOW.replace(',"packets":14', "")), problem: /line 2: packets: / },
  ])("reports $name as line: field: message", ({ text, problem }) => {
    expect(() => parseScenario(text)).toThrow(problem);
  });

  it("lists at most 10 problems", () => {
    const bad = Array.from({ length: 15 }, () => "{nope").join("\n");
    let message = "";
    try {
      parseScenario(lines(CONFIG, bad));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^invalid scenario \(15 problems\)/);
    expect(message.match(/line \d+: \(json\)/g)).toHaveLength(10);
    expect(message).toMatch(/… and 5 more$/);
  });
});

const SYSLOG =
  '{"kind":"syslog","ts":"2026-01-05T14:00:30Z","device":"core-01","severity":"notice","message":"%BGP-5-ADJCHANGE: neighbor 10.255.0.2 Down BGP Notification sent"}';
const SNAPSHOT = '{"kind":"snapshot","ts":"2026-01-05T14:00:40Z","device":"10.0.0.1","facts":{"snmp_version":"2c","telnet":true}}';

describe("parseScenario: syslog and snapshot lines", () => {
  it("reads a syslog message and a configuration snapshot, devices by name or IP, unstated facts unknown", () => {
    const s = parseScenario(lines(CONFIG, METRIC, SYSLOG, SNAPSHOT));
    expect(s.syslog).toEqual([
      { ts: new Date("2026-01-05T14:00:30Z"), device: "core-01", severity: "notice", message: "%BGP-5-ADJCHANGE: neighbor 10.255.0.2 Down BGP Notification sent" },
    ]);
    expect(s.snapshots).toEqual([
      { ts: new Date("2026-01-05T14:00:40Z"), device: "core-01", facts: { snmpVersion: "v2c", telnetEnabled: true, sshEnabled: null, httpMgmtEnabled: null } },
    ]);
    // they count for the scenario's span like any telemetry
    expect(s.span).toEqual({ start: new Date("2026-01-05T14:00:00Z"), end: new Date("2026-01-05T14:00:40Z") });
  });

  it("reads every fact a snapshot may state", () => {
    const s = parseScenario(
      lines(CONFIG, SNAPSHOT.replace('{"snmp_version":"2c","telnet":true}', '{"snmp_version":"3","telnet":false,"ssh":true,"http":false,"ntp_synced":true,"firmware":"15.2(7)E"}')),
    );
    expect(s.snapshots[0]?.facts).toEqual({ snmpVersion: "v3", telnetEnabled: false, sshEnabled: true, httpMgmtEnabled: false, ntpSynced: true, firmware: "15.2(7)E" });
  });

  it.each([
    { name: "unknown syslog severity", text: lines(CONFIG, SYSLOG.replace('"notice"', '"loud"')), problem: /line 2: severity: / },
    { name: "empty syslog message", text: lines(CONFIG, SYSLOG.replace(/"message":"[^"]*"/, '"message":""')), problem: /line 2: message: / },
    { name: "oversized syslog message", text: lines(CONFIG, SYSLOG.replace(/"message":"[^"]*"/, `"message":"${"x".repeat(9000)}"`)), problem: /line 2: message: / },
    { name: "syslog from an unknown device", text: lines(CONFIG, SYSLOG.replace('"core-01"', '"rtr-99"')), problem: /line 2: device: unknown device or IP "rtr-99"/ },
    { name: "syslog without a message", text: lines(CONFIG, SYSLOG.replace(/,"message":"[^"]*"/, "")), problem: /line 2: message: / },
    { name: "unknown SNMP version", text: lines(CONFIG, SNAPSHOT.replace('"2c"', '"4"')), problem: /line 2: facts\.snmp_version: / },
    { name: "fact of the wrong type", text: lines(CONFIG, SNAPSHOT.replace('"telnet":true', '"telnet":"yes"')), problem: /line 2: facts\.telnet: / },
    { name: "unknown fact", text: lines(CONFIG, SNAPSHOT.replace('"telnet":true', '"rdp":true')), problem: /line 2: facts: .*rdp/ },
    { name: "snapshot stating nothing", text: lines(CONFIG, SNAPSHOT.replace('{"snmp_version":"2c","telnet":true}', "{}")), problem: /line 2: facts: needs at least one fact/ },
    { name: "snapshot from an unknown device", text: lines(CONFIG, SNAPSHOT.replace('"10.0.0.1"', '"10.9.9.9"')), problem: /line 2: device: unknown device or IP "10\.9\.9\.9"/ },
    { name: "syslog out of time order", text: lines(CONFIG, SNAPSHOT, SYSLOG), problem: /line 3: ts: out of time order/ },
  ])("reports $name as line: field: message", ({ text, problem }) => {
    expect(() => parseScenario(text)).toThrow(problem);
  });

  it("writes them back as the same lines, merged into the telemetry in time order", () => {
    const parsed = parseScenario(lines(CONFIG, METRIC, FLOW, SYSLOG, SNAPSHOT));
    const source = scenarioSourceOf(parsed);
    expect([...source.telemetry()].map((t) => t.kind)).toEqual(["metric", "flow", "syslog", "snapshot"]);
    // on a tie: metrics, syslog, snapshots, then flows
    const tied = parseScenario(lines(CONFIG, METRIC, SYSLOG.replace("14:00:30", "14:00:00"), SNAPSHOT.replace("14:00:40", "14:00:00"), FLOW.replace("14:00:03", "14:00:00")));
    expect([...scenarioSourceOf(tied).telemetry()].map((t) => t.kind)).toEqual(["metric", "syslog", "snapshot", "flow"]);
    const again = parseScenario([...scenarioLines(source)].join("\n"));
    expect(again.syslog).toEqual(parsed.syslog);
    expect(again.snapshots).toEqual(parsed.snapshots);
  });
});
