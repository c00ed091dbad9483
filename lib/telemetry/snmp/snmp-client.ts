// A small promise-based SNMP v2c/v3 client over `net-snmp`, hardened for the poller:
//
// - every request settles exactly once, within a deadline of its own (net-snmp's retries and
//   timeout, plus a guard), whatever the peer sends;
// - datagrams that are not SNMP (or that make the library throw while decoding) are reported to
//   `onGarbage` instead of becoming uncaught exceptions;
// - errors are classified (timeout, auth, agent_error, too_big, invalid_response, send_failed,
//   closed) so the caller can count them and decide what "unreachable" means;
// - `walk` reads several table columns at once with GETBULK, resumes each column where it stopped,
//   halves max-repetitions when the agent says tooBig, and stops on out-of-order or endless tables.
import net from "node:net";
import * as snmp from "net-snmp";
import { OID, SnmpType, type RawVarbind } from "./device-snapshot";

export type SnmpAuthProtocol = "md5" | "sha" | "sha224" | "sha256" | "sha384" | "sha512";
export type SnmpPrivProtocol = "des" | "aes" | "aes256b" | "aes256r";
export type SnmpSecurityLevel = "noAuthNoPriv" | "authNoPriv" | "authPriv";

export interface SnmpV3Credentials {
  user: string;
  level: SnmpSecurityLevel;
  authProtocol: SnmpAuthProtocol;
  authKey?: string | undefined;
  privProtocol: SnmpPrivProtocol;
  privKey?: string | undefined;
}

export interface SnmpClientTarget {
  address: string;
  port: number;
  version: "2c" | "3";
  community?: string | undefined;
  v3?: SnmpV3Credentials | undefined;
  /** Per attempt. */
  timeoutMs: number;
  retries: number;
}

export type SnmpErrorKind =
  /** No answer within timeout × (retries + 1). */
  | "timeout"
  /** The datagram could not be sent (no route, name not resolved). */
  | "send_failed"
  /** SNMPv3 security: unknown user, wrong digest or key, engine time window. */
  | "auth"
  /** The agent answered with an error status (genErr, noAccess, ...). */
  | "agent_error"
  /** The agent answered tooBig. */
  | "too_big"
  /** An answer that does not fit the request (or a walk that does not end). */
  | "invalid_response"
  /** The client was closed. */
  | "closed";

export class SnmpError extends Error {
  constructor(
    readonly kind: SnmpErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "SnmpError";
  }
}

/** Kinds meaning the agent never answered (the ones that count towards "unreachable"). */
export const NO_ANSWER_KINDS: ReadonlySet<SnmpErrorKind> = new Set(["timeout", "send_failed"]);

export interface SnmpClientHooks {
  /** A datagram arrived that is not a decodable SNMP message. */
  onGarbage?: (error: Error) => void;
}

export interface WalkOptions {
  maxRepetitions: number;
  /** Upper bound on GETBULK requests for one walk. */
  maxRequests?: number;
  /** Upper bound on rows kept per column. */
  maxRowsPerColumn?: number;
}

export interface WalkResult {
  /** sysUpTime.0, read in the first request; null when the agent did not return it. */
  uptimeTicks: number | null;
  /** Column OID → row index (OID suffix) → varbind. */
  columns: Map<string, Map<string, RawVarbind>>;
  requests: number;
  /** Rows dropped as out of order (an agent bug) or beyond maxRowsPerColumn. */
  discardedRows: number;
}

const AUTH_CODES = new Set(
  [snmp.ResponseInvalidCode.EAuthFailure, snmp.ResponseInvalidCode.ECouldNotDecrypt, snmp.ResponseInvalidCode.ENotInTimeWindow, snmp.ResponseInvalidCode.EUnexpectedReport].filter(
    (c) => typeof c === "number",
  ),
);

function classify(error: unknown): SnmpError {
  if (error instanceof SnmpError) return error;
  const e = error as { name?: string; message?: string; status?: number; code?: number | string };
  const message = e?.message ?? String(error);
  switch (e?.name) {
    case "RequestTimedOutError":
      return new SnmpError("timeout", message);
    case "RequestFailedError":
      return new SnmpError(e.status === snmp.ErrorStatus.TooBig ? "too_big" : "agent_error", message);
    case "ResponseInvalidError":
      return new SnmpError(typeof e.code === "number" && AUTH_CODES.has(e.code) ? "auth" : "invalid_response", message);
    case "RequestInvalidError":
      return new SnmpError("invalid_response", message);
  }
  if (/forcibly closed|not running/i.test(message)) return new SnmpError("closed", message);
  return new SnmpError("send_failed", message);
}

function compareOids(a: string, b: string): number {
  const pa = a.split(".");
  const pb = b.split(".");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  return pa.length - pb.length;
}

function isException(vb: RawVarbind): boolean {
  return vb.type === SnmpType.NoSuchObject || vb.type === SnmpType.NoSuchInstance || vb.type === SnmpType.EndOfMibView;
}

export class SnmpClient {
  private readonly session: snmp.Session;
  private closed = false;
  private readonly guardMs: number;

