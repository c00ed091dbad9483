// What a collector process says about itself over the bus, and what a worker accepts from the bus:
// anything may publish on it, so a heartbeat that does not fit is refused whole, naming what is wrong.
import { describe, expect, it } from "vitest";
import {
  decodeCollectorHeartbeat,
  encodeCollectorHeartbeat,
  MAX_COLLECTOR_HEARTBEAT_BYTES,
  type CollectorHeartbeat,
} from "../../../lib/telemetry/bus/collector-heartbeat";

const beat: CollectorHeartbeat = {
  id: "collector-ab12cd34",
  startedAt: "2026-12-07T19:00:00.000Z",
  info: {
    pid: 4242,
    version: "0.1.0",
    collectors: [
      { name: "netflow", up: true, ports: { udp: 2055 }, records: 12_000, recordsPerSec: 1_500 },
      { name: "syslog", up: false, error: "port 514 in use" },
    ],
    bus: { published: 40, dropped: 0 },
  },
};

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("collector heartbeats on the bus", () => {
  it("round-trip what a collector reports", () => {
    expect(decodeCollectorHeartbeat(encodeCollectorHeartbeat(beat))).toEqual({ ok: true, beat });
    expect(decodeCollectorHeartbeat(encodeCollectorHeartbeat({ ...beat, stopped: true }))).toMatchObject({ ok: true, beat: { stopped: true } });
  });

  it.each([
    { name: "not JSON", data: new TextEncoder().encode("{nope"), error: "not JSON" },
    { name: "an id that is not a collector's (it could overwrite a worker's heartbeat)", data: bytes({ ...beat, id: "worker-1" }), error: "id:" },
    { name: "a negative rate", data: bytes({ ...beat, info: { ...beat.info, collectors: [{ name: "netflow", recordsPerSec: -5 }] } }), error: "info.collectors.0.recordsPerSec" },
    { name: "too many feeds", data: bytes({ ...beat, info: { ...beat.info, collectors: Array.from({ length: 17 }, () => ({ name: "netflow" })) } }), error: "info.collectors" },
    { name: "no bus counters", data: bytes({ ...beat, info: { collectors: [] } }), error: "info.bus" },
    { name: "an oversized message", data: new Uint8Array(MAX_COLLECTOR_HEARTBEAT_BYTES + 1), error: "bytes" },
  ])("refuses $name", ({ data, error }) => {
    const decoded = decodeCollectorHeartbeat(data);
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? "" : decoded.error).toContain(error);
  });
});
