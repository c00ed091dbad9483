// Syslog collector: UDP and TCP on the same port number (RFC 3164 and RFC 5424 messages; TCP framed
// by octet counting or by LF/NUL, per RFC 6587, recognised per frame). Every parsed message goes to
// `sink.syslog(message, sourceAddress)`. Nothing a peer sends can stop it: parsing never throws (and
// is guarded anyway), a TCP connection that sends garbage is resynchronised at the next frame and
// closed only after `maxConsecutiveBadFrames` unusable frames in a row, without touching the others;
// connections above `maxConnections` in total or `maxConnectionsPerSource` from one address are
// refused, and so is every datagram or connection from outside `allowedSources` (COLLECTOR_ALLOWED_SOURCES;
// empty = all). A HOSTNAME that is not an RFC 1123 name or an address is refused (counted in
// tidewatch_inventory_refused_total) and the message is known by its source address. Messages are counted by transport and format,
// drops by reason (collector "syslog"); messages whose bytes were not UTF-8 are kept (read as
// Latin-1) and counted in tidewatch_syslog_non_utf8_messages_total.
import dgram from "node:dgram";
import net from "node:net";
import { z } from "zod";
import type { Logger } from "@/lib/log";
import { createSourceFilter } from "@/lib/telemetry/cidr";
import { isValidHostname } from "@/lib/telemetry/hostname";
import { parseSyslog } from "@/lib/telemetry/syslog/parse-syslog";
import { DEFAULT_MAX_FRAME_BYTES, SyslogFrameSplitter } from "@/lib/telemetry/syslog/tcp-framing";
import { defineCollector, type CollectorContext, type RunningCollector } from "./collector";
import { collectorDroppedTotal, collectorUp, inventoryRefusedTotal, syslogMessagesTotal, syslogNonUtf8Total } from "./collector-metrics";


export const syslogConfigSchema = z.object({
  port: z.number().int().min(0).max(65535).default(5514),
  host: z.string().min(1).default("0.0.0.0"),
  udp: z.boolean().default(true),
  tcp: z.boolean().default(true),
  /** Open TCP connections accepted at once; more are refused. */
  maxConnections: z.number().int().min(1).max(100_000).default(4096),
  /** Open TCP connections accepted at once from one source address; more are refused. */
  maxConnectionsPerSource: z.number().int().min(1).max(100_000).default(32),
  /** CIDRs of the senders accepted; empty accepts every sender. */
  allowedSources: z.array(z.string()).default([]),
  /** Largest message kept (TCP frame or UDP datagram), bytes. */
  maxMessageBytes: z.number().int().min(480).max(16 * 1024 * 1024).default(DEFAULT_MAX_FRAME_BYTES),
  /** A TCP connection delivering this many unusable frames in a row is closed. */
  maxConsecutiveBadFrames: z.number().int().min(1).default(1000),
  /** A TCP connection silent for this long is closed (senders reconnect); 0 = never. */
  idleTimeoutSec: z.number().min(0).default(3600),
  /** Requested SO_RCVBUF for UDP; the kernel caps it at net.core.rmem_max. */
  recvBufferBytes: z.number().int().positive().default(8 * 1024 * 1024),
});

export type SyslogCollectorConfig = z.infer<typeof syslogConfigSchema>;

export type SyslogTransport = "udp" | "tcp";

export interface SyslogCollectorStats {
  messages: { udp: number; tcp: number };
  nonUtf8: number;
  drops: Record<string, number>;
  connectionsOpen: number;
  connectionsTotal: number;
  connectionsClosedForGarbage: number;
  /** HOSTNAME fields refused as not a host name (the message is kept, known by its address). */
  hostnamesRejected: number;
  sinkErrors: number;
}

export interface RunningSyslogCollector extends RunningCollector {
  ports: { udp?: number; tcp?: number };
  stats(): SyslogCollectorStats;
}

function rateLimited(log: Logger, now: () => number, intervalMs: number) {
  let last = -Infinity;
  let suppressed = 0;
  return (level: "warn" | "error", msg: string, fields: Record<string, unknown>) => {
    const t = now();
    if (t - last < intervalMs) {
      suppressed++;
      return;
    }
    last = t;
    log[level](msg, suppressed > 0 ? { ...fields, suppressed } : fields);
    suppressed = 0;
  };
}

