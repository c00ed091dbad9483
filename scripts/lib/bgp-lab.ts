// A BGP lab on loopback with real daemons from Debian: gobgpd (AS 65000, the speaker Tidewatch drives
// over gRPC) peering with BIRD 2 (AS 65001, standing in for an edge router). BIRD installs what carries
// 65535:666 as a blackhole (the filter the README gives edge routers) and keeps FlowSpec rules in its
// flow4/flow6 tables; it has no kernel protocol, so nothing reaches the machine's own routing table.
// Every file lives in a temp directory; ports are free ones found at start. Used by the integration
// test (tests/integration/mitigation) and by `npm run bench:mitigation`.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { findTool } from "./find-tool";

export const GOBGP_AS = 65000;
export const BIRD_AS = 65001;
// Two loopback addresses: BIRD refuses a neighbour that is one of its own addresses (127.0.0.1 is lo's).
const GOBGP_ADDRESS = "127.0.0.3";
const BIRD_ADDRESS = "127.0.0.2";

async function freeTcpPort(host: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Daemon {
  child: ChildProcess;
  output: () => string;
}

function startDaemon(cmd: string, args: string[]): Daemon {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (d: Buffer) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return { child, output: () => output };
}

async function stopDaemon(d: Daemon): Promise<void> {
  if (d.child.exitCode !== null || d.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => d.child.once("exit", () => resolve()));
  d.child.kill("SIGTERM");
  const timer = setTimeout(() => d.child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

/** One route as `birdc show route all` prints it. */
export interface BirdRoute {
  table: string;
  /** "10.1.2.3/32", or "flow4 { dst 10.1.2.3/32; proto 17; dport 53; }". */
  network: string;
  /** "blackhole", "unreachable", "unicast"... (empty for FlowSpec rules, which have no destination). */
  dest: string;
  /** The route's attributes, e.g. { "BGP.community": "(65535,666)" }. */
  attributes: Record<string, string>;
}

/** Parses `birdc show route all` output (BIRD 2.0). */
export function parseBirdRoutes(text: string): BirdRoute[] {
  const routes: BirdRoute[] = [];
  let table = "";
  let network = "";
  let current: BirdRoute | undefined;
  for (const line of text.split("\n")) {
    const tableMatch = /^Table (\S+):/.exec(line);
    if (tableMatch) {
      table = tableMatch[1]!;
      continue;
    }
    if (line.startsWith("\t")) {
      const attr = /^\t([\w.]+):\s*(.*)$/.exec(line);
      if (attr && current) current.attributes[attr[1]!] = attr[2]!;
      continue;
    }
    // "<network>   <dest> [<proto> <time> from <addr>] * (100) [AS65000i]"; a route's further paths
    // start with blanks instead of the network.
    const routeMatch = /^(\S.*?|)\s+(?:(\w+)\s+)?\[(\S+) /.exec(line);
    if (!routeMatch || !table) continue;
    if (routeMatch[1]) network = routeMatch[1].trim();
    current = { table, network, dest: routeMatch[2] ?? "", attributes: {} };
    routes.push(current);
  }
  return routes;
}

export interface BgpLab {
  /** gobgpd's gRPC API, host:port (GOBGP_API). */
  gobgpApi: string;
  /** `birdc -s <socket> <args>`: BIRD's answer. */
  birdc(...args: string[]): Promise<string>;
  /** Every route in BIRD's tables (master4, master6, flowtab4, flowtab6). */
  birdRoutes(): Promise<BirdRoute[]>;
  /** Resolves once BIRD's session with gobgpd is Established (throws with both daemons' logs otherwise). */
  waitEstablished(timeoutMs?: number): Promise<void>;
  /** Polls until `check` holds for BIRD's routes; returns them (throws naming `what` after the timeout). */
  waitForRoutes(what: string, check: (routes: BirdRoute[]) => boolean, timeoutMs?: number): Promise<BirdRoute[]>;
  /** Stops gobgpd and starts it again (its RIB starts empty, as after a crash); BIRD reconnects by itself. */
  restartGobgpd(): Promise<void>;
  logs(): string;
  stop(): Promise<void>;
  /** Kills both daemons at once and removes the lab's files (synchronous: for a process "exit" handler). */
  killNow(): void;
}

export async function startBgpLab(): Promise<BgpLab> {
  const gobgpd = findTool("gobgpd", "gobgpd");
  const bird = findTool("bird", "bird2");
  const birdcBin = findTool("birdc", "bird2");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-bgp-lab-"));
  const [bgpPort, birdPort, grpcPort] = [
    await freeTcpPort(GOBGP_ADDRESS),
    await freeTcpPort(BIRD_ADDRESS),
    await freeTcpPort("127.0.0.1"),
  ];
  const socket = path.join(dir, "bird.ctl");

  const afiSafis = ["ipv4-unicast", "ipv6-unicast", "ipv4-flowspec", "ipv6-flowspec"]
    .map((name) => `  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = "${name}"\n`)
    .join("");
  fs.writeFileSync(
    path.join(dir, "gobgpd.toml"),
    `[global.config]
  as = ${GOBGP_AS}
  router-id = "${GOBGP_ADDRESS}"
  port = ${bgpPort}
  local-address-list = ["${GOBGP_ADDRESS}"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "${BIRD_ADDRESS}"
    peer-as = ${BIRD_AS}
  [neighbors.transport.config]
    passive-mode = true
    local-address = "${GOBGP_ADDRESS}"
${afiSafis}`,
  );
  fs.writeFileSync(
    path.join(dir, "bird.conf"),
    `router id ${BIRD_ADDRESS};
log stderr all;
protocol device {}
flow4 table flowtab4;
flow6 table flowtab6;

# Remote-triggered blackhole (RFC 7999): what carries BLACKHOLE is dropped, anything else refused.
filter rtbh_in {
  if (65535, 666) ~ bgp_community then { dest = RTD_BLACKHOLE; accept; }
  reject;
}

protocol bgp gobgp {
  # multihop: BIRD takes no loopback address as a directly connected neighbour
  multihop;
  local ${BIRD_ADDRESS} port ${birdPort} as ${BIRD_AS};
  neighbor ${GOBGP_ADDRESS} port ${bgpPort} as ${GOBGP_AS};
  connect delay time 1;
  connect retry time 1;
  error wait time 1, 5;
  ipv4 { import filter rtbh_in; export none; };
  ipv6 { import filter rtbh_in; export none; };
  flow4 { table flowtab4; import all; export none; };
  flow6 { table flowtab6; import all; export none; };
}
`,
  );

  const daemons: Daemon[] = [];
  const gobgpdArgs = ["-f", path.join(dir, "gobgpd.toml"), "-p", "--api-hosts", `127.0.0.1:${grpcPort}`, "--pprof-disable"];
  const logs = () => daemons.map((d, i) => `--- ${i === 0 ? "gobgpd" : "bird"} ---\n${d.output()}`).join("\n");
  const stop = async () => {
    await Promise.all(daemons.map(stopDaemon));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    daemons.push(startDaemon(gobgpd, gobgpdArgs));
    daemons.push(startDaemon(bird, ["-f", "-c", path.join(dir, "bird.conf"), "-s", socket, "-P", path.join(dir, "bird.pid")]));
  } catch (err) {
    await stop();
    throw err;
  }

  const birdc = (...args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(birdcBin, ["-s", socket, ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`birdc ${args.join(" ")} exited with ${code}: ${out}`));
      });
    });

  const birdRoutes = async () => {
    const texts = await Promise.all(
      ["master4", "master6", "flowtab4", "flowtab6"].map((t) => birdc("show", "route", "table", t, "all")),
    );
    return texts.flatMap(parseBirdRoutes);
  };

  const poll = async <T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    let lastError = "";
    for (;;) {
      try {
        const value = await attempt();
        if (value !== undefined) return value;
      } catch (err) {
        lastError = (err as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms ${lastError}\n${logs()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  return {
    gobgpApi: `127.0.0.1:${grpcPort}`,
    birdc,
    birdRoutes,
    waitEstablished: async (timeoutMs = 10_000) => {
      await poll(
        "BIRD's session with gobgpd Established",
        async () => ((await birdc("show", "protocols", "gobgp")).includes("Established") ? true : undefined),
        timeoutMs,
      );
    },
    waitForRoutes: (what, check, timeoutMs = 5000) =>
      poll(what, async () => {
        const routes = await birdRoutes();
        return check(routes) ? routes : undefined;
      }, timeoutMs),
    restartGobgpd: async () => {
      await stopDaemon(daemons[0]!);
      daemons[0] = startDaemon(gobgpd, gobgpdArgs);
    },
    logs,
    stop,
    killNow: () => {
      for (const d of daemons) if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
