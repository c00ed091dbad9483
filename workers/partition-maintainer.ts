// Keeps the time-partitioned telemetry tables (lib/db/partition-queries.ts) in shape: at start and then
// every hour on its clock it creates the partitions the retention window and the next days need, moves
// rows the DEFAULT partition holds for them, and drops partitions past their retention
// (RETENTION_RAW_DAYS for minutes and rollups, RETENTION_HOURLY_DAYS for hourly aggregates). Every
// dropped partition is logged and written to the audit log, since it deletes data.
import type pg from "pg";
import type { PrismaClient } from "@prisma/client";
import { recordAudit } from "@/lib/db/audit-queries";
import { maintainPartitions, PARTITIONED_TABLES, type PartitionMaintenance } from "@/lib/db/partition-queries";
import type { Logger } from "@/lib/log";
import type { Clock } from "./clock";

export const PARTITION_MAINTENANCE_EVERY_MS = 3_600_000;

export interface PartitionMaintainerOptions {
  pool: pg.Pool;
  prisma: PrismaClient;
  clock: Clock;
  log: Logger;
  retentionDays: { raw: number; hourly: number };
  everyMs?: number;
}

export class PartitionMaintainer {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly o: PartitionMaintainerOptions) {}

  /** Runs once now (so the partitions exist before telemetry is stored), then every hour in the background. */
  async start(): Promise<void> {
    await this.runLogged();
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    for (;;) {
      await this.o.clock.sleep(this.o.everyMs ?? PARTITION_MAINTENANCE_EVERY_MS, this.abort.signal);
      if (this.abort.signal.aborted) return;
      await this.runLogged();
    }
  }

  private async runLogged(): Promise<void> {
    try {
      await this.runOnce();
    } catch (err) {
      this.o.log.error("partition maintenance failed; retrying next hour", { error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** One pass over every partitioned table; a table that fails (a lock not granted in time) does not stop the others. */
  async runOnce(): Promise<PartitionMaintenance[]> {
    const now = new Date(this.o.clock.now());
    const done: PartitionMaintenance[] = [];
    const failures: string[] = [];
    for (const spec of PARTITIONED_TABLES) {
      const retentionDays = this.o.retentionDays[spec.retention];
      try {
        const r = await maintainPartitions(this.o.pool, spec, now, retentionDays);
        done.push(r);
        if (r.created.length > 0 || r.moved > 0 || r.expired > 0) {
          this.o.log.info("partitions created", { table: r.table, created: r.created, movedFromDefault: r.moved, expiredFromDefault: r.expired });
        }
        for (const partition of r.dropped) {
          this.o.log.info("expired partition dropped", { table: r.table, partition, retentionDays });
          await recordAudit(this.o.prisma, {
            actorId: null,
            action: "partition.drop",
            entityType: "partition",
            entityId: partition,
            before: { table: r.table, partition, retentionDays, droppedAt: now },
          });
        }
      } catch (err) {
        failures.push(`${spec.table}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (failures.length > 0) throw new Error(failures.join("; "));
    return done;
  }
}
