// The seam between mitigation (playbooks, gates, approvals, TTLs: lib/mitigation, workers) and the BGP
// daemon that carries the routes to the edge routers. The product's speaker drives GoBGP over its gRPC
// API; a dry-run speaker records what would be announced. Everything above this interface is tested
// against both.

/** A route Tidewatch announces: a remote-triggered blackhole (RFC 7999) or a FlowSpec rule (RFC 8955). */
export type MitigationRoute =
  | {
      kind: "blackhole";
      /** The attacked host as a prefix, e.g. "203.0.113.7/32" or "2001:db8::7/128". */
      prefix: string;
      /** BGP communities as "asn:value"; a blackhole always carries 65535:666 (BLACKHOLE). */
      communities: readonly string[];
      /** Next hop announced with the route (the daemon's own address when absent). */
      nextHop?: string;
    }
  | {
      kind: "flowspec";
      /** Destination prefix the rule matches. */
      destination: string;
      /** Source prefix, when the rule matches one. */
      source?: string;
      /** IP protocol numbers (6 TCP, 17 UDP, 1 ICMP...). */
      protocols?: readonly number[];
      destinationPorts?: readonly number[];
      sourcePorts?: readonly number[];
      /** discard, or rate-limit to this many bytes per second (traffic-rate extended community). */
      action: { type: "discard" } | { type: "rate-limit"; bytesPerSecond: number };
    };

/** What the daemon says it currently announces (its local RIB), for reconciliation at start. */
export interface AnnouncedRoute {
  route: MitigationRoute;
  /** A stable key: the same route always has the same key (used to match Postgres rows to the RIB). */
  key: string;
}

export interface BgpSpeaker {
  /** Announce (idempotent: announcing what is already announced is not an error). */
  announce(route: MitigationRoute): Promise<void>;
  /** Withdraw (idempotent: withdrawing what is not announced is not an error). */
  withdraw(route: MitigationRoute): Promise<void>;
  /** Every route this speaker currently announces. */
  listAnnounced(): Promise<AnnouncedRoute[]>;
  close(): Promise<void>;
}
