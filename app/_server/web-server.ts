// The web app's server: Next.js behind a plain Node HTTP server, so that each request carries the
// address it really came from. Next.js only adds X-Forwarded-For when the client did not send one, so
// under `next start` any client could pick the address that login throttling counts it under. Here the
// header is replaced by the one address resolved from the connection (and, for connections from a proxy
// in TRUST_PROXY, from the hops that proxy added; lib/http/client-address.ts).
// Run by the supervisor: node --import tsx app/_server/web-server.ts
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { env, EnvError } from "@/lib/env";
import { resolveClientAddress } from "@/lib/http/client-address";
import { insecureHttpRefusal } from "@/lib/http/public-url";
import { createLogger } from "@/lib/log";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";

const log = createLogger("web:server");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

let e: ReturnType<typeof env>;
try {
  e = env();
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  process.stderr.write(err.message + "\n");
  process.exit(2);
}
const refusal = insecureHttpRefusal(e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`, e.ALLOW_INSECURE_HTTP);
if (refusal) {
  log.error(refusal);
  process.exit(2);
}

// React and Next read NODE_ENV when they load: set before importing them (as `next start` does).
(process.env as Record<string, string>).NODE_ENV ??= "production";
const { default: next } = await import("next");

const isTrustedProxy = createSubnetMatcher(e.TRUST_PROXY);
const app = next({ dev: false, dir: root, port: e.PORT });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  req.headers["x-forwarded-for"] = resolveClientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], isTrustedProxy);
  void handle(req, res);
});
server.listen(e.PORT, () => log.info("web app listening", { port: e.PORT, trustProxy: e.TRUST_PROXY.join(",") || "none" }));

let stopping = false;
const stop = (why: string) => {
  if (stopping) return;
  stopping = true;
  log.info("stopping", { why });
  // open live streams would hold close() forever: give requests a moment, then go
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 3_000).unref();
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
// started with an IPC channel by the supervisor: its end means the supervisor is gone
process.on("disconnect", () => stop("supervisor gone"));
