// The mitigation controller on a virtual clock, with an in-memory BGP speaker (the BgpSpeaker
// interface) and an in-memory store keeping rows the way Postgres does (a change applies only from the
// statuses it names): announcing approved mitigations, TTL expiry → withdrawal, reconciliation with
// the speaker's RIB at start (orphans withdrawn, missing routes announced again), the cap, prefix
// safety, and a speaker that keeps failing.
import { describe, expect, it } from "vitest";
import type { CandidateAlert, Transition } from "@/lib/db/mitigation-queries";
import type { Logger } from "@/lib/log";
import type { AnnouncedRoute, BgpSpeaker, MitigationRoute } from "@/lib/mitigation/bgp-speaker";
import { BLACKHOLE_COMMUNITY } from "@/lib/mitigation/playbooks";
import { createPrefixSafety } from "@/lib/mitigation/prefix-safety";
import { describeRoute, routeKey } from "@/lib/mitigation/route-text";
import type { Clock } from "@/workers/clock";
import { MAX_ANNOUNCE_FAILURES, MitigationController, type MitigationStore, type OpenMitigation } from "@/workers/mitigation-controller";

const MINUTE = 60_000;
const T0 = Date.parse("2026-12-07T10:00:00Z");

class VirtualClock implements Clock {
  constructor(public t: number) {}
  now() {
    return this.t;
  }
  async sleep(ms: number) {
    this.t += ms;
  }
}

class MemorySpeaker implements BgpSpeaker {
  readonly rib = new Map<string, MitigationRoute>();
  readonly requests: string[] = [];
  failAnnounce: Error | null = null;
  async announce(route: MitigationRoute) {
    this.requests.push(`announce ${describeRoute(route)}`);
    if (this.failAnnounce) throw this.failAnnounce;
    this.rib.set(routeKey(route), route);
  }
  async withdraw(route: MitigationRoute) {
    this.requests.push(`withdraw ${describeRoute(route)}`);
    this.rib.delete(routeKey(route));
  }
  async listAnnounced(): Promise<AnnouncedRoute[]> {
    return [...this.rib].map(([key, route]) => ({ key, route }));
  }
  async close() {}
}

interface Row extends Omit<OpenMitigation, "status"> {
  status: string;
  reason: string | null;
  activatedAt?: Date;
  endedAt?: Date;
}

class MemoryStore implements MitigationStore {
  readonly rows: Row[] = [];
  readonly audit: { action: string; id: number | string; detail?: Record<string, unknown> }[] = [];
  alerts: CandidateAlert[] = [];
  private readonly proposedFor = new Set<number>();

  add(route: MitigationRoute, status: string, expiresAt: number, ttlMinutes = 60): Row {
    const row: Row = { id: this.rows.length + 1, route, routeKey: routeKey(route), status, expiresAt: new Date(expiresAt), ttlMinutes, reason: null };
    this.rows.push(row);
    return row;
  }
  get(id: number) {
    return this.rows.find((r) => r.id === id)!;
  }
  async candidates(since: Date) {
    return this.alerts.filter((a) => a.updatedAt > since && !this.proposedFor.has(a.id));
  }
  async playbookSettings() {
    return [];
  }
  async propose(alert: CandidateAlert, opts: { now: Date }) {
    this.proposedFor.add(alert.id);
    const row = this.add(host(alert.device.address!), "proposed", opts.now.getTime() + 60 * MINUTE);
    this.audit.push({ action: "mitigation.propose", id: row.id, detail: { alertId: alert.id } });
    return { id: row.id, routeText: describeRoute(row.route) };
  }
  async aiGate(id: number) {
    // no API key: the AI gate asks a human, the row stays proposed
    return { status: this.get(id).status, ai: "ask_human" };
  }
  async open(): Promise<OpenMitigation[]> {
    return this.rows.filter((r) => ["proposed", "approved", "active"].includes(r.status)).map((r) => ({ ...r, status: r.status as OpenMitigation["status"] }));
  }
  async transition(id: number, t: Transition) {
    const row = this.get(id);
    if (!t.from.includes(row.status as never)) return null;
    Object.assign(row, t.data);
    this.audit.push({ action: t.action, id, detail: t.detail });
    return { routeText: describeRoute(row.route) };
  }
  async auditRoute(action: string, key: string, detail: Record<string, unknown>) {
    this.audit.push({ action, id: key, detail });
  }
}

const host = (address: string): MitigationRoute => ({ kind: "blackhole", prefix: `${address}/32`, communities: [BLACKHOLE_COMMUNITY] });
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const safety = createPrefixSafety({ monitored: ["10.0.0.0/8"], protected: ["10.0.0.0/24"] });

