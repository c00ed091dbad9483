// Types for the parts of the `net-snmp` package (plain JavaScript, no bundled types) that
// lib/telemetry/snmp uses. Checked against net-snmp 3.29 (index.js).
declare module "net-snmp" {
  import type { Socket } from "node:dgram";
  import type { EventEmitter } from "node:events";

  export interface Varbind {
    oid: string;
    type: number;
    value: unknown;
  }

  export interface SessionOptions {
    port?: number;
    retries?: number;
    timeout?: number;
    backoff?: number;
    transport?: "udp4" | "udp6";
    version?: number;
    idBitsSize?: 16 | 32;
    backwardsGetNexts?: boolean;
    reportOidMismatchErrors?: boolean;
    context?: string;
  }

  export interface UserV3 {
    name: string;
    level: number;
    authProtocol?: number;
    authKey?: string;
    privProtocol?: number;
    privKey?: string;
  }

  export interface Session extends EventEmitter {
    get(oids: string[], callback: (error: Error | null, varbinds?: Varbind[]) => void): Session;
    /** Varbinds: the non-repeaters' varbinds, then one array of rows per repeated OID. */
    getBulk(
      oids: string[],
      nonRepeaters: number,
      maxRepetitions: number,
      callback: (error: Error | null, varbinds?: Array<Varbind | Varbind[]>) => void,
    ): Session;
    close(): Session;
    /** Internal: the session's UDP socket. */
    dgram: Socket;
    /** Internal: the socket's "message" handler. */
    onMsg(buffer: Buffer): void;
  }

  export function createSession(target: string, community: string, options?: SessionOptions): Session;
  export function createV3Session(target: string, user: UserV3, options?: SessionOptions): Session;
  export function isVarbindError(varbind: Varbind): boolean;

  export const Version1: number;
  export const Version2c: number;
  export const Version3: number;
  export const SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
  export const AuthProtocols: { none: number; md5: number; sha: number; sha224: number; sha256: number; sha384: number; sha512: number };
  export const PrivProtocols: { none: number; des: number; aes: number; aes256b: number; aes256r: number };
  export const ErrorStatus: Record<string, number> & { TooBig: number };
  export const ResponseInvalidCode: Record<string, number> & {
    EAuthFailure: number;
    ECouldNotDecrypt: number;
    ENotInTimeWindow: number;
    EUnexpectedReport: number;
  };

  export class RequestTimedOutError extends Error {}
  export class RequestFailedError extends Error {
    status: number;
  }
  export class ResponseInvalidError extends Error {
    code: number;
  }
  export class RequestInvalidError extends Error {}
}
