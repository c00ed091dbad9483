// The end-to-end run's BGP lab: gobgpd + BIRD 2 on loopback (scripts/lib/bgp-lab.ts), started once by
// playwright.config.ts in the runner process, before `npm start`, so the app's worker drives that gobgpd
// (MITIGATION_BGP=gobgp, GOBGP_API). Tests run in Playwright's worker processes, which cannot hold the
// daemons: they ask the runner through a small HTTP endpoint on loopback (E2E_BGP_LAB_URL) for BIRD's
// routes (`birdc show route all`) and to restart gobgpd. global-teardown.ts stops it all.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startBgpLab, type BgpLab, type BirdRoute } from "../../scripts/lib/bgp-lab";

export type { BirdRoute };

const HELD = Symbol.for("tidewatch.e2e.bgp-lab");
type Held = { lab: BgpLab; server: http.Server };
const held = globalThis as { [HELD]?: Held };

/** Starts the lab and its control endpoint; sets E2E_GOBGP_API and E2E_BGP_LAB_URL for the app and the tests. */
export async function startE2eBgpLab(): Promise<void> {
  const lab = await startBgpLab();
  const server = http.createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const run = async () => {
      if (req.method === "GET" && req.url === "/routes") return answer(200, await lab.birdRoutes());
      if (req.method === "POST" && req.url === "/restart-gobgpd") {
        await lab.restartGobgpd();
        return answer(200, { restarted: true });
      }
      answer(404, { error: "unknown" });
    };
    run().catch((err: unknown) => answer(500, { error: err instanceof Error ? err.message : String(err) }));
  });
  try {
    await lab.waitEstablished(20_000);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  } catch (err) {
    await lab.stop();
    throw err;
  }
  held[HELD] = { lab, server };
  // a run that never reaches the global teardown (the app failed to start, --list) leaves no daemons behind
  process.once("exit", () => lab.killNow());
  process.env.E2E_GOBGP_API = lab.gobgpApi;
  process.env.E2E_BGP_LAB_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function stopE2eBgpLab(): Promise<void> {
  const h = held[HELD];
  if (!h) return;
  held[HELD] = undefined;
  await new Promise<void>((resolve) => h.server.close(() => resolve()));
  await h.lab.stop();
}

function labUrl(path: string): string {
  const base = process.env.E2E_BGP_LAB_URL;
  if (!base) throw new Error("E2E_BGP_LAB_URL is not set: the BGP lab is started by playwright.config.ts");
  return `${base}${path}`;
}

/** Every route in BIRD's tables (the edge router's view). */
export async function birdRoutes(): Promise<BirdRoute[]> {
  const res = await fetch(labUrl("/routes"));
  if (!res.ok) throw new Error(`BIRD's routes: ${res.status} ${await res.text()}`);
  return (await res.json()) as BirdRoute[];
}

/** Stops gobgpd and starts it again: its RIB starts empty, as after a crash; BIRD reconnects by itself. */
export async function restartGobgpd(): Promise<void> {
  const res = await fetch(labUrl("/restart-gobgpd"), { method: "POST" });
  if (!res.ok) throw new Error(`restarting gobgpd: ${res.status} ${await res.text()}`);
}
