// COLLECTORS is checked against the collector registry: unset runs all, a list picks in registry
// order, an unknown name stops the start naming the variable and the known names.
import { describe, expect, it } from "vitest";
import { EnvError } from "../../../lib/env";
import { COLLECTOR_NAMES, COLLECTOR_REGISTRY, enabledCollectors } from "../../../workers/collectors/registry";

describe("collector registry", () => {
  it("keys every definition by its own name", () => {
    for (const name of COLLECTOR_NAMES) expect(COLLECTOR_REGISTRY[name].definition.name).toBe(name);
    expect(COLLECTOR_NAMES).toEqual(["netflow", "syslog", "snmp", "prometheus"]);
  });

  it.each([
    [undefined, ["netflow", "syslog", "snmp", "prometheus"]],
    [["syslog", "netflow"], ["netflow", "syslog"]],
    [[], []],
  ])("COLLECTORS=%j runs %j", (names, expected) => {
    expect(enabledCollectors(names)).toEqual(expected);
  });

  it("refuses an unknown collector, naming COLLECTORS and the known ones", () => {
    expect(() => enabledCollectors(["netflow", "sflow"])).toThrow(EnvError);
    expect(() => enabledCollectors(["sflow"])).toThrow('COLLECTORS: unknown collector "sflow" (known: netflow, syslog, snmp, prometheus)');
  });
});
