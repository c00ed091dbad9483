// Prefix safety enforced at the last step before the daemon, whatever the caller checked: a route that
// prefix safety refuses is never handed to the speaker (FastNetMon issue 894 announced 0.0.0.0/0 from a
// code path that skipped its check). Withdrawals always pass: removing a route is never unsafe.
import type { AnnouncedRoute, BgpSpeaker, MitigationRoute } from "./bgp-speaker";
import type { PrefixRefusal, PrefixSafety } from "./prefix-safety";

/** An announcement prefix safety refused; `reason` says why in an operator's words. */
export class PrefixRefusedError extends Error {
  constructor(
    public readonly code: PrefixRefusal,
    public readonly reason: string,
  ) {
    super(`refused to announce: ${reason}`);
    this.name = "PrefixRefusedError";
  }
}

export class GuardedSpeaker implements BgpSpeaker {
  constructor(
    private readonly inner: BgpSpeaker,
    private readonly safety: PrefixSafety,
  ) {}

  async announce(route: MitigationRoute): Promise<void> {
    const verdict = this.safety.checkRoute(route);
    if (!verdict.ok) throw new PrefixRefusedError(verdict.code, verdict.reason);
    await this.inner.announce(route);
  }

  withdraw(route: MitigationRoute): Promise<void> {
    return this.inner.withdraw(route);
  }

  listAnnounced(): Promise<AnnouncedRoute[]> {
    return this.inner.listAnnounced();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
