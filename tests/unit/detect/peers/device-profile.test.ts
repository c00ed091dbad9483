import { describe, expect, it } from "vitest";
import {
  buildDeviceProfile,
  encodeConfigFacts,
  PROFILE_FEATURE_INFO,
  PROFILE_FEATURES,
  type DeviceConfigFacts,
} from "@/lib/detect/peers/device-profile";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { createNetworkModel } from "@/lib/simulator/network-model";
import { emptyMetricValues, type MetricSample, type MetricValues } from "@/lib/telemetry/metrics";

const MONDAY = Date.UTC(2025, 0, 6); // 2025-01-06 is a Monday
const MINUTE = 60_000;

function sample(minute: number, values: Partial<MetricValues>): MetricSample {
  return { deviceId: 1, ts: new Date(MONDAY + minute * MINUTE), values: { ...emptyMetricValues(), ...values } };
}

/** One sample per minute from Monday 00:00, values from `valueAt(minute)`. */
function series(minutes: number, valueAt: (minute: number) => Partial<MetricValues>): MetricSample[] {
  return Array.from({ length: minutes }, (_, m) => sample(m, valueAt(m)));
}

describe("buildDeviceProfile: per-metric summaries", () => {
  it.each([
    {
      name: "1..100: mean 50.5, p95 by linear interpolation 95.05",
      values: Array.from({ length: 100 }, (_, i) => i + 1),
      mean: 50.5,
      p95: 95.05,
    },
    { name: "a single sample is both mean and p95", values: [42], mean: 42, p95: 42 },
    { name: "constant series", values: [7, 7, 7, 7], mean: 7, p95: 7 },
    { name: "nulls are ignored, not counted as 0", values: [10, null, 20, null, 30], mean: 20, p95: 29 },
    { name: "non-finite values are ignored", values: [10, Number.NaN, 30, Number.POSITIVE_INFINITY], mean: 20, p95: 29 },
    { name: "no data at all gives null, not 0", values: [null, null], mean: null, p95: null },
  ])("$name", ({ values, mean, p95 }) => {
    const profile = buildDeviceProfile({ device: "d", samples: values.map((v, m) => sample(m, { cpuPct: v })) });
    if (mean === null) {
      expect(profile.features.cpuPctMean).toBeNull();
      expect(profile.features.cpuPctP95).toBeNull();
    } else {
      expect(profile.features.cpuPctMean).toBeCloseTo(mean, 9);
      expect(profile.features.cpuPctP95).toBeCloseTo(p95!, 9);
    }
  });

  it("reports every profile feature, in original units (bps stay bps)", () => {
    const profile = buildDeviceProfile({
      device: "d",
      samples: series(10, () => ({ bandwidthOutBps: 250e6, latencyMs: 0.8 })),
    });
    expect(Object.keys(profile.features).sort()).toEqual([...PROFILE_FEATURES].sort());
    expect(profile.features.bandwidthOutBpsMean).toBe(250e6);
    expect(profile.features.latencyMsP95).toBeCloseTo(0.8, 12);
    expect(PROFILE_FEATURE_INFO.bandwidthOutBpsMean?.unit).toBe("bps");
    // Metrics the device never reported are null, never a made-up value.
    expect(profile.features.distinctPeersMean).toBeNull();
    expect(profile.features.syslogFailuresMean).toBeNull();
  });

  it("an empty window gives a profile of nulls", () => {
    const profile = buildDeviceProfile({ device: "idle", samples: [] });
    expect(profile.sampleCount).toBe(0);
    expect(Object.values(profile.features).every((v) => v === null)).toBe(true);
  });

  it("minSamples: a feature seen in fewer minutes is null", () => {
    const samples = series(20, (m) => ({ cpuPct: 50, memoryPct: m < 3 ? 40 : null }));
    const profile = buildDeviceProfile({ device: "d", samples }, { minSamples: 5 });
    expect(profile.features.cpuPctMean).toBe(50);
    expect(profile.features.memoryPctMean).toBeNull();
  });

  it.each([0, 1.5, -2])("rejects minSamples %s", (minSamples) => {
    expect(() => buildDeviceProfile({ device: "d", samples: [] }, { minSamples })).toThrow(RangeError);
  });
});

