// SNMP agents for the demo devices: one SNMPv2c agent (net-snmp's Agent) per simulated device, bound to
// the device's loopback management address (127.1.x.y) on a shared port, so the real SNMP poller can
// poll the demo network exactly as it polls hardware. Each agent serves what the poller reads:
//
//   SNMPv2-MIB   sysDescr, sysObjectID, sysUpTime (from bootMs and now()), sysName
//   IF-MIB       one interface (ifIndex 1, "eth0", ethernetCsmacd, 10 Gbit/s): ifTable (32-bit
//                counters, the low bits of the 64-bit ones) and ifXTable (ifHC*Octets, ifHC*UcastPkts
//                as Counter64, ifHighSpeed); errors and discards stay 0
//   HOST-RESOURCES-MIB  one processor (hrDeviceTable row + hrProcessorLoad = round(cpuPct)) and one
//                hrStorageRam row (allocation units 1024, 16 GiB, used = memoryPct % of it)
//
// Counters integrate the model's rates over simulated time: counter(t) = ∫ rate dt. Each device keeps
// running totals, brought up to now() lazily when a request arrives by integrating minute by minute
// with `valuesAt(device, minuteStartMs)`, so Δcounter / ΔsysUpTime between two polls is the model's
// average rate over that interval, however far apart in simulated time the polls are. At start the
// counters are seeded with the first minute's rates × the uptime so far (a device that has been up a
// while), not 0.
//
// Everything follows `now()` (which may run faster than the wall clock), never Date.now(). One poll is
// several requests (net-snmp's agent caps a GETBULK answer at max-repetitions varbinds in all), and at
// 60× replay a few wall milliseconds between them are seconds of simulated time, which would skew
// Δcounter against ΔsysUpTime. So requests from one client (address:port) that follow each other
// within BURST_GAP_MS (for at most BURST_MAX_MS) all see the simulated instant of the first: a walk
// reads one consistent state. (The wall clock only groups requests; it never sets a value.)
import type { RemoteInfo, Socket } from "node:dgram";
import { performance } from "node:perf_hooks";
import * as snmpModule from "net-snmp";
import type { Logger } from "@/lib/log";

export interface DemoDeviceRates {
  bandwidthInBps: number;
  bandwidthOutBps: number;
  packetsPerSec: number;
  cpuPct: number;
  memoryPct: number;
  /** Inbound packets dropped, as a share of those arriving; served as ifInDiscards. Default 0. */
  packetLossPct?: number;
}

export interface DemoSnmpAgentsOptions {
  devices: ReadonlyArray<{ address: string; name: string }>;
  /** UDP port, the same on every device address (1..65535; net-snmp cannot bind port 0). */
  port: number;
  /** SNMPv2c read community. */
  community: string;
  /** The model's values for device `deviceIndex` during the minute starting at `atMs` (epoch ms). */
  valuesAt: (deviceIndex: number, atMs: number) => DemoDeviceRates;
  /** Simulated time, epoch ms. */
  now: () => number;
  /** When the devices booted (simulated epoch ms): sysUpTime counts from here. */
  bootMs: number;
  log?: Logger;
}

export interface RunningDemoSnmpAgents {
  stop(): Promise<void>;
}

// ---- The parts of net-snmp's Agent/Mib API used here (lib/telemetry/snmp/net-snmp.d.ts covers the
// client side only). Checked against net-snmp 3.29 (index.js, README "Application: SNMP Agent").

interface MibNode {
  value: unknown;
}
interface MibRequest {
  done(error?: { errorStatus: number }): void;
}
interface ProviderColumn {
  number: number;
  name: string;
  type: number;
  maxAccess: number;
}
interface ScalarProvider {
  name: string;
  type: number;
  oid: string;
  scalarType: number;
  maxAccess: number;
  handler: (req: MibRequest) => void;
}
interface TableProvider {
  name: string;
  type: number;
  /** The entry OID (…Table.1). */
  oid: string;
  maxAccess: number;
  tableColumns: ProviderColumn[];
  tableIndex: Array<{ columnName: string; foreign?: string }>;
  handler: (req: MibRequest) => void;
}
interface Mib {
  registerProvider(provider: ScalarProvider | TableProvider): void;
  setScalarValue(name: string, value: unknown): void;
  addTableRow(name: string, row: unknown[]): void;
  lookup(oid: string): MibNode | null;
}
interface Agent {
  getMib(): Mib;
  getAuthorizer(): { addCommunity(community: string): void };
  close(callback?: () => void): void;
  /** Handles one datagram (what the listener calls for each "message"). */
  onMsg(socket: Socket, buffer: Buffer, rinfo: RemoteInfo): void;
  /** Internal: the listening sockets, by "udp4:address:port". */
  listener: { sockets: Record<string, Socket> };
}
interface AgentApi {
  createAgent(
    options: { port: number; address: string; transport: "udp4" | "udp6"; disableAuthorization?: boolean },
    callback: (error: Error | null, data?: unknown) => void,
  ): Agent;
  ObjectType: { Integer: number; OctetString: number; OID: number; Counter32: number; Gauge32: number; TimeTicks: number; Counter64: number };
  MibProviderType: { Scalar: number; Table: number };
  MaxAccess: { "read-only": number };
}

