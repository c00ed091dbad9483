// How much CPU the worker's minute detection takes for a fleet: every registered detector (statistical,
// flow threats, Isolation Forest per role) on every device every minute, exactly as the pipeline runs
// them through lib/detect/detection-engine.ts. Baselines come from a week of the demo network model
// per device; the measured part is only the minute scoring. Prints CPU ms per fleet-minute and the
// share of one core. Usage:
//   node --import tsx scripts/bench-fleet-scoring.ts [--devices 1000] [--minutes 30] [--history-days 7]
import { parseArgs } from "node:util";
import { DetectionEngine } from "@/lib/detect/detection-engine";
import { trainBaselineIndex, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import type { RoleModelDevice } from "@/lib/detect/models/multivariate-model";
import { trainDeviceModels } from "@/lib/detect/models/role-models";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { createNetworkModel } from "@/lib/simulator/network-model";
import type { MetricSample } from "@/lib/telemetry/metrics";
import { DETECTORS } from "@/lib/detect/registry";

const { values: args } = parseArgs({
  options: {
    devices: { type: "string", default: "1000" },
    minutes: { type: "string", default: "30" },
    "history-days": { type: "string", default: "7" },
  },
});
const DEVICES = Number(args.devices);
const MINUTES = Number(args.minutes);
const HISTORY_DAYS = Number(args["history-days"]);
const MINUTE = 60_000;

const start = Date.parse("2026-03-02T00:00:00Z");
const fleet = demoFleet(DEVICES, 11);
const model = createNetworkModel({ devices: fleet, seed: 11 });
const engine = new DetectionEngine({ detectors: DETECTORS });
const baselines = new Map<number, BaselineIndex>();
const forestInput: RoleModelDevice[] = [];
const live = start + HISTORY_DAYS * 86_400_000;

const t0 = performance.now();
fleet.forEach((device, d) => {
  const samples: MetricSample[] = [];
  for (let m = start; m < live; m += MINUTE) samples.push({ deviceId: d + 1, ts: new Date(m), values: model.valuesAt(d, new Date(m)) });
  const index = trainBaselineIndex(samples);
  baselines.set(d + 1, index);
  forestInput.push({ id: d + 1, role: device.role, samples: samples.filter((_, i) => i % 25 === 0), baseline: index });
  // the engine's window and daily history, as the backfill gives them
  for (const s of samples.slice(-24 * 60)) engine.observe(s, { name: device.name, address: device.managementIp, role: device.role, site: device.site });
});
engine.setBaselines(baselines);
engine.setModels(trainDeviceModels(forestInput, { stride: 1 }));
const trainMs = performance.now() - t0;

const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
let detections = 0;
for (let k = 0; k < MINUTES; k++) {
  const ts = new Date(live + k * MINUTE);
  fleet.forEach((device, d) => {
    const sample: MetricSample = { deviceId: d + 1, ts, values: model.valuesAt(d, ts) };
    detections += engine.observe(sample, { name: device.name, address: device.managementIp, role: device.role, site: device.site }).detections.length;
  });
}
const cpu = process.cpuUsage(cpuBefore);
const cpuMsPerMinute = (cpu.user + cpu.system) / 1000 / MINUTES;
const wallMsPerMinute = (performance.now() - wallBefore) / MINUTES;

console.log(`fleet: ${DEVICES} devices, ${DETECTORS.length} detectors (${DETECTORS.map((d) => d.id).join(", ")})`);
console.log(`setup (history, baselines, role forests): ${(trainMs / 1000).toFixed(1)} s`);
console.log(`scoring: ${cpuMsPerMinute.toFixed(0)} ms CPU per fleet-minute (${wallMsPerMinute.toFixed(0)} ms wall) = ${((cpuMsPerMinute / 60_000) * 100).toFixed(2)}% of one core; ${detections} detections over ${MINUTES} minutes of ordinary traffic`);
