// Sends the demo network's traffic over loopback with real protocols: each simulated device has its
// own loopback address (127.1.x.y) from which it exports NetFlow v9 (routers, switches) or IPFIX
// (firewalls, servers) to the flow collector and sends syslog (RFC 3164 from network gear, RFC 5424
// from servers) to the syslog collector. The collectors cannot tell it from a real network.
import dgram from "node:dgram";
import type { Logger } from "@/lib/log";
import type { DemoSyslogLine } from "@/lib/simulator/demo-traffic";
import { encodeIpfix } from "@/lib/telemetry/netflow/encode-ipfix";
import { encodeNetflowV9 } from "@/lib/telemetry/netflow/encode-netflow-v9";
import type { FlowExportRecord } from "@/lib/telemetry/netflow/flow-export-record";
import { SYSLOG_SEVERITIES } from "@/lib/telemetry/syslog-message";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const FACILITY_LOCAL0 = 16;

interface Exporter {
  address: string;
  socket: dgram.Socket;
  format: "v9" | "ipfix";
  syslogFormat: "rfc3164" | "rfc5424";
  sequence: number;
  bootMs: number;
}

export interface DemoTrafficTarget {
  host: string;
  netflowPort?: number;
  syslogPort?: number;
}

export class DemoTrafficSender {
  private readonly exporters = new Map<string, Exporter>();
  sendErrors = 0;

  constructor(
    private readonly target: DemoTrafficTarget,
    private readonly log: Logger,
  ) {}

  async open(devices: readonly { address: string; networkGear: boolean }[], bootMs: number): Promise<void> {
    for (const d of devices) {
      const socket = dgram.createSocket("udp4");
      socket.on("error", (err) => {
        this.sendErrors += 1;
        if (this.sendErrors % 1000 === 1) this.log.warn("demo traffic send failed", { error: err.message });
      });
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.bind(0, d.address, () => {
          socket.off("error", reject);
          resolve();
        });
      });
      this.exporters.set(d.address, {
        address: d.address,
        socket,
        format: d.networkGear ? "v9" : "ipfix",
        syslogFormat: d.networkGear ? "rfc3164" : "rfc5424",
        sequence: 0,
        bootMs,
      });
    }
  }

  flows(address: string, records: readonly FlowExportRecord[], exportMs: number): void {
    const e = this.exporters.get(address);
    if (!e || this.target.netflowPort === undefined || records.length === 0) return;
    const encoded =
      e.format === "v9"
        ? encodeNetflowV9(records, { exportMs, bootMs: e.bootMs, sequence: e.sequence, templates: "every" })
        : encodeIpfix(records, { exportMs, sequence: e.sequence, templates: "every" });
    e.sequence = encoded.nextSequence;
    for (const datagram of encoded.datagrams) e.socket.send(datagram, this.target.netflowPort, this.target.host);
  }

  syslog(address: string, hostname: string, line: DemoSyslogLine, tsMs: number): void {
    const e = this.exporters.get(address);
    if (!e || this.target.syslogPort === undefined) return;
    const pri = FACILITY_LOCAL0 * 8 + SYSLOG_SEVERITIES.indexOf(line.severity);
    const d = new Date(tsMs);
    const text =
      e.syslogFormat === "rfc5424"
        ? `<${pri}>1 ${d.toISOString()} ${hostname} ${line.appName} - - - ${line.message}`
        : `<${pri}>${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${d.toISOString().slice(11, 19)} ${hostname} ${line.appName}: ${line.message}`;
    e.socket.send(Buffer.from(text, "utf8"), this.target.syslogPort, this.target.host);
  }

  async close(): Promise<void> {
    await Promise.all([...this.exporters.values()].map((e) => new Promise<void>((r) => e.socket.close(() => r()))));
    this.exporters.clear();
  }
}
