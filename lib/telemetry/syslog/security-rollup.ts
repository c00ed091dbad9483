// One device-minute's security events from syslog (lib/telemetry/syslog/security-events.ts), summed up
// for the detectors: failed logins per source with the accounts tried, routing neighbour changes per
// neighbour, configuration changes per user and source. Senders choose users, sources and neighbour
// names, so each list keeps at most a fixed number of distinct entries; what falls beyond is counted,
// never kept. Pure.
import type { AuthService, RoutingProtocol, SecurityEvent } from "@/lib/telemetry/syslog/security-events";

/** Distinct sources (and neighbours, change authors) kept per device-minute. */
export const MAX_SECURITY_KEYS = 32;
/** Distinct accounts kept per source and minute (password spraying needs far fewer to show). */
export const MAX_USERS_PER_SOURCE = 16;

export interface AuthSourceSummary {
  /** Address or host name the attempts came from; null when the lines named none. */
  source: string | null;
  failures: number;
  /** Distinct accounts tried (at most MAX_USERS_PER_SOURCE), in first-seen order. */
  users: string[];
  /** Failures naming an account beyond the ones kept. */
  failuresOfOtherUsers: number;
  services: AuthService[];
}

export interface NeighborSummary {
  protocol: RoutingProtocol;
  neighbor: string;
  ups: number;
  downs: number;
}

export interface ConfigChangeSummary {
  user: string | null;
  source: string | null;
  count: number;
}

export interface SyslogSecurityMinute {
  authFailures: number;
  /** At most MAX_SECURITY_KEYS sources. */
  authSources: AuthSourceSummary[];
  /** Failures from sources beyond the ones kept. */
  authFailuresOfOtherSources: number;
  neighborChanges: NeighborSummary[];
  neighborChangesOfOthers: number;
  configChanges: ConfigChangeSummary[];
  configChangesOfOthers: number;
}

export function emptySecurityMinute(): SyslogSecurityMinute {
  return {
    authFailures: 0,
    authSources: [],
    authFailuresOfOtherSources: 0,
    neighborChanges: [],
    neighborChangesOfOthers: 0,
    configChanges: [],
    configChangesOfOthers: 0,
  };
}

export function isEmptySecurityMinute(m: SyslogSecurityMinute): boolean {
  return m.authFailures === 0 && m.neighborChanges.length === 0 && m.neighborChangesOfOthers === 0 && m.configChanges.length === 0 && m.configChangesOfOthers === 0;
}

/** Adds one event to `into` (mutated), within the bounds. */
export function addSecurityEvent(into: SyslogSecurityMinute, e: SecurityEvent): void {
  switch (e.kind) {
    case "auth_failure": {
      into.authFailures++;
      let s = into.authSources.find((x) => x.source === e.source);
      if (!s) {
        if (into.authSources.length >= MAX_SECURITY_KEYS) {
          into.authFailuresOfOtherSources++;
          return;
        }
        into.authSources.push((s = { source: e.source, failures: 0, users: [], failuresOfOtherUsers: 0, services: [] }));
      }
      s.failures++;
      if (!s.services.includes(e.service)) s.services.push(e.service);
      if (e.user !== null && !s.users.includes(e.user)) {
        if (s.users.length < MAX_USERS_PER_SOURCE) s.users.push(e.user);
        else s.failuresOfOtherUsers++;
      }
      return;
    }
    case "neighbor_change": {
      let n = into.neighborChanges.find((x) => x.protocol === e.protocol && x.neighbor === e.neighbor);
      if (!n) {
        if (into.neighborChanges.length >= MAX_SECURITY_KEYS) {
          into.neighborChangesOfOthers++;
          return;
        }
        into.neighborChanges.push((n = { protocol: e.protocol, neighbor: e.neighbor, ups: 0, downs: 0 }));
      }
      if (e.state === "up") n.ups++;
      else n.downs++;
      return;
    }
    case "config_change": {
      let c = into.configChanges.find((x) => x.user === e.user && x.source === e.source);
      if (!c) {
        if (into.configChanges.length >= MAX_SECURITY_KEYS) {
          into.configChangesOfOthers++;
          return;
        }
        into.configChanges.push((c = { user: e.user, source: e.source, count: 0 }));
      }
      c.count++;
      return;
    }
  }
}

/** `from` added to `into` (mutated): the same bounds as adding its events one by one. */
export function mergeSecurityMinute(into: SyslogSecurityMinute, from: SyslogSecurityMinute): void {
  into.authFailures += from.authFailures;
  into.authFailuresOfOtherSources += from.authFailuresOfOtherSources;
  for (const s of from.authSources) {
    let t = into.authSources.find((x) => x.source === s.source);
    if (!t) {
      if (into.authSources.length >= MAX_SECURITY_KEYS) {
        into.authFailuresOfOtherSources += s.failures;
        continue;
      }
      into.authSources.push((t = { source: s.source, failures: 0, users: [], failuresOfOtherUsers: 0, services: [] }));
    }
    t.failures += s.failures;
    t.failuresOfOtherUsers += s.failuresOfOtherUsers;
    for (const svc of s.services) if (!t.services.includes(svc)) t.services.push(svc);
    for (const u of s.users) {
      if (t.users.includes(u)) continue;
      if (t.users.length < MAX_USERS_PER_SOURCE) t.users.push(u);
      else t.failuresOfOtherUsers++;
    }
  }
  into.neighborChangesOfOthers += from.neighborChangesOfOthers;
  for (const n of from.neighborChanges) {
    const t = into.neighborChanges.find((x) => x.protocol === n.protocol && x.neighbor === n.neighbor);
    if (t) {
      t.ups += n.ups;
      t.downs += n.downs;
    } else if (into.neighborChanges.length < MAX_SECURITY_KEYS) into.neighborChanges.push({ ...n });
    else into.neighborChangesOfOthers += n.ups + n.downs;
  }
  into.configChangesOfOthers += from.configChangesOfOthers;
  for (const c of from.configChanges) {
    const t = into.configChanges.find((x) => x.user === c.user && x.source === c.source);
    if (t) t.count += c.count;
    else if (into.configChanges.length < MAX_SECURITY_KEYS) into.configChanges.push({ ...c });
    else into.configChangesOfOthers += c.count;
  }
}
