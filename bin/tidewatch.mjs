#!/usr/bin/env node
// `tidewatch`: the entry point for services and containers. It runs the supervisor
// (workers/supervisor.ts) in this very process, so a service manager's SIGTERM reaches the
// supervisor directly and this process exits only after the web app, the worker and the embedded
// Postgres have stopped. (`npm start` does the same, but npm itself exits at once on SIGTERM, before
// its children stop.) See README "Running as a service".
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// The supervisor builds, spawns and resolves "@/..." imports from the package root; a relative
// DATA_DIR still means relative to where `tidewatch` was started.
if (process.env.DATA_DIR) process.env.DATA_DIR = path.resolve(process.env.DATA_DIR);
process.chdir(root);
const { register } = await import("tsx/esm/api");
register();
await import(pathToFileURL(path.join(root, "workers", "supervisor.ts")).href);
