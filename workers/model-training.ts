// The worker's scheduled learning, in one pass over each device's stored window: hour-of-week
// baselines (workers/baseline-training.ts), then from the same samples the per-role Isolation
// Forests and the fleet's peer groups (behavioural outliers and configuration drift). Baselines and
// forests go into the running pipeline; peer-group findings are recorded as alerts and the clustering
// is saved for the Clusters dashboard.
import type pg from "pg";
import type { PrismaClient } from "@prisma/client";
import { deviceConfigs, type DeviceSummary } from "@/lib/db/device-queries";
import { savePeerGroupRun } from "@/lib/db/peer-group-queries";
import { buildDeviceProfile, type DeviceProfile } from "@/lib/detect/peers/device-profile";
import type { RoleModelDevice } from "@/lib/detect/models/multivariate-model";
import { trainDeviceModels } from "@/lib/detect/models/role-models";
import { detectPeerGroupAnomalies } from "@/lib/detect/peers/peer-group-detector";
import { clusterPeerGroups } from "@/lib/detect/peers/cluster-peer-groups";
import type { Logger } from "@/lib/log";
import { trainBaselines, type TrainingSummary } from "./baseline-training";
import type { DetectionPipeline } from "./detection-pipeline";

const DAY = 86_400_000;
/** Every 5th minute feeds the forests: ψ = 256 rows per tree need far fewer than all of them. */
const FOREST_STRIDE = 5;
/** Behaviour profiles look at the last week, every 5th minute. */
const PROFILE_DAYS = 7;
/** Peer-group findings repeat at every training: one alert per device and kind lasts this long. */
const PEER_FINDING_COOLDOWN_MS = 36 * 3_600_000;
/**
 * Peer-group outliers are flagged past distance z 5 (the clustering's default is 3): a fleet has many
 * one-of-a-kind devices, and on the evaluation suite z 3–5 were ordinary single servers.
 */
export const PEER_GROUP_OPTIONS = { outlierZ: 5 } as const;

export interface ModelTrainingSummary extends TrainingSummary {
  roleModels: number;
  peerGroups: { k: number; outliers: number; configDrift: number } | null;
}

export async function trainDetectionModels(deps: {
  prisma: PrismaClient;
  pool: pg.Pool;
  devices: readonly DeviceSummary[];
  until: Date;
  log: Logger;
  pipeline: DetectionPipeline;
}): Promise<ModelTrainingSummary> {
  const configs = await deviceConfigs(deps.prisma);
  const forestInput: RoleModelDevice[] = [];
  const profiles: DeviceProfile[] = [];
  const profileFrom = deps.until.getTime() - PROFILE_DAYS * DAY;

  const summary = await trainBaselines({
    ...deps,
    onDevice(device, samples, baseline, exclude) {
      const strided = samples.filter((_, i) => i % FOREST_STRIDE === 0);
      forestInput.push({ id: device.id, role: device.role, samples: strided, baseline, exclude });
      profiles.push(
        buildDeviceProfile({
          device: device.name,
          samples: strided.filter((s) => s.ts.getTime() >= profileFrom),
          config: configs.get(device.id) ?? null,
        }),
      );
    },
  });
  await deps.pipeline.reloadBaselines();

  const started = Date.now();
  const models = trainDeviceModels(forestInput, { stride: 1 });
  deps.pipeline.setModels(models);
  const roles = new Set(forestInput.filter((d) => models.has(d.id)).map((d) => d.role));
  deps.log.info("role models trained", { roles: roles.size, devices: models.size, ms: Date.now() - started });

  let peerGroups: ModelTrainingSummary["peerGroups"] = null;
  if (profiles.length >= 3) {
    const result = clusterPeerGroups(profiles, PEER_GROUP_OPTIONS);
    await savePeerGroupRun(deps.prisma, deps.until, result);
    const idOf = new Map(deps.devices.map((d) => [d.name, d.id]));
    const detections = detectPeerGroupAnomalies(result, { at: deps.until });
    await deps.pipeline.recordFindings(
      detections.flatMap((detection) => {
        const deviceId = idOf.get(String(detection.evidence?.device));
        return deviceId === undefined ? [] : [{ deviceId, detection, cooldownMs: PEER_FINDING_COOLDOWN_MS }];
      }),
    );
    peerGroups = {
      k: result.k,
      outliers: detections.filter((d) => d.anomalyType === "peer_outlier").length,
      configDrift: detections.filter((d) => d.anomalyType === "config_drift").length,
    };
    deps.log.info("peer groups clustered", peerGroups);
  }
  return { ...summary, roleModels: roles.size, peerGroups };
}
