-- AlterTable
ALTER TABLE "devices" ADD COLUMN     "capacity_bps" DOUBLE PRECISION,
ADD COLUMN     "config" JSONB;

-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "alert_type" TEXT NOT NULL DEFAULT 'anomaly',
ADD COLUMN     "campaign_id" INTEGER,
ADD COLUMN     "contributions" JSONB,
ADD COLUMN     "evidence" JSONB;

-- CreateTable
CREATE TABLE "campaigns" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "types" TEXT[],
    "device_ids" INTEGER[],
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "suppression_rules" (
    "id" SERIAL NOT NULL,
    "device" TEXT,
    "site" TEXT,
    "role" TEXT,
    "detector" TEXT,
    "type" TEXT,
    "metric" TEXT,
    "reason" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "expires_at" TIMESTAMPTZ(3),
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "suppression_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "calendar_entries" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "expected_increase" DOUBLE PRECISION NOT NULL,
    "devices" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sites" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "roles" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "calendar_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "detector_settings" (
    "id" SERIAL NOT NULL,
    "detector" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "target" TEXT NOT NULL DEFAULT '',
    "config" JSONB NOT NULL,
    "updated_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "detector_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "forecasts" (
    "id" SERIAL NOT NULL,
    "device_id" INTEGER NOT NULL,
    "metric" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "generated_at" TIMESTAMPTZ(3) NOT NULL,
    "points" JSONB NOT NULL,
    "capacity" DOUBLE PRECISION,
    "capacity_eta" TIMESTAMPTZ(3),

    CONSTRAINT "forecasts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "peer_group_runs" (
    "id" SERIAL NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,
    "k" INTEGER NOT NULL,
    "result" JSONB NOT NULL,

    CONSTRAINT "peer_group_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "campaigns_key_key" ON "campaigns"("key");

-- CreateIndex
CREATE INDEX "campaigns_last_seen_at_idx" ON "campaigns"("last_seen_at" DESC);

-- CreateIndex
CREATE INDEX "calendar_entries_ends_at_idx" ON "calendar_entries"("ends_at");

-- CreateIndex
CREATE UNIQUE INDEX "detector_settings_detector_scope_target_key" ON "detector_settings"("detector", "scope", "target");

-- CreateIndex
CREATE UNIQUE INDEX "forecasts_device_id_metric_key" ON "forecasts"("device_id", "metric");

-- CreateIndex
CREATE INDEX "peer_group_runs_computed_at_idx" ON "peer_group_runs"("computed_at" DESC);

-- CreateIndex
CREATE INDEX "alerts_alert_type_created_at_idx" ON "alerts"("alert_type", "created_at" DESC);

-- CreateIndex
CREATE INDEX "alerts_campaign_id_idx" ON "alerts"("campaign_id");

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "forecasts" ADD CONSTRAINT "forecasts_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;


