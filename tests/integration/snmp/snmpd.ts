// A real net-snmp agent for the tests: /usr/sbin/snmpd on 127.0.0.1 and a free UDP port, with a
// v2c community, a v3 authPriv user and a v3 authNoPriv user, in a temporary directory. Missing binaries fail loudly
// (CI installs the snmpd and snmp packages).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const SNMPD = "/usr/sbin/snmpd";
export const COMMUNITY = "public";
export const V3 = { user: "tw", authKey: "authpass123", privKey: "privpass123" } as const;
/** A v3 user with authentication and no privacy (the agent refuses it any encrypted request). */
export const V3_AUTH_ONLY = { user: "twauth", authKey: "authonly123" } as const;

// Keeps net-snmp's tools and agent from reading MIB files (the Debian package ships none).
const QUIET_ENV = { MIBS: "", MIBDIRS: "/nonexistent" };

export function requireBinaries(): void {
  for (const bin of [SNMPD, "/usr/bin/snmpget", "/usr/bin/snmpwalk"]) {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
    } catch {
      throw new Error(`${bin} is required by the SNMP integration tests (apt-get install snmpd snmp)`);
    }
  }
}

/** A UDP port that was free a moment ago. */
export async function freeUdpPort(): Promise<number> {
  const sock = dgram.createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    sock.once("error", reject);
    sock.bind(0, "127.0.0.1", () => resolve());
  });
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}

export interface Snmpd {
  port: number;
  dir: string;
  /** Agent output so far (for failure messages). */
  output(): string;
  /** Stops it for good and removes its directory. */
  stop(): Promise<void>;
  /** Stops the process only (SIGTERM, then SIGKILL); `resume()` starts it again. */
  halt(): Promise<void>;
  /** Starts it again on the same port with the same state: a rebooted agent (sysUpTime restarts). */
  resume(): Promise<void>;
  /** Whether the v2c community is configured from the next start (`resume`) on. */
  setV2c(enabled: boolean): void;
}

/** `v2c: false`: the agent answers SNMPv3 only (no community configured). */
export async function startSnmpd(options: { port?: number; v2c?: boolean } = {}): Promise<Snmpd> {
  requireBinaries();
  const port = options.port ?? (await freeUdpPort());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-snmpd-"));
  const conf = path.join(dir, "snmpd.conf");
  let v2c = options.v2c ?? true;
  const writeConf = () =>
    fs.writeFileSync(
      conf,
      [
        ...(v2c ? [`rocommunity ${COMMUNITY} 127.0.0.1`] : []),
        `createUser ${V3.user} SHA "${V3.authKey}" AES "${V3.privKey}"`,
        `rouser ${V3.user} authpriv`,
        `createUser ${V3_AUTH_ONLY.user} SHA "${V3_AUTH_ONLY.authKey}"`,
        `rouser ${V3_AUTH_ONLY.user} auth`,
        "dontLogTCPWrappersConnects yes",
        "",
      ].join("\n"),
    );
  writeConf();
  let out = "";
  let child: ChildProcess | undefined;

  const launch = async () => {
    const proc = spawn(SNMPD, ["-f", "-Lo", "-C", "-c", conf, "-p", path.join(dir, "snmpd.pid"), `udp:127.0.0.1:${port}`], {
      env: { ...process.env, ...QUIET_ENV, SNMP_PERSISTENT_DIR: path.join(dir, "persist") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    const append = (b: Buffer) => {
      out = (out + b.toString()).slice(-20_000);
    };
    proc.stdout!.on("data", append);
    proc.stderr!.on("data", append);
    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
    // Ready when it answers.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const early = await Promise.race([exited, new Promise<"running">((r) => setTimeout(() => r("running"), 100))]);
      if (early !== "running") throw new Error(`snmpd exited with ${early}:\n${out}`);
      try {
        await snmpget(port, ["1.3.6.1.2.1.1.3.0"], !v2c);
        return;
      } catch {
        if (Date.now() > deadline) {
          proc.kill("SIGKILL");
          throw new Error(`snmpd did not answer on udp:127.0.0.1:${port}:\n${out}`);
        }
      }
    }
  };

  const stopChild = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  return {
    port,
    dir,
    output: () => out,
    stop: async () => {
      await stopChild();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    halt: stopChild,
    resume: launch,
    setV2c(enabled) {
      v2c = enabled;
      writeConf();
    },
  };
}

/** `snmpget`/`snmpwalk` output as [oid, value] pairs (numeric OIDs, values as printed). */
async function snmpTool(tool: "snmpget" | "snmpwalk", port: number, args: string[], v3: boolean): Promise<Array<[string, string]>> {
  const auth = v3
    ? ["-v3", "-l", "authPriv", "-u", V3.user, "-a", "SHA", "-A", V3.authKey, "-x", "AES", "-X", V3.privKey]
    : ["-v2c", "-c", COMMUNITY];
  const { stdout } = await run(tool, [...auth, "-On", "-Oq", "-Ot", "-Oe", "-r", "1", "-t", "2", `127.0.0.1:${port}`, ...args], {
    env: { ...process.env, ...QUIET_ENV },
  });
  return stdout
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => {
      const sp = l.indexOf(" ");
      return [l.slice(0, sp).replace(/^\./, ""), l.slice(sp + 1).trim()] as [string, string];
    });
}

export const snmpget = (port: number, oids: string[], v3 = false) => snmpTool("snmpget", port, oids, v3);
export const snmpwalk = (port: number, oid: string, v3 = false) => snmpTool("snmpwalk", port, [oid], v3);