const snmp = snmpModule as unknown as AgentApi;

// ---- OIDs served

const SYS = "1.3.6.1.2.1.1";
const IF_ENTRY = "1.3.6.1.2.1.2.2.1";
const IFX_ENTRY = "1.3.6.1.2.1.31.1.1.1";
const HR_STORAGE_ENTRY = "1.3.6.1.2.1.25.2.3.1";
const HR_DEVICE_ENTRY = "1.3.6.1.2.1.25.3.2.1";
const HR_PROCESSOR_ENTRY = "1.3.6.1.2.1.25.3.3.1";
const HR_STORAGE_RAM = "1.3.6.1.2.1.25.2.1.2";
const HR_DEVICE_PROCESSOR = "1.3.6.1.2.1.25.3.1.3";
/** NET-SNMP-MIB netSnmpAgentOIDs.linux: what a Linux box running snmpd reports. */
const SYS_OBJECT_ID = "1.3.6.1.4.1.8072.3.2.10";

const IF_INDEX = 1;
const CPU_DEVICE_INDEX = 196608; // snmpd's hrDeviceIndex for the first processor
const RAM_STORAGE_INDEX = 1;
const SPEED_BPS = 10_000_000_000;
const MAX_GAUGE32 = 4294967295;
const RAM_UNITS = 1024;
const RAM_SIZE_UNITS = 16 * 1024 * 1024; // 16 GiB in KiB
const MINUTE_MS = 60_000;
/** Requests from one client closer than this (wall ms) belong to the same walk. */
const BURST_GAP_MS = 100;
/** A client that never pauses still gets a fresh instant this often (wall ms). */
const BURST_MAX_MS = 1000;

/** A non-negative running total in whole units plus a fractional remainder (no float drift). */
class Total {
  private whole = 0n;
  private frac = 0;

  add(amount: number): void {
    if (!(amount > 0) || !Number.isFinite(amount)) return;
    const sum = this.frac + amount;
    const whole = Math.floor(sum);
    this.whole += BigInt(whole);
    this.frac = sum - whole;
  }

  /** Counter64 as net-snmp's agent encodes it: 8 bytes, big-endian. */
  counter64(): Buffer {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt.asUintN(64, this.whole));
    return b;
  }

  counter32(): number {
    return Number(BigInt.asUintN(32, this.whole));
  }
}

const rate = (v: number): number => (Number.isFinite(v) && v > 0 ? v : 0);
const minuteStart = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

interface DeviceState {
  index: number;
  /** Simulated time the totals are integrated up to. */
  atMs: number;
  inOctets: Total;
  outOctets: Total;
  inPkts: Total;
  outPkts: Total;
  inDiscards: Total;
  /** The model's values for the minute starting at `minute` (cached: several requests per minute). */
  minute: number;
  values: DemoDeviceRates;
}

function addSeconds(st: DeviceState, v: DemoDeviceRates, seconds: number): void {
  if (!(seconds > 0)) return;
  const inBps = rate(v.bandwidthInBps);
  const outBps = rate(v.bandwidthOutBps);
  const pps = rate(v.packetsPerSec);
  // Packets split between directions like the bytes (same mean packet size both ways).
  const inShare = inBps + outBps > 0 ? inBps / (inBps + outBps) : 0.5;
  st.inOctets.add((inBps / 8) * seconds);
  st.outOctets.add((outBps / 8) * seconds);
  st.inPkts.add(pps * inShare * seconds);
  st.outPkts.add(pps * (1 - inShare) * seconds);
  // The poller reads loss as discards / (packets handled, discards included), so discards of
  // pps × loss / (100 − loss) make it read the model's loss.
  const loss = Math.min(99, Math.max(0, rate(v.packetLossPct ?? 0)));
  st.inDiscards.add(((pps * loss) / (100 - loss)) * seconds);
}

