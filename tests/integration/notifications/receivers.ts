// Local receivers the notification tests send to: an HTTP server recording every request (raw body
// included, for signatures) and answering with a scripted status per request; a syslog listener.
import dgram from "node:dgram";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface HttpReceiver {
  url: string;
  requests: Received[];
  /** Statuses for the next requests in order (then 200), with optional headers. */
  script: { status: number; headers?: Record<string, string> }[];
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startHttpReceiver(defaultStatus = 200): Promise<HttpReceiver> {
  const requests: Received[] = [];
  const script: HttpReceiver["script"] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const next = script.shift() ?? { status: defaultStatus };
      res.writeHead(next.status, { "content-type": "application/json", ...next.headers });
      res.end(next.status < 300 ? '{"status":"success"}' : '{"error":"unavailable"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script,
    async waitFor(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (requests.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} requests, got ${requests.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return requests;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface SyslogReceiver {
  port: number;
  lines: string[];
  waitFor(n: number, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startSyslogReceiver(protocol: "udp" | "tcp", tlsServer?: net.Server): Promise<SyslogReceiver> {
  const lines: string[] = [];
  let close: () => Promise<void>;
  let port: number;
  if (protocol === "udp") {
    const socket = dgram.createSocket("udp4");
    socket.on("message", (m) => lines.push(m.toString("utf8")));
    await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
    port = socket.address().port;
    close = () => new Promise<void>((r) => socket.close(() => r()));
  } else {
    const server = tlsServer ?? net.createServer();
    server.on(tlsServer ? "secureConnection" : "connection", (s: net.Socket) => {
      let buf = "";
      s.on("data", (d: Buffer) => {
        buf += d.toString("utf8");
        let i: number;
        while ((i = buf.indexOf("\n")) >= 0) {
          lines.push(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
    close = () => new Promise<void>((r) => server.close(() => r()));
  }
  return {
    port,
    lines,
    async waitFor(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (lines.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} syslog lines, got ${lines.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return lines;
    },
    close: () => close(),
  };
}

/** A clock the test moves by hand (the sender's retries and escalation read it). */
export function manualClock(start = Date.now()) {
  let now = start;
  return {
    now: () => now,
    sleep: (ms: number, signal?: AbortSignal) => new Promise<void>((r) => (signal?.aborted ? r() : setTimeout(r, Math.min(ms, 20)))),
    advance(ms: number) {
      now += ms;
    },
  };
}
