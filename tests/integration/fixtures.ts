// Small builders for rows the tests need; each returns what it created.
import type { PrismaClient } from "@prisma/client";
import type { Detection } from "../../lib/detect/detector";
import { createUser } from "../../lib/db/user-queries";

export function makeUser(db: PrismaClient, role: "viewer" | "analyst" | "admin", email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.test`) {
  return createUser(db, { email, name: `${role} user`, role, password: "correct horse battery" });
}

export function makeDevice(db: PrismaClient, name = `dev-${Math.random().toString(36).slice(2, 8)}`, extra: { site?: string; role?: string } = {}) {
  return db.device.create({ data: { name, role: extra.role ?? "server", site: extra.site ?? "hq", managementIp: "10.0.0.1" } });
}

export function makeDetection(deviceId: number, overrides: Partial<Detection> = {}): Detection & { dedupKey: string } {
  const ts = overrides.observed?.ts ?? "2026-11-17T14:05:00.000Z";
  return {
    detector: "hour-of-week-zscore",
    anomalyType: "metric_spike",
    metric: "cpuPct",
    severity: "high",
    score: 7.5,
    observed: { value: 97, ts },
    expected: { mean: 30, std: 5, low: 10, high: 50, median: 30, p95: 38, p99: 42, hourOfWeek: 38, sampleCount: 120 },
    explanation: "CPU 97.0% is 223% above the usual 30.0% for Tuesday 14:00 UTC (z = 13.4).",
    dedupKey: `${deviceId}:hour-of-week-zscore:cpuPct:metric_spike`,
    ...overrides,
  };
}