/** Brings a device's totals from st.atMs up to `t`, one model minute at a time. */
function integrate(st: DeviceState, t: number, valuesAt: DemoSnmpAgentsOptions["valuesAt"]): void {
  if (t <= st.atMs) return; // time stood still (or went back): counters hold
  let a = st.atMs;
  while (a < t) {
    const m = minuteStart(a);
    const b = Math.min(t, m + MINUTE_MS);
    if (m !== st.minute) {
      st.values = valuesAt(st.index, m);
      st.minute = m;
    }
    addSeconds(st, st.values, (b - a) / 1000);
    a = b;
  }
  st.atMs = t;
}

function ifPhysAddress(address: string): Buffer {
  const octets = address.split(".").map((o) => Number(o) & 255);
  return Buffer.from([0x02, 0x00, ...octets.slice(0, 4)]);
}

function closeAgent(agent: Agent): Promise<void> {
  return new Promise<void>((resolve) => {
    const sockets = Object.values(agent.listener.sockets);
    let pending = sockets.length;
    if (pending === 0) return resolve();
    for (const socket of sockets) {
      try {
        socket.close(() => {
          if (--pending === 0) resolve();
        });
      } catch {
        // already closed
        if (--pending === 0) resolve();
      }
    }
  });
}

export async function startDemoSnmpAgents(options: DemoSnmpAgentsOptions): Promise<RunningDemoSnmpAgents> {
  const { devices, port, community, valuesAt, bootMs, log } = options;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`demo SNMP agents: port must be 1..65535, got ${port}`);

  // The simulated instant of the request being handled (set around each datagram, which the agent
  // answers synchronously), per client burst (see BURST_GAP_MS).
  let requestNow: number | undefined;
  const bursts = new Map<string, { simMs: number; firstWall: number; lastWall: number }>();
  const instantFor = (source: string): number => {
    const wall = performance.now();
    const burst = bursts.get(source);
    if (burst && wall - burst.lastWall < BURST_GAP_MS && wall - burst.firstWall < BURST_MAX_MS) {
      burst.lastWall = wall;
      return burst.simMs;
    }
    const simMs = options.now();
    if (bursts.size >= 1024) {
      for (const [k, b] of bursts) if (wall - b.lastWall >= BURST_GAP_MS) bursts.delete(k);
    }
    bursts.set(source, { simMs, firstWall: wall, lastWall: wall });
    return simMs;
  };
  const now = () => requestNow ?? options.now();

  const T = snmp.ObjectType;
  const RO = snmp.MaxAccess["read-only"];
  const col = (number: number, name: string, type: number): ProviderColumn => ({ number, name, type, maxAccess: RO });

  const agents: Agent[] = [];
  const started = now();

  try {
    for (const [index, device] of devices.entries()) {
      const first = valuesAt(index, minuteStart(started));
      const st: DeviceState = {
        index,
        atMs: started,
        inOctets: new Total(),
        outOctets: new Total(),
        inPkts: new Total(),
        outPkts: new Total(),
        inDiscards: new Total(),
        minute: minuteStart(started),
        values: first,
      };
      // A device that has been up since bootMs: counters as if it had run at today's first rates.
      addSeconds(st, first, Math.max(0, started - bootMs) / 1000);

      const agent = snmp.createAgent({ port, address: device.address, transport: "udp4" }, (error) => {
        // Bad community, undecodable datagrams, socket errors after binding: the agent carries on.
        if (error) log?.debug("demo SNMP agent: request rejected", { device: device.name, error: error.message });
      });
      agents.push(agent);
      const sockets = Object.values(agent.listener.sockets);
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve, reject) => {
              const onError = (err: Error) => reject(new Error(`demo SNMP agent for ${device.name} cannot listen on ${device.address}:${port}: ${err.message}`));
              socket.once("error", onError);
              socket.once("listening", () => {
                socket.off("error", onError);
                resolve();
              });
            }),
        ),
      );
      agent.getAuthorizer().addCommunity(community);
      for (const socket of sockets) {
        socket.removeAllListeners("message");
        socket.on("message", (buffer: Buffer, rinfo: RemoteInfo) => {
          requestNow = instantFor(`${rinfo.address}:${rinfo.port}`);
          try {
            agent.onMsg(socket, buffer, rinfo);
          } catch (err) {
            // Whatever a peer sends must not become an uncaught exception.
            log?.debug("demo SNMP agent: request failed", { device: device.name, error: err as Error });
          } finally {
            requestNow = undefined;
          }
        });
      }

      const mib = agent.getMib();
      let nodes: Record<string, MibNode> = {};
      let published: number | undefined;
      /** Integrates up to `t` and writes the values for `t` into the MIB. */
      const publish = (t: number) => {
        integrate(st, t, valuesAt);
        const m = minuteStart(t);
        if (st.minute !== m) {
          st.values = valuesAt(index, m);
          st.minute = m;
        }
        const v = st.values;
        nodes.sysUpTime!.value = Math.max(0, Math.floor((t - bootMs) / 10)) % 2 ** 32;
        nodes.ifInOctets!.value = st.inOctets.counter32();
        nodes.ifOutOctets!.value = st.outOctets.counter32();
        nodes.ifInUcastPkts!.value = st.inPkts.counter32();
        nodes.ifOutUcastPkts!.value = st.outPkts.counter32();
        nodes.ifInDiscards!.value = st.inDiscards.counter32();
        nodes.ifHCInOctets!.value = st.inOctets.counter64();
        nodes.ifHCOutOctets!.value = st.outOctets.counter64();
        nodes.ifHCInUcastPkts!.value = st.inPkts.counter64();
        nodes.ifHCOutUcastPkts!.value = st.outPkts.counter64();
        nodes.hrProcessorLoad!.value = Math.min(100, Math.max(0, Math.round(Number.isFinite(v.cpuPct) ? v.cpuPct : 0)));
        const memPct = Math.min(100, Math.max(0, Number.isFinite(v.memoryPct) ? v.memoryPct : 0));
        nodes.hrStorageUsed!.value = Math.round((memPct / 100) * RAM_SIZE_UNITS);
        published = t;
      };
      const refresh = (req: MibRequest) => {
        try {
          const t = now();
          if (t !== published) publish(t);
        } catch (err) {
          // A model error must not take the agent down: serve the last values.
          log?.warn("demo SNMP agent: could not update values", { device: device.name, error: err as Error });
        }
        req.done();
      };

      const scalar = (name: string, oid: string, scalarType: number): ScalarProvider => ({
        name,
        type: snmp.MibProviderType.Scalar,
        oid,
        scalarType,
        maxAccess: RO,
        handler: refresh,
      });
      const table = (name: string, oid: string, tableColumns: ProviderColumn[], tableIndex: TableProvider["tableIndex"]): TableProvider => ({
        name,
        type: snmp.MibProviderType.Table,
        oid,
        maxAccess: 0, // not-accessible (the entry node)
        tableColumns,
        tableIndex,
        handler: refresh,
      });

      mib.registerProvider(scalar("sysDescr", `${SYS}.1`, T.OctetString));
      mib.registerProvider(scalar("sysObjectID", `${SYS}.2`, T.OID));
      mib.registerProvider(scalar("sysUpTime", `${SYS}.3`, T.TimeTicks));
      mib.registerProvider(scalar("sysName", `${SYS}.5`, T.OctetString));
      mib.setScalarValue("sysDescr", `Tidewatch demo device ${device.name}`);
      mib.setScalarValue("sysObjectID", SYS_OBJECT_ID);
      mib.setScalarValue("sysUpTime", 0);
      mib.setScalarValue("sysName", device.name);

      mib.registerProvider(
        table(
          "ifTable",
          IF_ENTRY,
          [
            col(1, "ifIndex", T.Integer),
            col(2, "ifDescr", T.OctetString),
            col(3, "ifType", T.Integer),
            col(4, "ifMtu", T.Integer),
            col(5, "ifSpeed", T.Gauge32),
            col(6, "ifPhysAddress", T.OctetString),
            col(7, "ifAdminStatus", T.Integer),
            col(8, "ifOperStatus", T.Integer),
            col(9, "ifLastChange", T.TimeTicks),
            col(10, "ifInOctets", T.Counter32),
            col(11, "ifInUcastPkts", T.Counter32),
            col(13, "ifInDiscards", T.Counter32),
            col(14, "ifInErrors", T.Counter32),
            col(16, "ifOutOctets", T.Counter32),
            col(17, "ifOutUcastPkts", T.Counter32),
            col(19, "ifOutDiscards", T.Counter32),
            col(20, "ifOutErrors", T.Counter32),
          ],
          [{ columnName: "ifIndex" }],
        ),
      );
      mib.addTableRow("ifTable", [IF_INDEX, "eth0", 6, 1500, Math.min(SPEED_BPS, MAX_GAUGE32), ifPhysAddress(device.address), 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

      mib.registerProvider(
        table(
          "ifXTable",
          IFX_ENTRY,
          [
            col(1, "ifName", T.OctetString),
            col(6, "ifHCInOctets", T.Counter64),
            col(7, "ifHCInUcastPkts", T.Counter64),
            col(10, "ifHCOutOctets", T.Counter64),
            col(11, "ifHCOutUcastPkts", T.Counter64),
            col(15, "ifHighSpeed", T.Gauge32),
            col(18, "ifAlias", T.OctetString),
          ],
          [{ columnName: "ifIndex", foreign: "ifTable" }],
        ),
      );
      const zero64 = Buffer.alloc(8);
      mib.addTableRow("ifXTable", [IF_INDEX, "eth0", zero64, zero64, zero64, zero64, SPEED_BPS / 1e6, "demo uplink"]);

      mib.registerProvider(
        table(
          "hrStorageTable",
          HR_STORAGE_ENTRY,
          [
            col(1, "hrStorageIndex", T.Integer),
            col(2, "hrStorageType", T.OID),
            col(3, "hrStorageDescr", T.OctetString),
            col(4, "hrStorageAllocationUnits", T.Integer),
            col(5, "hrStorageSize", T.Integer),
            col(6, "hrStorageUsed", T.Integer),
          ],
          [{ columnName: "hrStorageIndex" }],
        ),
      );
      mib.addTableRow("hrStorageTable", [RAM_STORAGE_INDEX, HR_STORAGE_RAM, "Physical memory", RAM_UNITS, RAM_SIZE_UNITS, 0]);

      mib.registerProvider(
        table(
          "hrDeviceTable",
          HR_DEVICE_ENTRY,
          [
            col(1, "hrDeviceIndex", T.Integer),
            col(2, "hrDeviceType", T.OID),
            col(3, "hrDeviceDescr", T.OctetString),
            col(4, "hrDeviceID", T.OID),
            col(5, "hrDeviceStatus", T.Integer),
          ],
          [{ columnName: "hrDeviceIndex" }],
        ),
      );
      mib.addTableRow("hrDeviceTable", [CPU_DEVICE_INDEX, HR_DEVICE_PROCESSOR, "Demo CPU", "0.0", 2]);

      mib.registerProvider(
        table(
          "hrProcessorTable",
          HR_PROCESSOR_ENTRY,
          [col(1, "hrProcessorFrwID", T.OID), col(2, "hrProcessorLoad", T.Integer)],
          [{ columnName: "hrDeviceIndex", foreign: "hrDeviceTable" }],
        ),
      );
      mib.addTableRow("hrProcessorTable", [CPU_DEVICE_INDEX, "0.0", 0]);

      const node = (oid: string): MibNode => {
        const n = mib.lookup(oid);
        if (!n) throw new Error(`demo SNMP agent: no MIB node at ${oid}`);
        return n;
      };
      nodes = {
        sysUpTime: node(`${SYS}.3.0`),
        ifInOctets: node(`${IF_ENTRY}.10.${IF_INDEX}`),
        ifInUcastPkts: node(`${IF_ENTRY}.11.${IF_INDEX}`),
        ifInDiscards: node(`${IF_ENTRY}.13.${IF_INDEX}`),
        ifOutOctets: node(`${IF_ENTRY}.16.${IF_INDEX}`),
        ifOutUcastPkts: node(`${IF_ENTRY}.17.${IF_INDEX}`),
        ifHCInOctets: node(`${IFX_ENTRY}.6.${IF_INDEX}`),
        ifHCInUcastPkts: node(`${IFX_ENTRY}.7.${IF_INDEX}`),
        ifHCOutOctets: node(`${IFX_ENTRY}.10.${IF_INDEX}`),
        ifHCOutUcastPkts: node(`${IFX_ENTRY}.11.${IF_INDEX}`),
        hrProcessorLoad: node(`${HR_PROCESSOR_ENTRY}.2.${CPU_DEVICE_INDEX}`),
        hrStorageUsed: node(`${HR_STORAGE_ENTRY}.6.${RAM_STORAGE_INDEX}`),
      };
      publish(st.atMs);
    }
  } catch (err) {
    await Promise.all(agents.map(closeAgent));
    throw err;
  }

  log?.info("demo SNMP agents listening", { devices: devices.length, port });
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= Promise.all(agents.map(closeAgent)).then(() => undefined);
      return stopping;
    },
  };
}
