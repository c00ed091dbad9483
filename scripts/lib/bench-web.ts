// Hostile clients against the real web app (app/_server/web-server.ts), for npm run bench:hostile:
// a password guesser (how many attempts are answered before 429, one client and a parallel burst) and
// live-stream clients that ask for a replay of a 200,000-event log and stop reading (the web process's RSS).
// Each section starts its own web app on the section's fresh database; `next build` must have run.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { createPrismaClient } from "@/lib/db/client";
import { appendEvents } from "@/lib/db/event-queries";
import { createUser } from "@/lib/db/user-queries";

const root = path.resolve(import.meta.dirname, "..", "..");
const MB = 1024 * 1024;

interface WebApp {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

export async function startWebApp(databaseUrl: string, env: Record<string, string> = {}): Promise<WebApp> {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("the web app is not built: run `npm run build` (or `npm start` once) first");
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "app/_server/web-server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      NEXTAUTH_URL: `http://localhost:${port}`,
      NEXTAUTH_SECRET: "hostile-bench-secret-0123456789",
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-10_000)));
  child.stderr!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-10_000)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/auth/csrf`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`web app did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** A minimal cookie-keeping client bound to one local source address (loopback has all of 127/8). */
function client(port: number, from: string) {
  const jar = new Map<string, string>();
  const request = (method: string, urlPath: string, body?: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; ms: number }>((resolve, reject) => {
      const started = performance.now();
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          path: urlPath,
          method,
          localAddress: from,
          headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "), ...headers },
        },
        (res) => {
          for (const c of res.headers["set-cookie"] ?? []) {
            const [pair] = c.split(";");
            const i = pair!.indexOf("=");
            jar.set(pair!.slice(0, i), pair!.slice(i + 1));
          }
          let text = "";
          res.on("data", (d: Buffer) => (text += d.toString()));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text, ms: performance.now() - started }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  return {
    jar,
    async login(email: string, password: string) {
      const { csrfToken } = JSON.parse((await request("GET", "/api/auth/csrf")).body) as { csrfToken: string };
      const res = await request("POST", "/api/auth/callback/credentials", new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(), {
        "content-type": "application/x-www-form-urlencoded",
      });
      const ok = res.status === 200 && !res.body.includes("error=");
      return { status: res.status, ok, busy: res.body.includes("error=Busy"), retryAfter: res.headers["retry-after"], ms: res.ms };
    },
  };
}

const EMAIL = "bench-user@example.test";
const PASSWORD = "correct horse battery staple";

async function withUser(databaseUrl: string): Promise<void> {
  const prisma = createPrismaClient(databaseUrl, 1);
  try {
    await createUser(prisma, { email: EMAIL, name: "Bench", role: "analyst", password: PASSWORD });
  } finally {
    await prisma.$disconnect();
  }
}

/** Password guessing: attempts answered before 429, for one client and for a parallel burst. */
export async function loginFloodFigures(databaseUrl: string): Promise<{ sent: string; notes: string }> {
  await withUser(databaseUrl);
  const web = await startWebApp(databaseUrl);
  try {
    // one guesser, one attempt after another
    const guesser = client(web.port, "127.0.0.21");
    let answered = 0;
    let first429: { retryAfter?: string | string[]; ms: number } | undefined;
    const checkedMs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await guesser.login(EMAIL, `guess-${i}`);
      if (r.status === 429) {
        first429 ??= { retryAfter: r.retryAfter, ms: r.ms };
        continue;
      }
      if (!first429) answered += 1;
      checkedMs.push(r.ms);
    }
    const rightPassword = await guesser.login(EMAIL, PASSWORD);
    const elsewhere = await client(web.port, "127.0.0.22").login(EMAIL, PASSWORD);

    // a burst: 40 guesses at once from one address (each its own connection)
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => client(web.port, "127.0.0.23").login(EMAIL, `burst-${i}`)));
    const burstChecked = burst.filter((r) => r.status !== 429 && r.status !== 503 && !r.busy).length;
    const burst429 = burst.filter((r) => r.status === 429).length;
    const burst503 = burst.filter((r) => r.status === 503 || r.busy).length;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    return {
      sent: "30 wrong passwords one after another from one address, then the right one; 40 at once from another",
      notes:
        `login attempts answered before 429: ${answered} (checked in ${mean(checkedMs).toFixed(0)} ms each; 429 in ${first429?.ms.toFixed(0)} ms, Retry-After ${first429?.retryAfter} s); ` +
        `right password from that address: ${rightPassword.status}; from another address: ${elsewhere.ok ? "signed in" : `refused (${elsewhere.status})`}; ` +
        `40 at once from one address: ${burstChecked} checked, ${burst429} × 429, ${burst503} × busy (503)`,
    };
  } finally {
    await web.stop();
  }
}

