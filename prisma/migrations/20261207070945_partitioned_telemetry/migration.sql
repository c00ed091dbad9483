-- Storage with a lifecycle. Hand-written: Prisma does not model partitioned tables, and the schema
-- engine runs a migration statement by statement split at every semicolon (so no DO blocks here, and
-- none in comments either).
--
-- metric_samples, flow_rollups and syslog_rollups become tables partitioned by day on ts, and the new
-- metric_samples_hourly (one row per device-hour with count, sum, min and max of each metric, kept in
-- step with the minutes by insertSamples) is partitioned by month on hour. Each existing table becomes
-- its parent's DEFAULT partition, which holds any row no other partition covers, so nothing is lost.
-- The worker's partition maintainer (workers/partition-maintainer.ts and lib/db/partition-queries.ts)
-- creates the day and month partitions, moves rows out of the DEFAULT partition into them and drops
-- partitions past their retention. The primary keys already hold the partition key (device_id, ts),
-- so every ON CONFLICT (device_id, ts) upsert keeps working. Key, index and foreign key names are the
-- ones Prisma expects.

-- metric_samples: the table as it is becomes the DEFAULT partition of a new parent (no rows copied here)
ALTER TABLE "metric_samples" RENAME TO "metric_samples_default";
ALTER TABLE "metric_samples_default" RENAME CONSTRAINT "metric_samples_pkey" TO "metric_samples_default_pkey";
ALTER INDEX "metric_samples_ts_idx" RENAME TO "metric_samples_default_ts_idx";
ALTER TABLE "metric_samples_default" DROP CONSTRAINT "metric_samples_device_id_fkey";
CREATE TABLE "metric_samples" (LIKE "metric_samples_default" INCLUDING DEFAULTS) PARTITION BY RANGE ("ts");
ALTER TABLE "metric_samples" ADD CONSTRAINT "metric_samples_pkey" PRIMARY KEY ("device_id","ts");
CREATE INDEX "metric_samples_ts_idx" ON "metric_samples"("ts");
ALTER TABLE "metric_samples" ADD CONSTRAINT "metric_samples_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "metric_samples" ATTACH PARTITION "metric_samples_default" DEFAULT;

-- flow_rollups: the table as it is becomes the DEFAULT partition of a new parent (no rows copied here)
ALTER TABLE "flow_rollups" RENAME TO "flow_rollups_default";
ALTER TABLE "flow_rollups_default" RENAME CONSTRAINT "flow_rollups_pkey" TO "flow_rollups_default_pkey";
ALTER INDEX "flow_rollups_ts_idx" RENAME TO "flow_rollups_default_ts_idx";
ALTER TABLE "flow_rollups_default" DROP CONSTRAINT "flow_rollups_device_id_fkey";
CREATE TABLE "flow_rollups" (LIKE "flow_rollups_default" INCLUDING DEFAULTS) PARTITION BY RANGE ("ts");
ALTER TABLE "flow_rollups" ADD CONSTRAINT "flow_rollups_pkey" PRIMARY KEY ("device_id","ts");
CREATE INDEX "flow_rollups_ts_idx" ON "flow_rollups"("ts");
ALTER TABLE "flow_rollups" ADD CONSTRAINT "flow_rollups_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "flow_rollups" ATTACH PARTITION "flow_rollups_default" DEFAULT;

-- syslog_rollups: the table as it is becomes the DEFAULT partition of a new parent (no rows copied here)
ALTER TABLE "syslog_rollups" RENAME TO "syslog_rollups_default";
ALTER TABLE "syslog_rollups_default" RENAME CONSTRAINT "syslog_rollups_pkey" TO "syslog_rollups_default_pkey";
ALTER TABLE "syslog_rollups_default" DROP CONSTRAINT "syslog_rollups_device_id_fkey";
CREATE TABLE "syslog_rollups" (LIKE "syslog_rollups_default" INCLUDING DEFAULTS) PARTITION BY RANGE ("ts");
ALTER TABLE "syslog_rollups" ADD CONSTRAINT "syslog_rollups_pkey" PRIMARY KEY ("device_id","ts");
ALTER TABLE "syslog_rollups" ADD CONSTRAINT "syslog_rollups_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "syslog_rollups" ATTACH PARTITION "syslog_rollups_default" DEFAULT;

