// The Clusters dashboard's read: the newest peer-group run, with its device names resolved to inventory
// ids (the clustering knows devices by name) so the page can link to them.
import { buildClusterRunView, type ClusterRunView } from "../dashboards/cluster-view";
import type { DbClient } from "./client";
import { latestPeerGroupRun } from "./peer-group-queries";

/** Null until the worker has clustered the fleet once. */
export async function getClusterRunView(db: DbClient): Promise<ClusterRunView | null> {
  const run = await latestPeerGroupRun(db);
  if (!run) return null;
  const names = run.result.devices.map((d) => d.device);
  const rows =
    names.length === 0
      ? []
      : await db.device.findMany({ where: { name: { in: names } }, select: { id: true, name: true, role: true, site: true } });
  return buildClusterRunView(run, new Map(rows.map((r) => [r.name, { id: r.id, role: r.role, site: r.site }])));
}
