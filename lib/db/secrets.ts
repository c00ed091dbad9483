// Secrets generated on first start and kept under DATA_DIR (mode 0600), so that a second start on
// the same DATA_DIR keeps sessions valid and reaches the same embedded database.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const secretsSchema = z.object({
  nextauthSecret: z.string().min(16),
  postgresPassword: z.string().min(16),
});

export type LocalSecrets = z.infer<typeof secretsSchema>;

export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  if (fs.existsSync(file)) {
    const parsed = secretsSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
    if (!parsed.success) throw new Error(`${file} is damaged; remove it only if you also remove the database`);
    return parsed.data;
  }
  const secrets: LocalSecrets = {
    nextauthSecret: crypto.randomBytes(32).toString("base64url"),
    postgresPassword: crypto.randomBytes(24).toString("base64url"),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export function generatePassword(): string {
  return crypto.randomBytes(12).toString("base64url");
}
