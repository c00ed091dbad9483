// What the controller does on each pass, decided from Postgres (the wanted state) and the speaker's RIB
// (what is announced). Pure, so TTLs, the cap and reconciliation are tested as tables. The same plan
// serves the start (reconciling after a restart) and every later pass (so a withdrawal by an analyst,
// an expiry or a route lost by the daemon converges the same way):
// - an active mitigation past its expiry is expired and its route withdrawn;
// - an active one whose route is missing from the RIB is announced again;
// - a route in the RIB that no active mitigation wants (an orphan) is withdrawn;
// - approved ones are announced oldest first while fewer than the cap are active; the rest wait;
// - proposals and approvals still waiting at their expiry lapse.

export interface ControlRow {
  id: number;
  status: "proposed" | "approved" | "active";
  routeKey: string;
  expiresAt: Date;
}

export interface ControlPlan {
  /** proposed/approved rows that lapsed (never announced). */
  lapse: number[];
  /** active rows past their expiry. */
  expire: number[];
  /** active rows whose route the speaker does not announce. */
  reannounce: number[];
  /** approved rows to announce now, oldest first. */
  activate: number[];
  /** approved rows held back by the cap. */
  waiting: number[];
  /** route keys the speaker announces that no active row wants. */
  withdraw: string[];
}

export function planControl(rows: readonly ControlRow[], announcedKeys: ReadonlySet<string>, now: number, maxActive: number): ControlPlan {
  const plan: ControlPlan = { lapse: [], expire: [], reannounce: [], activate: [], waiting: [], withdraw: [] };
  const wanted = new Set<string>();
  let active = 0;
  for (const r of rows) {
    if (r.status !== "active") continue;
    if (r.expiresAt.getTime() <= now) {
      plan.expire.push(r.id);
      continue;
    }
    active += 1;
    wanted.add(r.routeKey);
    if (!announcedKeys.has(r.routeKey)) plan.reannounce.push(r.id);
  }
  const approved = rows.filter((r) => r.status === "approved").sort((a, b) => a.id - b.id);
  for (const r of approved) {
    if (r.expiresAt.getTime() <= now) plan.lapse.push(r.id);
    else if (active < maxActive) {
      plan.activate.push(r.id);
      wanted.add(r.routeKey);
      active += 1;
    } else plan.waiting.push(r.id);
  }
  for (const r of rows) if (r.status === "proposed" && r.expiresAt.getTime() <= now) plan.lapse.push(r.id);
  for (const key of announcedKeys) if (!wanted.has(key)) plan.withdraw.push(key);
  return plan;
}
