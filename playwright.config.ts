// End-to-end tests in Debian's Chromium against the app started exactly as `npm start` starts it,
// from a fresh DATA_DIR (embedded Postgres, migrations, seed, worker with the demo simulator).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "./tests/chromium-launch";
import { startE2eBgpLab } from "./tests/e2e/bgp-lab";

const PORT = Number(process.env.E2E_PORT ?? 3217);
// Chosen once in the runner process; Playwright's workers inherit it through the environment.
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-e2e-"));
fs.chmodSync(process.env.E2E_DATA_DIR, 0o755);
process.env.E2E_ADMIN_PASSWORD ??= "e2e-admin-password";
// real peers for mitigation: gobgpd + BIRD 2 on loopback, started once here (the runner) before the app;
// the workers inherit its addresses through the environment
if (!process.env.E2E_GOBGP_API) await startE2eBgpLab();

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  timeout: 180_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  globalTeardown: "./tests/e2e/global-teardown.ts",
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: CHROMIUM_LAUNCH,
  },
  webServer: {
    command: "npm start",
    url: `http://localhost:${PORT}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
    env: {
      PORT: String(PORT),
      DATA_DIR: path.join(process.env.E2E_DATA_DIR, "data"),
      ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD,
      // a long accelerated replay with frequent incidents, so alerts keep arriving during the tests
      SIM_CATCHUP_MINUTES: "900",
      SIM_INCIDENT_GAP_MINUTES: "6",
      LOG_LEVEL: "info",
      // mitigations go to a real gobgpd peering with BIRD (tests/e2e/bgp-lab.ts), not the dry run
      MITIGATION_BGP: "gobgp",
      GOBGP_API: process.env.E2E_GOBGP_API!,
    },
  },
});
