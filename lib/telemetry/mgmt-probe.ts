// Management-service probe: whether a device accepts TCP connections on its telnet, SSH and HTTP
// management ports, for the configuration facts the SNMP poller reports (no standard MIB says whether
// telnet is on). One TCP connect per port: nothing is sent, no retry, and the socket is destroyed as
// soon as the handshake completes or fails. Accepted → enabled (true); refused (RST) → disabled
// (false); no answer (timeout, unreachable, a local error) → unknown (null), never a false "disabled".
// Probing is a small port scan of the device, so a target opts in (`probeManagementPorts`); off by
// default. Network only, no clock or state: the caller bounds how often it runs.
import net from "node:net";
import { z } from "zod";

export const MANAGEMENT_SERVICES = ["telnet", "ssh", "http"] as const;
export type ManagementService = (typeof MANAGEMENT_SERVICES)[number];

/**
 * The well-known ports. HTTP is plain 80, not 443: the fact flags cleartext management (as telnet is);
 * HTTPS management is the hardened setting and is not what "HTTP management enabled" warns about.
 */
export const DEFAULT_MANAGEMENT_PORTS: Readonly<Record<ManagementService, number>> = { telnet: 23, ssh: 22, http: 80 };

/** Per service: the port probed, or false for not probed (its fact stays unknown). */
export type ManagementPorts = Record<ManagementService, number | false>;

const servicePort = z.union([z.number().int().min(1).max(65535), z.literal(false)]).optional();

/**
 * A target's `probeManagementPorts` (the worker config file's and the poller's): left out or false,
 * no probe; true, the three default ports; an object, per service a port or false (skipped), a service
 * left out at its default port. Normalised to every service's port or false, so parsing the output
 * again gives the same ports.
 */
export const managementProbeSchema = z
  .preprocess(
    (v) => (v === true ? {} : v === false ? undefined : v),
    z.strictObject({ telnet: servicePort, ssh: servicePort, http: servicePort }).optional(),
  )
  .transform((v): ManagementPorts | undefined =>
    v === undefined
      ? undefined
      : { telnet: v.telnet ?? DEFAULT_MANAGEMENT_PORTS.telnet, ssh: v.ssh ?? DEFAULT_MANAGEMENT_PORTS.ssh, http: v.http ?? DEFAULT_MANAGEMENT_PORTS.http },
  );

export type PortOutcome = "open" | "refused" | "timeout" | "unreachable" | "error";
export const PORT_OUTCOMES: readonly PortOutcome[] = ["open", "refused", "timeout", "unreachable", "error"];

const REFUSED = new Set(["ECONNREFUSED", "ECONNRESET"]);
const UNREACHABLE = new Set(["EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN"]);

/** The outcome of a connect that failed with this error code. */
export function failedConnectOutcome(code: string | undefined): PortOutcome {
  if (code && REFUSED.has(code)) return "refused";
  if (code && UNREACHABLE.has(code)) return "unreachable";
  return "error";
}

/** The service's state as a fact: only an answer from the device says anything. */
export function enabledOf(outcome: PortOutcome | undefined): boolean | null {
  return outcome === "open" ? true : outcome === "refused" ? false : null;
}

/** One TCP connect to host:port, given up after `timeoutMs` (or when `signal` aborts: "error"). */
export function probeTcpPort(host: string, port: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<PortOutcome> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve("error");
    const socket = net.connect({ host, port });
    const done = (outcome: PortOutcome) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      socket.removeAllListeners("connect");
      // a late error after destroy() must not go unhandled
      socket.removeAllListeners("error").on("error", () => undefined);
      socket.destroy();
      resolve(outcome);
    };
    const onAbort = () => done("error");
    const timer = setTimeout(() => done("timeout"), options.timeoutMs);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => done("open"));
    socket.once("error", (err: NodeJS.ErrnoException) => done(failedConnectOutcome(err.code)));
  });
}

export interface ManagementProbeResult {
  telnetEnabled: boolean | null;
  sshEnabled: boolean | null;
  httpMgmtEnabled: boolean | null;
  /** Per probed service. */
  outcomes: Partial<Record<ManagementService, PortOutcome>>;
}

/** Probes each configured service's port once, all at the same time. */
export async function probeManagementServices(
  host: string,
  ports: ManagementPorts,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<ManagementProbeResult> {
  const probed = await Promise.all(
    MANAGEMENT_SERVICES.map(async (service) => {
      const port = ports[service];
      return [service, port === false ? undefined : await probeTcpPort(host, port, options)] as const;
    }),
  );
  const outcomes: Partial<Record<ManagementService, PortOutcome>> = {};
  for (const [service, outcome] of probed) if (outcome) outcomes[service] = outcome;
  return {
    telnetEnabled: enabledOf(outcomes.telnet),
    sshEnabled: enabledOf(outcomes.ssh),
    httpMgmtEnabled: enabledOf(outcomes.http),
    outcomes,
  };
}
