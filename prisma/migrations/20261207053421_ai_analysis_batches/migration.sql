-- AlterTable
ALTER TABLE "ai_analyses" ADD COLUMN     "batch_id" TEXT;

-- CreateIndex
CREATE INDEX "ai_analyses_status_batch_id_idx" ON "ai_analyses"("status", "batch_id");

