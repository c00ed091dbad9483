// Peer-group clustering results: the worker saves one run per training, the Clusters dashboard reads
// the newest. Older runs are kept a while for comparison and then pruned.
import type { Prisma } from "@prisma/client";
import type { PeerGroupResult } from "../detect/peers/peer-group-result";
import type { DbClient } from "./client";

const KEEP_RUNS = 30;

export async function savePeerGroupRun(db: DbClient, computedAt: Date, result: PeerGroupResult): Promise<number> {
  const row = await db.peerGroupRun.create({
    data: { computedAt, k: result.k, result: result as unknown as Prisma.InputJsonValue },
    select: { id: true },
  });
  const old = await db.peerGroupRun.findMany({ orderBy: { computedAt: "desc" }, skip: KEEP_RUNS, select: { id: true } });
  if (old.length > 0) await db.peerGroupRun.deleteMany({ where: { id: { in: old.map((o) => o.id) } } });
  return row.id;
}

export async function latestPeerGroupRun(db: DbClient): Promise<{ computedAt: Date; result: PeerGroupResult } | null> {
  const row = await db.peerGroupRun.findFirst({ orderBy: { computedAt: "desc" } });
  return row ? { computedAt: row.computedAt, result: row.result as unknown as PeerGroupResult } : null;
}
