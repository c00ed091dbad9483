-- CreateEnum
CREATE TYPE "MitigationStatus" AS ENUM ('proposed', 'approved', 'active', 'denied', 'withdrawn', 'expired', 'failed', 'refused');

-- CreateTable
CREATE TABLE "mitigations" (
    "id" SERIAL NOT NULL,
    "alert_id" INTEGER NOT NULL,
    "campaign_id" INTEGER,
    "playbook_id" TEXT NOT NULL,
    "route" JSONB NOT NULL,
    "route_key" TEXT NOT NULL,
    "status" "MitigationStatus" NOT NULL,
    "reason" TEXT,
    "gates" JSONB NOT NULL,
    "automatic" BOOLEAN NOT NULL DEFAULT false,
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "ttl_minutes" INTEGER NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "activated_at" TIMESTAMPTZ(3),
    "decided_by_id" INTEGER,
    "decided_at" TIMESTAMPTZ(3),
    "ended_by_id" INTEGER,
    "ended_at" TIMESTAMPTZ(3),
    "ai_called_at" TIMESTAMPTZ(3),
    "ai_cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "mitigations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mitigation_playbook_settings" (
    "playbook_id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "automatic" BOOLEAN NOT NULL,
    "ttl_minutes" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "mitigation_playbook_settings_pkey" PRIMARY KEY ("playbook_id")
);

-- CreateIndex
CREATE INDEX "mitigations_status_expires_at_idx" ON "mitigations"("status", "expires_at");

-- CreateIndex
CREATE INDEX "mitigations_campaign_id_idx" ON "mitigations"("campaign_id");

-- CreateIndex
CREATE INDEX "mitigations_ai_called_at_idx" ON "mitigations"("ai_called_at");

-- CreateIndex
CREATE UNIQUE INDEX "mitigations_alert_id_playbook_id_key" ON "mitigations"("alert_id", "playbook_id");

-- AddForeignKey
ALTER TABLE "mitigations" ADD CONSTRAINT "mitigations_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

