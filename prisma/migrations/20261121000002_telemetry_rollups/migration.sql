-- AlterTable
ALTER TABLE "devices" ADD COLUMN     "discovered_via" TEXT;

-- AlterTable
ALTER TABLE "metric_samples" ADD COLUMN     "distinct_dst_ports" DOUBLE PRECISION,
ADD COLUMN     "distinct_peers" DOUBLE PRECISION,
ADD COLUMN     "syslog_errors" DOUBLE PRECISION,
ADD COLUMN     "syslog_failures" DOUBLE PRECISION,
ADD COLUMN     "syslog_messages" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "flow_rollups" (
    "device_id" INTEGER NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "bytes_in" DOUBLE PRECISION NOT NULL,
    "bytes_out" DOUBLE PRECISION NOT NULL,
    "packets_in" DOUBLE PRECISION NOT NULL,
    "packets_out" DOUBLE PRECISION NOT NULL,
    "flows" INTEGER NOT NULL,
    "tcp_syn_flows" INTEGER NOT NULL,
    "distinct_peers" INTEGER NOT NULL,
    "distinct_dst_ports" INTEGER NOT NULL,
    "protocol_bytes" JSONB NOT NULL,
    "top_talkers" JSONB NOT NULL,

    CONSTRAINT "flow_rollups_pkey" PRIMARY KEY ("device_id","ts")
);

-- CreateTable
CREATE TABLE "syslog_rollups" (
    "device_id" INTEGER NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "total" INTEGER NOT NULL,
    "by_severity" JSONB NOT NULL,
    "keywords" JSONB NOT NULL,

    CONSTRAINT "syslog_rollups_pkey" PRIMARY KEY ("device_id","ts")
);

-- CreateIndex
CREATE INDEX "flow_rollups_ts_idx" ON "flow_rollups"("ts");

-- AddForeignKey
ALTER TABLE "flow_rollups" ADD CONSTRAINT "flow_rollups_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "syslog_rollups" ADD CONSTRAINT "syslog_rollups_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

