-- CreateTable
CREATE TABLE "cluster_leases" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "committed_until" TIMESTAMPTZ(3),

    CONSTRAINT "cluster_leases_pkey" PRIMARY KEY ("name")
);

