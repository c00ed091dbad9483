// Applies the checked-in migrations (prisma/migrations) with `prisma migrate deploy`, the same
// command an operator would run against an external database.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

export function prismaCli(): string {
  return path.join(path.dirname(require.resolve("prisma/package.json")), "build", "index.js");
}

export async function migrateDeploy(databaseUrl: string, cwd = process.cwd()): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const child = spawn(process.execPath, [prismaCli(), "migrate", "deploy"], {
      cwd,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (exit ${code}):\n${output}`)),
    );
  });
}
