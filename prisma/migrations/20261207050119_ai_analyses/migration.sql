-- CreateEnum
CREATE TYPE "AiAnalysisStatus" AS ENUM ('pending', 'ok', 'failed', 'timeout', 'budget_exhausted', 'disabled');

-- CreateTable
CREATE TABLE "ai_analyses" (
    "id" SERIAL NOT NULL,
    "alert_id" INTEGER NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" "AiAnalysisStatus" NOT NULL,
    "model" TEXT,
    "input_tokens" INTEGER NOT NULL DEFAULT 0,
    "output_tokens" INTEGER NOT NULL DEFAULT 0,
    "cache_read_tokens" INTEGER NOT NULL DEFAULT 0,
    "cache_write_tokens" INTEGER NOT NULL DEFAULT 0,
    "cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "called" BOOLEAN NOT NULL DEFAULT false,
    "analysis" JSONB,
    "reason" TEXT,
    "requested_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ai_analyses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_analysis_verdicts" (
    "id" SERIAL NOT NULL,
    "analysis_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "agree" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ai_analysis_verdicts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ai_analyses_alert_id_created_at_idx" ON "ai_analyses"("alert_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "ai_analyses_fingerprint_created_at_idx" ON "ai_analyses"("fingerprint", "created_at" DESC);

-- CreateIndex
CREATE INDEX "ai_analyses_created_at_idx" ON "ai_analyses"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "ai_analysis_verdicts_analysis_id_user_id_key" ON "ai_analysis_verdicts"("analysis_id", "user_id");

-- AddForeignKey
ALTER TABLE "ai_analyses" ADD CONSTRAINT "ai_analyses_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ai_analysis_verdicts" ADD CONSTRAINT "ai_analysis_verdicts_analysis_id_fkey" FOREIGN KEY ("analysis_id") REFERENCES "ai_analyses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