function normaliseAddress(address: string | undefined): string {
  if (!address) return "unknown";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

export async function startSyslogCollector(ctx: CollectorContext<SyslogCollectorConfig>): Promise<RunningSyslogCollector> {
  const { config, sink, log, now } = ctx;
  if (!config.udp && !config.tcp) throw new Error("syslog collector: neither udp nor tcp is enabled");

  const stats: SyslogCollectorStats = {
    messages: { udp: 0, tcp: 0 },
    nonUtf8: 0,
    drops: {},
    connectionsOpen: 0,
    connectionsTotal: 0,
    connectionsClosedForGarbage: 0,
    hostnamesRejected: 0,
    sinkErrors: 0,
  };
  const allowed = createSourceFilter(config.allowedSources);
  const invalidHostnames = inventoryRefusedTotal.labels("invalid_hostname");
  const messageCounters = {
    udp: { rfc3164: syslogMessagesTotal.labels("udp", "rfc3164"), rfc5424: syslogMessagesTotal.labels("udp", "rfc5424") },
    tcp: { rfc3164: syslogMessagesTotal.labels("tcp", "rfc3164"), rfc5424: syslogMessagesTotal.labels("tcp", "rfc5424") },
  };
  const nonUtf8Counters = { udp: syslogNonUtf8Total.labels("udp"), tcp: syslogNonUtf8Total.labels("tcp") };
  const dropCounters = new Map<string, ReturnType<typeof collectorDroppedTotal.labels>>();
  const countDrop = (reason: string) => {
    let counter = dropCounters.get(reason);
    if (!counter) {
      counter = collectorDroppedTotal.labels("syslog", reason);
      dropCounters.set(reason, counter);
    }
    counter.inc();
    stats.drops[reason] = (stats.drops[reason] ?? 0) + 1;
  };
  const logLimited = rateLimited(log, now, 10_000);

  /** Parses and delivers one message; true when it was a usable syslog message. */
  const handle = (bytes: Buffer, source: string, transport: SyslogTransport): boolean => {
    if (bytes.length > config.maxMessageBytes) {
      countDrop("oversize");
      return false;
    }
    let parsed;
    try {
      parsed = parseSyslog(bytes, now());
    } catch (err) {
      // Not expected (the parser never throws by design); counted so it shows on dashboards.
      countDrop("parser_error");
      logLimited("error", "syslog parser failed", { source, bytes: bytes.length, error: err as Error });
      return false;
    }
    if (!parsed.ok) {
      countDrop(parsed.reason);
      return false;
    }
    let message = parsed.message;
    if (message.hostname !== null && !isValidHostname(message.hostname)) {
      stats.hostnamesRejected++;
      invalidHostnames.inc();
      message = { ...message, hostname: null };
    }
    stats.messages[transport]++;
    messageCounters[transport][message.format].inc();
    if (parsed.encoding !== "utf-8") {
      stats.nonUtf8++;
      nonUtf8Counters[transport].inc();
    }
    try {
      sink.syslog(message, source);
    } catch (err) {
      stats.sinkErrors++;
      logLimited("error", "telemetry sink rejected a syslog message", { source, error: err as Error });
    }
    return true;
  };

  // --- TCP --------------------------------------------------------------------------------------
  const sockets = new Set<net.Socket>();
  const openBySource = new Map<string, number>();
  let server: net.Server | undefined;
  const onConnection = (socket: net.Socket) => {
    const source = normaliseAddress(socket.remoteAddress);
    if (!allowed(source)) {
      countDrop("source_not_allowed");
      socket.destroy();
      return;
    }
    const fromSource = openBySource.get(source) ?? 0;
    if (fromSource >= config.maxConnectionsPerSource) {
      countDrop("too_many_connections_from_source");
      logLimited("warn", "refusing a syslog connection: too many open from this source", { source, open: fromSource });
      socket.destroy();
      return;
    }
    openBySource.set(source, fromSource + 1);
    stats.connectionsTotal++;
    stats.connectionsOpen++;
    sockets.add(socket);
    const splitter = new SyslogFrameSplitter({ maxFrameBytes: config.maxMessageBytes });
    let consecutiveBad = 0;
    socket.setKeepAlive(true, 60_000);
    socket.setNoDelay(true);
    if (config.idleTimeoutSec > 0) {
      socket.setTimeout(config.idleTimeoutSec * 1000, () => socket.destroy());
    }
    const deliver = (events: ReturnType<SyslogFrameSplitter["push"]>) => {
      for (const event of events) {
        let good: boolean;
        if (event.type === "drop") {
          countDrop(event.reason);
          good = false;
        } else {
          good = handle(event.frame, source, "tcp");
        }
        consecutiveBad = good ? 0 : consecutiveBad + 1;
        if (consecutiveBad >= config.maxConsecutiveBadFrames && !socket.destroyed) {
          stats.connectionsClosedForGarbage++;
          countDrop("connection_closed_garbage");
          logLimited("warn", "closing a syslog connection that sends no syslog", { source, badFrames: consecutiveBad });
          socket.destroy();
          return;
        }
      }
    };
    socket.on("data", (chunk: Buffer) => {
      if (socket.destroyed) return;
      try {
        deliver(splitter.push(chunk));
      } catch (err) {
        countDrop("parser_error");
        logLimited("error", "syslog framing failed; closing the connection", { source, error: err as Error });
        socket.destroy();
      }
    });
    socket.on("end", () => {
      try {
        deliver(splitter.end());
      } catch {
        countDrop("parser_error");
      }
      socket.end();
    });
    // ECONNRESET and the like: the connection goes, nothing else does.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      stats.connectionsOpen--;
      sockets.delete(socket);
      const left = (openBySource.get(source) ?? 1) - 1;
      if (left > 0) openBySource.set(source, left);
      else openBySource.delete(source);
    });
  };

  const listenTcp = (port: number): Promise<net.Server> =>
    new Promise((resolve, reject) => {
      const srv = net.createServer(onConnection);
      srv.maxConnections = config.maxConnections;
      srv.on("drop", () => {
        countDrop("too_many_connections");
        logLimited("warn", "refusing a syslog connection: too many open", { max: config.maxConnections });
      });
      srv.once("error", reject);
      srv.listen({ port, host: config.host }, () => {
        srv.off("error", reject);
        srv.on("error", (err) => logLimited("error", "syslog tcp server error", { error: err }));
        resolve(srv);
      });
    });

  // --- UDP --------------------------------------------------------------------------------------
  let udp: dgram.Socket | undefined;
  const bindUdp = (port: number): Promise<dgram.Socket> =>
    new Promise((resolve, reject) => {
      const sock = dgram.createSocket({ type: net.isIPv6(config.host) ? "udp6" : "udp4" });
      sock.on("message", (msg, rinfo) => {
        try {
          const source = normaliseAddress(rinfo.address);
          if (!allowed(source)) {
            countDrop("source_not_allowed");
            return;
          }
          handle(msg, source, "udp");
        } catch (err) {
          countDrop("parser_error");
          logLimited("error", "syslog datagram handling failed", { error: err as Error });
        }
      });
      const onError = (err: Error) => {
        sock.close();
        reject(err);
      };
      sock.once("error", onError);
      sock.bind(port, config.host, () => {
        sock.off("error", onError);
        sock.on("error", (err) => logLimited("error", "syslog udp socket error", { error: err }));
        resolve(sock);
      });
    });

  const closeTcp = (srv: net.Server) => new Promise<void>((resolve) => srv.close(() => resolve()));

  // Same port number for both: with port 0 the TCP listener picks one and UDP binds to it; if that
  // number is taken for UDP, another is tried.
  for (let attempt = 0; ; attempt++) {
    try {
      if (config.tcp) server = await listenTcp(config.port);
      const port = server ? (server.address() as net.AddressInfo).port : config.port;
      if (config.udp) udp = await bindUdp(port);
      break;
    } catch (err) {
      if (server) await closeTcp(server);
      server = undefined;
      const retry = config.port === 0 && config.tcp && config.udp && (err as NodeJS.ErrnoException).code === "EADDRINUSE" && attempt < 10;
      if (!retry) throw err;
    }
  }

  if (udp) {
    try {
      udp.setRecvBufferSize(config.recvBufferBytes);
    } catch (err) {
      log.warn("could not set the receive buffer size", { requested: config.recvBufferBytes, error: err as Error });
    }
  }
  const ports: { udp?: number; tcp?: number } = {};
  if (udp) ports.udp = udp.address().port;
  if (server) ports.tcp = (server.address() as net.AddressInfo).port;
  log.info("syslog collector listening", { host: config.host, ...ports });
  collectorUp.labels("syslog").set(1);

  let stopped: Promise<void> | undefined;
  return {
    ports,
    stats: () => ({ ...stats, messages: { ...stats.messages }, drops: { ...stats.drops } }),
    stop() {
      stopped ??= (async () => {
        collectorUp.labels("syslog").set(0);
        const closing: Promise<void>[] = [];
        if (udp) {
          const sock = udp;
          closing.push(new Promise<void>((resolve) => sock.close(() => resolve())));
        }
        if (server) closing.push(closeTcp(server));
        for (const s of sockets) s.destroy();
        await Promise.all(closing);
      })();
      return stopped;
    },
  };
}

export const syslogCollector = defineCollector<SyslogCollectorConfig>({
  name: "syslog",
  configSchema: syslogConfigSchema,
  start: startSyslogCollector,
});
