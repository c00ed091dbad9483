-- DropIndex
DROP INDEX "baselines_device_id_metric_hour_of_week_version_key";

-- AlterTable
ALTER TABLE "baselines" ADD COLUMN     "mad" DOUBLE PRECISION,
ADD COLUMN     "p05" DOUBLE PRECISION,
ADD COLUMN     "p25" DOUBLE PRECISION,
ADD COLUMN     "p75" DOUBLE PRECISION,
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'active';

-- CreateIndex
CREATE UNIQUE INDEX "baselines_device_id_metric_hour_of_week_version_status_key" ON "baselines"("device_id", "metric", "hour_of_week", "version", "status");