describe("buildDeviceProfile: derived traffic features", () => {
  it.each([
    { name: "uploader: out 4× in", inBps: 100e6, outBps: 400e6, ratio: 4 },
    { name: "downloader: out a quarter of in", inBps: 400e6, outBps: 100e6, ratio: 0.25 },
    { name: "idle: 0 in, 0 out is 1, not NaN", inBps: 0, outBps: 0, ratio: 1 },
  ])("outInRatio, $name", ({ inBps, outBps, ratio }) => {
    const profile = buildDeviceProfile({
      device: "d",
      samples: series(30, () => ({ bandwidthInBps: inBps, bandwidthOutBps: outBps })),
    });
    expect(profile.features.outInRatio).toBeCloseTo(ratio, 6);
  });

  // A week of minutes from Monday 00:00 UTC; business hours default to Mon–Fri 08–18 UTC.
  const WEEK = 7 * 1440;
  const isOfficeMinute = (m: number) => m % 1440 >= 8 * 60 && m % 1440 < 18 * 60 && Math.floor(m / 1440) < 5;

  it.each([
    { name: "flat traffic day and night: 0.5", traffic: () => 100e6, share: 0.5 },
    { name: "office hours only: 1", traffic: (m: number) => (isOfficeMinute(m) ? 100e6 : 0), share: 1 },
    { name: "night-time only (backups): 0", traffic: (m: number) => (isOfficeMinute(m) ? 0 : 100e6), share: 0 },
    { name: "three times busier in office hours: 0.75", traffic: (m: number) => (isOfficeMinute(m) ? 300e6 : 100e6), share: 0.75 },
  ])("businessHoursTrafficShare, $name", ({ traffic, share }) => {
    const samples = series(WEEK, (m) => ({ bandwidthInBps: traffic(m) / 2, bandwidthOutBps: traffic(m) / 2 }));
    expect(buildDeviceProfile({ device: "d", samples }).features.businessHoursTrafficShare).toBeCloseTo(share, 9);
  });

  it("businessHoursTrafficShare follows the configured time zone", () => {
    // Busy 08–18 in UTC+2 = 06–16 UTC on weekdays.
    const samples = series(WEEK, (m) => {
      const utcHour = (m % 1440) / 60;
      const busy = Math.floor(m / 1440) < 5 && utcHour >= 6 && utcHour < 16;
      return { bandwidthInBps: busy ? 100e6 : 0, bandwidthOutBps: 0 };
    });
    const atUtc = buildDeviceProfile({ device: "d", samples }).features.businessHoursTrafficShare!;
    const inZone = buildDeviceProfile(
      { device: "d", samples },
      { businessHours: { startHour: 8, endHour: 18, utcOffsetHours: 2 } },
    ).features.businessHoursTrafficShare;
    expect(inZone).toBe(1);
    expect(atUtc).toBeLessThan(1);
  });

  it("businessHoursTrafficShare is null when the window has no off-hours minutes", () => {
    const samples = series(60, () => ({ bandwidthInBps: 1e6, bandwidthOutBps: 1e6 })).map((s) => ({
      ...s,
      ts: new Date(s.ts.getTime() + 10 * 3_600_000), // Monday 10:00–11:00
    }));
    const profile = buildDeviceProfile({ device: "d", samples });
    expect(profile.features.businessHoursTrafficShare).toBeNull();
    expect(profile.features.outInRatio).toBeCloseTo(1, 9);
  });
});

describe("buildDeviceProfile on the demo network", () => {
  // Two weekdays of the simulated fleet, one sample per 10 minutes.
  const devices = demoFleet(20, 1);
  const model = createNetworkModel({ devices, seed: 1 });
  const profileOf = (name: string) => {
    const index = devices.findIndex((d) => d.name === name);
    const samples: MetricSample[] = [];
    for (let m = 0; m < 2 * 1440; m += 10) {
      const ts = new Date(MONDAY + m * MINUTE);
      samples.push({ deviceId: index, ts, values: model.valuesAt(index, ts) });
    }
    return buildDeviceProfile({ device: name, samples }).features;
  };

  it.each([
    { name: "web-dc1-1", role: "web server, serves more than it receives", outIn: [2, 10] },
    { name: "sw-hq-1", role: "access switch, receives more than it sends", outIn: [0.4, 1] },
    { name: "core-rtr-hq-1", role: "core router, balanced", outIn: [0.8, 1.2] },
  ])("$name ($role)", ({ name, outIn }) => {
    const features = profileOf(name);
    expect(features.outInRatio).toBeGreaterThan(outIn[0]!);
    expect(features.outInRatio).toBeLessThan(outIn[1]!);
    // The demo's office curves peak in working hours.
    expect(features.businessHoursTrafficShare).toBeGreaterThan(0.55);
    // Flow-derived metrics are not modelled, so they stay null rather than 0.
    expect(features.distinctDstPortsMean).toBeNull();
    expect(features.bandwidthOutBpsP95!).toBeGreaterThan(features.bandwidthOutBpsMean!);
  });
});

describe("encodeConfigFacts", () => {
  const secure: DeviceConfigFacts = { snmpVersion: "v3", telnetEnabled: false, sshEnabled: true, httpMgmtEnabled: false };
  it.each([
    { name: "SNMPv3, SSH only", facts: secure, expected: { snmpInsecure: 0, telnetEnabled: 0, sshEnabled: 1, httpMgmtEnabled: 0, ntpSynced: null } },
    { name: "SNMPv2c is insecure", facts: { ...secure, snmpVersion: "v2c" as const }, expected: { snmpInsecure: 1 } },
    { name: "SNMPv1 is insecure", facts: { ...secure, snmpVersion: "v1" as const }, expected: { snmpInsecure: 1 } },
    { name: "telnet on", facts: { ...secure, telnetEnabled: true }, expected: { telnetEnabled: 1 } },
    { name: "NTP synced", facts: { ...secure, ntpSynced: true }, expected: { ntpSynced: 1 } },
    { name: "NTP not synced", facts: { ...secure, ntpSynced: false }, expected: { ntpSynced: 0 } },
    {
      name: "unknown facts stay unknown, never 'off'",
      facts: { snmpVersion: null, telnetEnabled: null, sshEnabled: null, httpMgmtEnabled: null },
      expected: { snmpInsecure: null, telnetEnabled: null, sshEnabled: null, httpMgmtEnabled: null, ntpSynced: null },
    },
    {
      name: "no facts at all",
      facts: undefined,
      expected: { snmpInsecure: null, telnetEnabled: null, sshEnabled: null, httpMgmtEnabled: null, ntpSynced: null },
    },
  ])("$name", ({ facts, expected }) => {
    expect(encodeConfigFacts(facts)).toMatchObject(expected);
  });

  it("the profile carries the facts through for drift checks", () => {
    const facts: DeviceConfigFacts = { ...secure, firmware: "17.9.4" };
    expect(buildDeviceProfile({ device: "d", samples: [], config: facts }).config).toEqual(facts);
  });
});