function setup(opts: { maxActive?: number } = {}) {
  const clock = new VirtualClock(T0);
  const store = new MemoryStore();
  const speaker = new MemorySpeaker();
  const controller = new MitigationController({ store, speaker, safety, clock, log: quiet, dryRun: true, maxActive: opts.maxActive ?? 10, pollMs: 3_600_000 });
  return { clock, store, speaker, controller };
}

describe("mitigation controller", () => {
  it("announces an approved mitigation, keeps it for its TTL, then expires and withdraws it", async () => {
    const { clock, store, speaker, controller } = setup();
    const row = store.add(host("10.1.2.3"), "approved", T0 + 60 * MINUTE, 30);
    await controller.start();
    expect(row.status).toBe("active");
    expect(row.activatedAt).toEqual(new Date(T0));
    // the TTL runs from the announcement
    expect(row.expiresAt).toEqual(new Date(T0 + 30 * MINUTE));
    expect([...speaker.rib.keys()]).toEqual(["blackhole|10.1.2.3/32"]);
    expect(store.audit.at(-1)).toMatchObject({ action: "mitigation.announce", id: row.id, detail: { dryRun: true } });

    clock.t = T0 + 30 * MINUTE - 1;
    await controller.pass();
    expect(row.status).toBe("active");
    expect(speaker.rib.size).toBe(1);

    clock.t = T0 + 30 * MINUTE;
    await controller.pass();
    expect(row.status).toBe("expired");
    expect(row.endedAt).toEqual(new Date(T0 + 30 * MINUTE));
    expect(speaker.rib.size).toBe(0);
    expect(speaker.requests).toEqual(["announce blackhole 10.1.2.3/32 (65535:666)", "withdraw blackhole 10.1.2.3/32 (65535:666)"]);
    expect(store.audit.map((a) => a.action)).toEqual(["mitigation.announce", "mitigation.expire", "mitigation_route.withdraw"]);
    await controller.stop();
  });

  it("at start withdraws an orphan route and announces again an active one the daemon lost; announced ones are left alone", async () => {
    const { store, speaker, controller } = setup();
    const lost = store.add(host("10.1.2.3"), "active", T0 + 20 * MINUTE);
    const kept = store.add(host("10.1.2.4"), "active", T0 + 20 * MINUTE);
    const withdrawnByAnalyst = store.add(host("10.1.2.5"), "withdrawn", T0 + 20 * MINUTE);
    speaker.rib.set(kept.routeKey, kept.route);
    speaker.rib.set(withdrawnByAnalyst.routeKey, withdrawnByAnalyst.route);
    const orphan = host("10.9.9.9");
    speaker.rib.set(routeKey(orphan), orphan);

    await controller.start();
    expect([...speaker.rib.keys()].sort()).toEqual([lost.routeKey, kept.routeKey].sort());
    expect(speaker.requests.sort()).toEqual(["announce blackhole 10.1.2.3/32 (65535:666)", "withdraw blackhole 10.1.2.5/32 (65535:666)", "withdraw blackhole 10.9.9.9/32 (65535:666)"]);
    expect(lost.status).toBe("active");
    expect(store.audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "mitigation_route.withdraw", id: "blackhole|10.9.9.9/32", detail: expect.objectContaining({ how: "reconcile" }) }),
        expect.objectContaining({ action: "mitigation_route.reannounce", id: lost.routeKey, detail: expect.objectContaining({ mitigationId: lost.id, why: "missing from the RIB at start" }) }),
      ]),
    );
    await controller.stop();
  });

  it("an active mitigation whose TTL passed while the worker was down is expired and withdrawn at start", async () => {
    const { store, speaker, controller } = setup();
    const stale = store.add(host("10.1.2.3"), "active", T0 - MINUTE);
    speaker.rib.set(stale.routeKey, stale.route);
    await controller.start();
    expect(stale.status).toBe("expired");
    expect(speaker.rib.size).toBe(0);
    await controller.stop();
  });

  it("holds approved mitigations beyond the cap (told once), and announces the next when one ends", async () => {
    const { clock, store, speaker, controller } = setup({ maxActive: 2 });
    const a = store.add(host("10.1.2.1"), "approved", T0 + 60 * MINUTE, 10);
    const b = store.add(host("10.1.2.2"), "approved", T0 + 60 * MINUTE, 20);
    const c = store.add(host("10.1.2.3"), "approved", T0 + 60 * MINUTE, 20);
    await controller.start();
    expect([a.status, b.status, c.status]).toEqual(["active", "active", "approved"]);
    expect(c.reason).toBe("waiting: 2 mitigations are active (MITIGATION_MAX_ACTIVE)");
    await controller.pass();
    expect(store.audit.filter((x) => x.action === "mitigation.wait")).toHaveLength(1);
    expect(speaker.rib.size).toBe(2);

    clock.t = T0 + 10 * MINUTE;
    await controller.pass();
    expect([a.status, b.status, c.status]).toEqual(["expired", "active", "active"]);
    expect(c.reason).toBeNull();
    expect([...speaker.rib.keys()].sort()).toEqual([b.routeKey, c.routeKey].sort());
    await controller.stop();
  });

  it.each([
    ["a /8", { kind: "blackhole", prefix: "10.0.0.0/8", communities: [BLACKHOLE_COMMUNITY] }, /shorter than \/24/],
    ["a protected prefix", host("10.0.0.1"), /overlaps the protected prefix 10\.0\.0\.0\/24/],
    ["a host outside the monitored networks", host("198.51.100.7"), /outside the monitored networks/],
  ] as const)("refuses %s with the reason and never hands it to the speaker", async (_what, route, reason) => {
    const { store, speaker, controller } = setup();
    const row = store.add(route as MitigationRoute, "approved", T0 + 60 * MINUTE);
    await controller.start();
    expect(row.status).toBe("refused");
    expect(row.reason).toMatch(reason);
    expect(speaker.requests).toEqual([]);
    expect(store.audit.map((a) => a.action)).toEqual(["mitigation.refuse"]);
    await controller.stop();
  });

  it("marks a mitigation failed after the speaker refused it on consecutive passes, and announces nothing", async () => {
    const { store, speaker, controller } = setup();
    speaker.failAnnounce = new Error("gobgpd unreachable");
    const row = store.add(host("10.1.2.3"), "approved", T0 + 60 * MINUTE);
    await controller.start();
    for (let i = 1; i < MAX_ANNOUNCE_FAILURES; i++) {
      expect(row.status).toBe("approved");
      await controller.pass();
    }
    expect(row.status).toBe("failed");
    expect(row.reason).toMatch(/refused the announcement 3 times: gobgpd unreachable/);
    expect(speaker.rib.size).toBe(0);
    await controller.stop();
  });

  it("a route the speaker's own guard refuses ends refused at once with the guard's reason", async () => {
    const { store, speaker, controller } = setup();
    speaker.failAnnounce = Object.assign(new Error("refused to announce: x"), { name: "PrefixRefusedError", reason: "10.1.2.3/32 overlaps a protected prefix" });
    const row = store.add(host("10.1.2.3"), "approved", T0 + 60 * MINUTE);
    await controller.start();
    expect(row.status).toBe("refused");
    expect(row.reason).toBe("10.1.2.3/32 overlaps a protected prefix");
    await controller.stop();
  });

  it("lets proposals nobody approved lapse at their expiry, never announcing them", async () => {
    const { clock, store, speaker, controller } = setup();
    const row = store.add(host("10.1.2.3"), "proposed", T0 + 60 * MINUTE);
    await controller.start();
    expect(row.status).toBe("proposed");
    clock.t = T0 + 60 * MINUTE;
    await controller.pass();
    expect(row.status).toBe("expired");
    expect(row.reason).toMatch(/lapsed/);
    expect(speaker.requests).toEqual([]);
    await controller.stop();
  });

  it("proposes for fresh alerts only (data time), once each", async () => {
    const { clock, store, controller } = setup();
    const alert = (id: number, observedAt: number): CandidateAlert => ({
      id,
      alertType: "ddos",
      severity: "critical",
      updatedAt: new Date(T0),
      evidence: {},
      campaignId: null,
      campaignConfidence: null,
      device: { address: `10.1.2.${id}`, role: "server", site: "hq", name: `srv-${id}` },
      explanation: "flood",
      observedAt: new Date(observedAt),
    });
    store.alerts = [alert(1, T0 - 2 * MINUTE), alert(2, T0 - 2 * 3_600_000)];
    await controller.start();
    await controller.idle();
    expect(store.rows.map((r) => [r.routeKey, r.status])).toEqual([["blackhole|10.1.2.1/32", "proposed"]]);
    clock.t += MINUTE;
    await controller.pass();
    // a proposal waits for a human: nothing announced
    expect(store.rows).toHaveLength(1);
    await controller.stop();
  });
});
