// The Prisma client (WebAssembly query compiler + pg driver adapter: no Rust engine binary is
// needed). One instance per process, kept on globalThis so Next.js dev reloads do not leak pools.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "@prisma/client";

const globalForDb = globalThis as unknown as { tidewatchPrisma?: PrismaClient };

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (npm start sets it for the embedded database)");
  return url;
}

export function createPrismaClient(connectionString = databaseUrl(), max = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max }) });
}

/** The process-wide Prisma client, created on first use. */
export function db(): PrismaClient {
  globalForDb.tidewatchPrisma ??= createPrismaClient();
  return globalForDb.tidewatchPrisma;
}

export async function disconnectDb(): Promise<void> {
  await globalForDb.tidewatchPrisma?.$disconnect();
  globalForDb.tidewatchPrisma = undefined;
}

export type { PrismaClient };
/** A client inside `$transaction(async (tx) => ...)`; query functions accept either. */
export type DbTransaction = Prisma.TransactionClient;
export type DbClient = PrismaClient | DbTransaction;
