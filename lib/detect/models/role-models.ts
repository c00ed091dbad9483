// Trains every per-role multivariate model from the same rows: the Isolation Forest (on) and the
// one-class SVM (off by default, kept for comparison), so the worker, the evaluation and the benchmark
// train exactly the same thing.
import type { DeviceModels } from "@/lib/detect/detection-engine";
import { trainRoleModels, type RoleModelDevice } from "@/lib/detect/models/multivariate-model";
import { trainRoleSvmModels } from "@/lib/detect/models/one-class-svm-model";

export function trainDeviceModels(
  devices: readonly RoleModelDevice[],
  options: { exclude?: readonly { start: Date; end: Date }[]; stride?: number; seed?: number } = {},
): Map<number, DeviceModels> {
  const forests = trainRoleModels(devices, options);
  const svms = trainRoleSvmModels(devices, options);
  const out = new Map<number, DeviceModels>();
  for (const d of devices) {
    const models: DeviceModels = {
      ...(forests.has(d.id) ? { multivariate: forests.get(d.id)! } : {}),
      ...(svms.has(d.id) ? { oneClassSvm: svms.get(d.id)! } : {}),
    };
    if (models.multivariate || models.oneClassSvm) out.set(d.id, models);
  }
  return out;
}
