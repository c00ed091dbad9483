-- CreateTable
CREATE TABLE "scenario_labels" (
    "id" SERIAL NOT NULL,
    "scenario" TEXT NOT NULL,
    "alert_id" INTEGER,
    "detector" TEXT NOT NULL,
    "device_name" TEXT NOT NULL,
    "device_role" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "positive" BOOLEAN NOT NULL,
    "observed_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scenario_labels_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "scenario_labels_detector_idx" ON "scenario_labels"("detector");

-- CreateIndex
CREATE INDEX "scenario_labels_scenario_idx" ON "scenario_labels"("scenario");

