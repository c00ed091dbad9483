// Prisma CLI configuration. These machines cannot download Prisma's Rust engines, so the CLI is
// pointed at /bin/false for them and uses the WebAssembly schema engine through a driver adapter.
// The 7.x pg adapter is used here only because 6.19's cannot read the `name` columns the schema
// engine queries during migrate (prisma/orm#27403). See ../shared/notes/offline-stack.md.
import path from "node:path";
import { defineConfig } from "prisma/config";

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= "/bin/false";

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => {
    const { PrismaPg } = await import("adapter-pg7");
    // Commands that need no database (generate, migrate diff) still build the adapter; it connects lazily.
    const connectionString = process.env.DATABASE_URL ?? "postgresql://localhost:5432/unused";
    return new PrismaPg({ connectionString });
  },
});
