// First-start data: the admin user and, in demo mode, the simulated devices. Idempotent: it only
// fills what is empty, so a second start on the same database changes nothing.
import type { Prisma, PrismaClient } from "@prisma/client";
import { generatePassword } from "../lib/db/secrets";
import type { DeviceConfigFacts } from "../lib/detect/peers/device-profile";
import { createUser } from "../lib/db/user-queries";

export interface SeedDevice {
  name: string;
  role: string;
  site: string;
  managementIp: string;
  tags: string[];
  /** Configuration facts (SNMP version, telnet, ...) for peer-group drift. */
  config?: DeviceConfigFacts;
  capacityBps?: number;
}

export interface SeedResult {
  adminCreated: boolean;
  /** Only when ADMIN_PASSWORD was not given: shown once, never stored in clear. */
  generatedAdminPassword?: string;
  devicesCreated: number;
}

export async function seedIfEmpty(
  db: PrismaClient,
  options: { adminEmail: string; adminPassword?: string; devices?: SeedDevice[] },
): Promise<SeedResult> {
  const result: SeedResult = { adminCreated: false, devicesCreated: 0 };
  if ((await db.user.count()) === 0) {
    const password = options.adminPassword ?? generatePassword();
    await createUser(db, { email: options.adminEmail, name: "Administrator", role: "admin", password });
    result.adminCreated = true;
    if (!options.adminPassword) result.generatedAdminPassword = password;
  }
  if (options.devices && (await db.device.count()) === 0) {
    const created = await db.device.createMany({
      data: options.devices.map(({ config, ...d }) => ({
        ...d,
        status: "active" as const,
        ...(config ? { config: config as unknown as Prisma.InputJsonValue } : {}),
      })),
      skipDuplicates: true,
    });
    result.devicesCreated = created.count;
  }
  return result;
}
