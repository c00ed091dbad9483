// A parsed syslog message (RFC 3164 or RFC 5424), independent of transport.
export type SyslogSeverity = "emerg" | "alert" | "crit" | "err" | "warning" | "notice" | "info" | "debug";

export const SYSLOG_SEVERITIES: readonly SyslogSeverity[] = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

export interface SyslogMessage {
  format: "rfc3164" | "rfc5424";
  facility: number;
  severity: SyslogSeverity;
  /** Epoch ms from the message; null when it had none or it could not be read. */
  timestampMs: number | null;
  /** HOSTNAME field; null when absent ("-"). */
  hostname: string | null;
  appName: string | null;
  message: string;
}

/** Failure keywords counted per device per minute (the detectors use the counts). */
export const FAILURE_KEYWORDS = ["down", "fail", "error", "unreachable", "timeout", "authentication failure"] as const;
export type FailureKeyword = (typeof FAILURE_KEYWORDS)[number];
