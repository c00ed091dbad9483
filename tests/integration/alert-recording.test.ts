// How detector results become alerts: dedup within the cooldown, escalation, maintenance windows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordDetection } from "../../lib/alerts/record-detection";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { makeDetection, makeDevice } from "./fixtures";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

const at = (iso: string) => ({ value: 97, ts: iso });

describe("recordDetection", () => {
  it("raises one alert with an event, then folds repeats within 15 minutes into it and escalates", async () => {
    const d = await makeDevice(t.prisma);
    const first = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: at("2026-11-17T14:00:00Z") }) });
    expect(first.created).toBe(true);
    expect(first.alert.status).toBe("open");
    const again = await recordDetection(t.prisma, {
      deviceId: d.id,
      detection: makeDetection(d.id, { observed: at("2026-11-17T14:10:00Z"), severity: "critical", score: 12 }),
    });
    expect(again.created).toBe(false);
    expect(again.alert.id).toBe(first.alert.id);
    expect(again.alert.occurrences).toBe(2);
    expect(again.alert.severity).toBe("critical");
    expect(again.alert.lastSeenAt).toBe("2026-11-17T14:10:00.000Z");

    const later = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: at("2026-11-17T14:40:00Z") }) });
    expect(later.created).toBe(true);
    expect(await t.prisma.alert.count({ where: { deviceId: d.id } })).toBe(2);
    const types = (await t.prisma.event.findMany({ orderBy: { id: "asc" } })).map((e) => e.type);
    expect(types).toEqual(["alert.created", "alert.updated", "alert.created"]);
  });

  it("a different metric on the same device is a separate alert", async () => {
    const d = await makeDevice(t.prisma);
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id) });
    await recordDetection(t.prisma, {
      deviceId: d.id,
      detection: makeDetection(d.id, { metric: "memoryPct", dedupKey: `${d.id}:hour-of-week-zscore:memoryPct:metric_spike` }),
    });
    expect(await t.prisma.alert.count({ where: { deviceId: d.id } })).toBe(2);
  });

  it("records an alert inside a maintenance window as suppressed, never open", async () => {
    const d = await makeDevice(t.prisma);
    const win = await t.prisma.maintenanceWindow.create({
      data: {
        scope: "device",
        deviceIds: [d.id],
        startsAt: new Date("2026-11-17T13:00:00Z"),
        endsAt: new Date("2026-11-17T15:00:00Z"),
        reason: "firmware upgrade",
      },
    });
    const r = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id), suppressedBy: { kind: "maintenance", windowId: win.id } });
    expect(r.alert.status).toBe("suppressed");
    expect(r.alert.expected.maintenanceWindowId).toBe(win.id);
  });
});
