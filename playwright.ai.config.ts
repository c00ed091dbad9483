// The AI triage end-to-end run: the app started as `npm start` does, from a fresh DATA_DIR, with
// ANTHROPIC_BASE_URL pointing at a local fake of the Messages API (its own process) so the demo's
// alerts are analysed without the real service. Separate from playwright.config.ts because the
// other end-to-end tests run the demo without a key.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "./tests/chromium-launch";

const PORT = Number(process.env.E2E_AI_PORT ?? 3218);
const FAKE_PORT = Number(process.env.FAKE_ANTHROPIC_PORT ?? 3299);
process.env.E2E_AI_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-e2e-ai-"));
fs.chmodSync(process.env.E2E_AI_DATA_DIR, 0o755);
process.env.E2E_ADMIN_PASSWORD ??= "e2e-admin-password";
process.env.FAKE_ANTHROPIC_URL = `http://127.0.0.1:${FAKE_PORT}`;

export default defineConfig({
  testDir: "tests/e2e-ai",
  outputDir: "test-results/ai",
  timeout: 180_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: CHROMIUM_LAUNCH,
  },
  webServer: [
    {
      command: "node --import tsx tests/e2e-ai/fake-messages-server.ts",
      url: `http://127.0.0.1:${FAKE_PORT}/_fake/requests`,
      env: { FAKE_ANTHROPIC_PORT: String(FAKE_PORT) },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: "npm start",
      url: `http://localhost:${PORT}/api/health`,
      timeout: 600_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
      env: {
        PORT: String(PORT),
        DATA_DIR: path.join(process.env.E2E_AI_DATA_DIR, "data"),
        ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD,
        SIM_CATCHUP_MINUTES: "600",
        SIM_INCIDENT_GAP_MINUTES: "6",
        // ports of its own, so it can run beside the main end-to-end run
        NETFLOW_PORT: "0",
        SYSLOG_PORT: "0",
        SIM_SNMP_PORT: "0",
        WORKER_METRICS_PORT: "0",
        ANTHROPIC_API_KEY: "sk-ant-e2e-fake-only",
        ANTHROPIC_BASE_URL: `http://127.0.0.1:${FAKE_PORT}`,
        LOG_LEVEL: "info",
      },
    },
  ],
});