-- CreateTable
CREATE TABLE "metric_samples_hourly" (
    "device_id" INTEGER NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "bandwidth_in_bps_count" INTEGER NOT NULL DEFAULT 0,
    "bandwidth_in_bps_sum" DOUBLE PRECISION,
    "bandwidth_in_bps_min" DOUBLE PRECISION,
    "bandwidth_in_bps_max" DOUBLE PRECISION,
    "bandwidth_out_bps_count" INTEGER NOT NULL DEFAULT 0,
    "bandwidth_out_bps_sum" DOUBLE PRECISION,
    "bandwidth_out_bps_min" DOUBLE PRECISION,
    "bandwidth_out_bps_max" DOUBLE PRECISION,
    "packets_per_sec_count" INTEGER NOT NULL DEFAULT 0,
    "packets_per_sec_sum" DOUBLE PRECISION,
    "packets_per_sec_min" DOUBLE PRECISION,
    "packets_per_sec_max" DOUBLE PRECISION,
    "flows_per_sec_count" INTEGER NOT NULL DEFAULT 0,
    "flows_per_sec_sum" DOUBLE PRECISION,
    "flows_per_sec_min" DOUBLE PRECISION,
    "flows_per_sec_max" DOUBLE PRECISION,
    "connections_per_sec_count" INTEGER NOT NULL DEFAULT 0,
    "connections_per_sec_sum" DOUBLE PRECISION,
    "connections_per_sec_min" DOUBLE PRECISION,
    "connections_per_sec_max" DOUBLE PRECISION,
    "cpu_pct_count" INTEGER NOT NULL DEFAULT 0,
    "cpu_pct_sum" DOUBLE PRECISION,
    "cpu_pct_min" DOUBLE PRECISION,
    "cpu_pct_max" DOUBLE PRECISION,
    "memory_pct_count" INTEGER NOT NULL DEFAULT 0,
    "memory_pct_sum" DOUBLE PRECISION,
    "memory_pct_min" DOUBLE PRECISION,
    "memory_pct_max" DOUBLE PRECISION,
    "latency_ms_count" INTEGER NOT NULL DEFAULT 0,
    "latency_ms_sum" DOUBLE PRECISION,
    "latency_ms_min" DOUBLE PRECISION,
    "latency_ms_max" DOUBLE PRECISION,
    "packet_loss_pct_count" INTEGER NOT NULL DEFAULT 0,
    "packet_loss_pct_sum" DOUBLE PRECISION,
    "packet_loss_pct_min" DOUBLE PRECISION,
    "packet_loss_pct_max" DOUBLE PRECISION,
    "distinct_peers_count" INTEGER NOT NULL DEFAULT 0,
    "distinct_peers_sum" DOUBLE PRECISION,
    "distinct_peers_min" DOUBLE PRECISION,
    "distinct_peers_max" DOUBLE PRECISION,
    "distinct_dst_ports_count" INTEGER NOT NULL DEFAULT 0,
    "distinct_dst_ports_sum" DOUBLE PRECISION,
    "distinct_dst_ports_min" DOUBLE PRECISION,
    "distinct_dst_ports_max" DOUBLE PRECISION,
    "syslog_messages_count" INTEGER NOT NULL DEFAULT 0,
    "syslog_messages_sum" DOUBLE PRECISION,
    "syslog_messages_min" DOUBLE PRECISION,
    "syslog_messages_max" DOUBLE PRECISION,
    "syslog_errors_count" INTEGER NOT NULL DEFAULT 0,
    "syslog_errors_sum" DOUBLE PRECISION,
    "syslog_errors_min" DOUBLE PRECISION,
    "syslog_errors_max" DOUBLE PRECISION,
    "syslog_failures_count" INTEGER NOT NULL DEFAULT 0,
    "syslog_failures_sum" DOUBLE PRECISION,
    "syslog_failures_min" DOUBLE PRECISION,
    "syslog_failures_max" DOUBLE PRECISION,

    CONSTRAINT "metric_samples_hourly_pkey" PRIMARY KEY ("device_id","hour")
) PARTITION BY RANGE ("hour");

CREATE TABLE "metric_samples_hourly_default" PARTITION OF "metric_samples_hourly" DEFAULT;

-- AddForeignKey
ALTER TABLE "metric_samples_hourly" ADD CONSTRAINT "metric_samples_hourly_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The hours of the minutes already stored (UTC hours)
INSERT INTO "metric_samples_hourly"
SELECT "device_id", date_trunc('hour', "ts", 'UTC'),
       count("bandwidth_in_bps"), sum("bandwidth_in_bps"), min("bandwidth_in_bps"), max("bandwidth_in_bps"),
       count("bandwidth_out_bps"), sum("bandwidth_out_bps"), min("bandwidth_out_bps"), max("bandwidth_out_bps"),
       count("packets_per_sec"), sum("packets_per_sec"), min("packets_per_sec"), max("packets_per_sec"),
       count("flows_per_sec"), sum("flows_per_sec"), min("flows_per_sec"), max("flows_per_sec"),
       count("connections_per_sec"), sum("connections_per_sec"), min("connections_per_sec"), max("connections_per_sec"),
       count("cpu_pct"), sum("cpu_pct"), min("cpu_pct"), max("cpu_pct"),
       count("memory_pct"), sum("memory_pct"), min("memory_pct"), max("memory_pct"),
       count("latency_ms"), sum("latency_ms"), min("latency_ms"), max("latency_ms"),
       count("packet_loss_pct"), sum("packet_loss_pct"), min("packet_loss_pct"), max("packet_loss_pct"),
       count("distinct_peers"), sum("distinct_peers"), min("distinct_peers"), max("distinct_peers"),
       count("distinct_dst_ports"), sum("distinct_dst_ports"), min("distinct_dst_ports"), max("distinct_dst_ports"),
       count("syslog_messages"), sum("syslog_messages"), min("syslog_messages"), max("syslog_messages"),
       count("syslog_errors"), sum("syslog_errors"), min("syslog_errors"), max("syslog_errors"),
       count("syslog_failures"), sum("syslog_failures"), min("syslog_failures"), max("syslog_failures")
FROM "metric_samples" GROUP BY 1, 2;
