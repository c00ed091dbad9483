// A BgpSpeaker that announces nothing: it keeps in memory what would be announced, and a bounded log of
// what it was asked to do, so the demo and dry-run mode show exactly what Tidewatch would send to the
// routers (describeRoute) without a BGP daemon. Behaves like the real speaker: idempotent announce and
// withdraw, routes keyed by routeKey (re-announcing the same NLRI replaces its attributes).
import type { AnnouncedRoute, BgpSpeaker, MitigationRoute } from "./bgp-speaker";
import { describeRoute, routeKey } from "./route-text";

export interface DryRunEntry {
  op: "announce" | "withdraw";
  key: string;
  route: MitigationRoute;
  /** What the routers would have been told, e.g. "blackhole 203.0.113.7/32 community 65535:666". */
  text: string;
}

export class DryRunSpeaker implements BgpSpeaker {
  private readonly announced = new Map<string, MitigationRoute>();
  private readonly log: DryRunEntry[] = [];
  private closed = false;

  /** @param maxLog how many requests the log keeps (oldest dropped first). */
  constructor(private readonly maxLog = 1000) {}

  async announce(route: MitigationRoute): Promise<void> {
    this.ensureOpen();
    const key = routeKey(route);
    this.announced.set(key, structuredClone(route));
    this.record({ op: "announce", key, route, text: describeRoute(route) });
  }

  async withdraw(route: MitigationRoute): Promise<void> {
    this.ensureOpen();
    const key = routeKey(route);
    this.announced.delete(key);
    this.record({ op: "withdraw", key, route, text: describeRoute(route) });
  }

  async listAnnounced(): Promise<AnnouncedRoute[]> {
    this.ensureOpen();
    return [...this.announced].map(([key, route]) => ({ key, route: structuredClone(route) }));
  }

  /** Every announce and withdraw asked of this speaker, oldest first (at most maxLog). */
  requests(): readonly DryRunEntry[] {
    return this.log;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private record(entry: DryRunEntry): void {
    this.log.push({ ...entry, route: structuredClone(entry.route) });
    if (this.log.length > this.maxLog) this.log.splice(0, this.log.length - this.maxLog);
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error("the dry-run speaker is closed");
  }
}
