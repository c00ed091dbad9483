// Channel secrets at rest: AES-256-GCM under a key from TIDEWATCH_SECRET_KEY or, unset, a random key
// generated once into DATA_DIR/secret.key (mode 0600), which the web app and the worker share. A
// database dump alone therefore reveals no webhook token, routing key or password.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "../env";

const VERSION = "v1";

/** The 32-byte key: the configured string hashed, or DATA_DIR/secret.key (created if missing). */
export function loadSecretKey(e: { TIDEWATCH_SECRET_KEY?: string; DATA_DIR: string } = env()): Buffer {
  if (e.TIDEWATCH_SECRET_KEY) return crypto.createHash("sha256").update(e.TIDEWATCH_SECRET_KEY).digest();
  const file = path.join(e.DATA_DIR, "secret.key");
  try {
    return decodeKeyFile(fs.readFileSync(file, "utf8"), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(e.DATA_DIR, { recursive: true });
  const key = crypto.randomBytes(32);
  try {
    // wx: when the web app and the worker start together, the first writer wins and the other reads it
    fs.writeFileSync(file, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return decodeKeyFile(fs.readFileSync(file, "utf8"), file);
  }
}

function decodeKeyFile(text: string, file: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== 32) throw new Error(`${file} is damaged (not a base64 32-byte key); channel secrets cannot be read without it`);
  return key;
}

let cachedKey: Buffer | undefined;
const key = () => (cachedKey ??= loadSecretKey());

export function encryptSecret(plain: string, k: Buffer = key()): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", k, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(":");
}

export function decryptSecret(sealed: string, k: Buffer = key()): string {
  const [version, iv, tag, data] = sealed.split(":");
  if (version !== VERSION || !iv || !tag || data === undefined) throw new Error("not a sealed secret");
  const decipher = crypto.createDecipheriv("aes-256-gcm", k, Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  // a different key (TIDEWATCH_SECRET_KEY changed, secret.key replaced) fails here, not with garbage
  return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
}