  constructor(
    readonly target: SnmpClientTarget,
    private readonly hooks: SnmpClientHooks = {},
  ) {
    const options: snmp.SessionOptions = {
      port: target.port,
      retries: target.retries,
      timeout: target.timeoutMs,
      transport: net.isIPv6(target.address) ? "udp6" : "udp4",
    };
    if (target.version === "3") {
      const v3 = target.v3;
      if (!v3) throw new Error("SNMPv3 target without v3 credentials");
      const user: snmp.UserV3 = { name: v3.user, level: snmp.SecurityLevel[v3.level] };
      if (v3.level !== "noAuthNoPriv") {
        user.authProtocol = snmp.AuthProtocols[v3.authProtocol];
        user.authKey = v3.authKey ?? "";
      }
      if (v3.level === "authPriv") {
        user.privProtocol = snmp.PrivProtocols[v3.privProtocol];
        user.privKey = v3.privKey ?? "";
      }
      this.session = snmp.createV3Session(target.address, user, { ...options, version: snmp.Version3 });
    } else {
      this.session = snmp.createSession(target.address, target.community ?? "public", { ...options, version: snmp.Version2c });
    }
    // v3 needs a discovery round trip before the first request.
    this.guardMs = target.timeoutMs * (target.retries + 1) * (target.version === "3" ? 2 : 1) + 2000;

    // Undecodable datagrams make the session emit "error" (fatal without a listener).
    this.session.on("error", (err: Error) => this.hooks.onGarbage?.(err));
    // And anything thrown while handling a datagram would be an uncaught exception: guard it. The
    // request it belonged to then ends through the guard timeout.
    const socket = this.session.dgram;
    socket.removeAllListeners("message");
    socket.on("message", (buffer: Buffer) => {
      try {
        this.session.onMsg(buffer);
      } catch (err) {
        this.hooks.onGarbage?.(err instanceof Error ? err : new Error(String(err)));
      }
    });
    socket.on("error", () => undefined);
  }

  private request<T>(start: (callback: (error: Error | null, value?: T) => void) => void): Promise<T> {
    if (this.closed) return Promise.reject(new SnmpError("closed", "client closed"));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (error: unknown, value?: T) => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        if (error) reject(classify(error));
        else resolve(value as T);
      };
      const guard = setTimeout(() => finish(new SnmpError("timeout", "no usable answer before the deadline")), this.guardMs);
      guard.unref();
      try {
        start((error, value) => finish(error, value));
      } catch (err) {
        finish(err);
      }
    });
  }

  get(oids: string[]): Promise<RawVarbind[]> {
    return this.request<snmp.Varbind[]>((cb) => this.session.get(oids, cb)).then((vbs) => vbs ?? []);
  }

  getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number): Promise<Array<RawVarbind | RawVarbind[]>> {
    return this.request<Array<snmp.Varbind | snmp.Varbind[]>>((cb) => this.session.getBulk(oids, nonRepeaters, maxRepetitions, cb)).then(
      (vbs) => vbs ?? [],
    );
  }

  /** Walks `columns` together (GETBULK), reading sysUpTime.0 in the first request. */
  async walk(columns: readonly string[], options: WalkOptions): Promise<WalkResult> {
    const maxRequests = options.maxRequests ?? 1000;
    const maxRows = options.maxRowsPerColumn ?? 100_000;
    const result = new Map(columns.map((c) => [c, new Map<string, RawVarbind>()]));
    const cursor = new Map(columns.map((c) => [c, c]));
    const active = new Set(columns);
    let maxRepetitions = Math.max(1, options.maxRepetitions);
    let uptimeTicks: number | null = null;
    let discardedRows = 0;
    let first = true;
    let requests = 0;

    while (first || active.size > 0) {
      if (requests >= maxRequests) throw new SnmpError("invalid_response", `walk unfinished after ${requests} requests`);
      requests++;
      const cols = [...active];
      const nonRepeaters = first ? 1 : 0;
      const oids = [...(first ? [OID.sysUpTime] : []), ...cols.map((c) => cursor.get(c)!)];
      let varbinds: Array<RawVarbind | RawVarbind[]>;
      try {
        varbinds = await this.getBulk(oids, nonRepeaters, maxRepetitions);
      } catch (err) {
        if (err instanceof SnmpError && err.kind === "too_big" && maxRepetitions > 1) {
          maxRepetitions = Math.max(1, Math.floor(maxRepetitions / 2));
          continue;
        }
        throw err;
      }
      if (first) {
        const up = varbinds[0];
        if (up && !Array.isArray(up) && up.oid === OID.sysUpTimeInstance && up.type === SnmpType.TimeTicks && typeof up.value === "number") {
          uptimeTicks = up.value;
        }
        first = false;
      }

      let progress = false;
      cols.forEach((col, j) => {
        const rows = varbinds[nonRepeaters + j];
        if (!Array.isArray(rows)) return; // the agent truncated the response before this column
        const prefix = `${col}.`;
        const kept = result.get(col)!;
        for (const vb of rows) {
          if (isException(vb) || typeof vb.oid !== "string" || !vb.oid.startsWith(prefix)) {
            active.delete(col);
            progress = true;
            return;
          }
          if (compareOids(vb.oid, cursor.get(col)!) <= 0 || kept.size >= maxRows) {
            discardedRows++;
            active.delete(col);
            progress = true;
            return;
          }
          kept.set(vb.oid.slice(prefix.length), vb);
          cursor.set(col, vb.oid);
          progress = true;
        }
      });
      if (!progress && active.size > 0) throw new SnmpError("invalid_response", "GETBULK answer without rows for any column");
    }
    return { uptimeTicks, columns: result, requests, discardedRows };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.session.close();
    } catch {
      // already closed
    }
  }
}
