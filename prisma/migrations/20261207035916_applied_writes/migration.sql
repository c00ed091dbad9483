-- CreateTable
CREATE TABLE "applied_writes" (
    "key" TEXT NOT NULL,
    "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "applied_writes_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "applied_writes_applied_at_idx" ON "applied_writes"("applied_at");

