// `npm start` as a service runs it (output to a pipe, not a terminal): first start prints the URL and
// names the file holding a generated admin password (the password itself never reaches a log), Ctrl-C
// (SIGINT) stops the web app, the worker and Postgres leaving no process behind, and a second start
// on the same DATA_DIR keeps every row.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, request as newRequest, test } from "@playwright/test";
import { createUserAsAdmin, logInWithApi } from "./session";

const PORT = 3291;
const baseURL = `http://localhost:${PORT}`;

function startApp(dataDir: string): { proc: ChildProcess; output: () => string } {
  let out = "";
  // npm start runs exactly this (package.json "start")
  const proc = spawn(process.execPath, ["--import", "tsx", "workers/supervisor.ts"], {
    // collectors on free ports: the app under test in the other specs holds the default ones
    env: { ...process.env, PORT: String(PORT), DATA_DIR: dataDir, DEMO_DEVICES: "3", ADMIN_PASSWORD: "", NETFLOW_PORT: "0", SYSLOG_PORT: "0", WORKER_METRICS_PORT: "0", SIM_SNMP_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  return { proc, output: () => out };
}

async function waitForBanner(app: ReturnType<typeof startApp>): Promise<void> {
  await expect.poll(() => app.output(), { timeout: 240_000, intervals: [500] }).toContain("Tidewatch is running");
}

/** Processes whose environment names this DATA_DIR, or whose command line does (postgres -D). */
function processesUsing(dataDir: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8");
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      if (environ.includes(`DATA_DIR=${dataDir}`) || cmdline.includes(dataDir)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // process ended while we looked, or not ours to read
    }
  }
  return found;
}

async function stop(app: ReturnType<typeof startApp>): Promise<number | null> {
  const exited = new Promise<number | null>((r) => app.proc.once("exit", (code) => r(code)));
  app.proc.kill("SIGINT");
  return exited;
}

test("start, Ctrl-C, start again: clean stop and data kept", async () => {
  test.setTimeout(600_000);
  const dataDir = path.join(process.env.E2E_DATA_DIR!, "lifecycle");

  const first = startApp(dataDir);
  await waitForBanner(first);
  expect(first.output()).toContain(`http://localhost:${PORT}`);
  // not a terminal: the banner names a file only this user can read, and the log never holds the password
  const passwordFile = path.join(dataDir, "initial-admin-password");
  expect(first.output()).toContain(`password in ${passwordFile}`);
  expect(fs.statSync(passwordFile).mode & 0o777).toBe(0o600);
  const password = fs.readFileSync(passwordFile, "utf8").trim();
  expect(password.length).toBeGreaterThanOrEqual(12);
  expect(first.output()).not.toContain(password);
  expect(fs.readFileSync(path.join(dataDir, "secrets.json"), "utf8")).not.toContain(password);

  const admin = await newRequest.newContext({ baseURL });
  await logInWithApi(admin, "admin@tidewatch.local", password);
  await createUserAsAdmin(admin, { email: "kept@example.test", name: "Kept", role: "analyst", password: "kept-password-1" });
  await expect.poll(async () => (await (await admin.get("/api/health")).json()).worker, { timeout: 60_000 }).toBe("up");
  // the demo records what it injects, as labels a scenario evaluation can score
  const truth = path.join(dataDir, "demo-ground-truth.jsonl");
  await expect.poll(() => fs.existsSync(truth), { timeout: 120_000 }).toBe(true);
  const label = JSON.parse(fs.readFileSync(truth, "utf8").split("\n")[0]!);
  expect(label).toMatchObject({ kind: "label", device: expect.stringMatching(/./), type: expect.stringMatching(/./) });
  await admin.dispose();

  expect(await stop(first)).toBe(0);
  expect(first.output()).toMatch(/\[supervisor\] stopped/);
  await expect.poll(() => processesUsing(dataDir), { timeout: 10_000 }).toEqual([]);

  const second = startApp(dataDir);
  await waitForBanner(second);
  expect(second.output()).not.toContain("generated now");
  const analyst = await newRequest.newContext({ baseURL });
  await logInWithApi(analyst, "kept@example.test", "kept-password-1");
  const adminAgain = await newRequest.newContext({ baseURL });
  await logInWithApi(adminAgain, "admin@tidewatch.local", password);
  await analyst.dispose();
  await adminAgain.dispose();
  expect(await stop(second)).toBe(0);
  await expect.poll(() => processesUsing(dataDir), { timeout: 10_000 }).toEqual([]);
});