/** Events in the log for the stream section: four times what a stalled loopback connection's TCP buffers take in. */
const LOG_EVENTS = 200_000;

/**
 * Live-stream clients that ask for a replay of the whole log and stop reading: the web app's RSS. The
 * server keeps writing until the connection's TCP buffers are full (up to tcp_wmem's 4 MB on the
 * sending side), so each stalled stream costs what those buffers take in, however long the log.
 */
export async function slowStreamFigures(databaseUrl: string): Promise<{ sent: string; notes: string }> {
  await withUser(databaseUrl);
  const prisma = createPrismaClient(databaseUrl, 1);
  try {
    const payload = { deviceId: 1, name: "bench-device", status: "active", lastSeenAt: null, note: "x".repeat(400) };
    for (let i = 0; i < LOG_EVENTS / 1000; i++) await appendEvents(prisma, "device.status", Array.from({ length: 1000 }, () => payload as never));
  } finally {
    await prisma.$disconnect();
  }
  const web = await startWebApp(databaseUrl, { STREAMS_PER_USER: "32" });
  try {
    const reader = client(web.port, "127.0.0.31");
    if (!(await reader.login(EMAIL, PASSWORD)).ok) throw new Error("bench user could not sign in");
    const cookie = [...reader.jar].map(([k, v]) => `${k}=${v}`).join("; ");

    // one stream that reads the whole replay as fast as it can (also loads everything the route uses)
    const started = performance.now();
    const received = await new Promise<number>((resolve) => {
      let events = 0;
      let tail = "";
      const req = http.get({ host: "127.0.0.1", port: web.port, path: "/api/stream", headers: { cookie, "last-event-id": "0" } }, (res) => {
        res.on("data", (d: Buffer) => {
          const text = tail + d.toString();
          events += text.split("event: device.status").length - 1;
          // keep a partial marker for the next chunk, never a whole one
          tail = text.slice(Math.max(text.lastIndexOf("event: device.status") + 1, text.length - 19));
          if (events >= LOG_EVENTS) {
            req.destroy();
            resolve(events);
          }
        });
      });
      setTimeout(() => {
        req.destroy();
        resolve(events);
      }, 120_000);
    });
    const seconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 3_000));
    const baseline = rssOf(web.pid);

    // streams from Last-Event-ID 0 whose readers stop after the first bytes: 5, then 15 more
    const stalled: http.ClientRequest[] = [];
    const stall = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await new Promise<void>((resolve) => {
          const req = http.get({ host: "127.0.0.1", port: web.port, path: "/api/stream", headers: { cookie, "last-event-id": "0" } }, (res) => {
            res.once("data", () => {
              res.pause();
              resolve();
            });
          });
          stalled.push(req);
        });
      }
      let peak = rssOf(web.pid);
      for (let i = 0; i < 50; i++) {
        await new Promise((r) => setTimeout(r, 200));
        peak = Math.max(peak, rssOf(web.pid));
      }
      return peak;
    };
    const peak5 = await stall(5);
    const peak20 = await stall(15);
    for (const req of stalled) req.destroy();
    return {
      sent: `${LOG_EVENTS.toLocaleString("en")} events (~0.5 KB each, ${((LOG_EVENTS * 0.5) / 1000).toFixed(0)} MB) in the log; 1 stream from Last-Event-ID 0 that reads all, then 5 and 20 that stop reading`,
      notes:
        `full replay ${received.toLocaleString("en")} events in ${seconds.toFixed(1)} s; web RSS growth (peak over 10 s) with 5 stalled replays ${((peak5 - baseline) / MB).toFixed(1)} MB, ` +
        `with 20 ${((peak20 - baseline) / MB).toFixed(1)} MB (from ${(baseline / MB).toFixed(0)} MB after the full replay)`,
    };
  } finally {
    await web.stop();
  }
}
