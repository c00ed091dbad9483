// The NATS JetStream connection of distributed mode and the telemetry stream every process agrees
// on: one subject per partition, work-queue retention (a message is gone once a worker acknowledged
// it, so the stream holds only what is not yet stored) and a size bound.
import { connect, DiscardPolicy, RetentionPolicy, StorageType, type NatsConnection } from "nats";
import type { Logger } from "@/lib/log";
import { TELEMETRY_STREAM, TELEMETRY_SUBJECT_PREFIX } from "@/lib/telemetry/bus/bus-batch";

export interface BusSettings {
  servers: string[];
  partitions: number;
  streamMaxBytes: number;
}

export async function connectBus(settings: BusSettings, name: string, log: Logger): Promise<NatsConnection> {
  // reconnects forever: a broker restart must not end a collector or worker
  const nc = await connect({ servers: settings.servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "disconnect" || s.type === "reconnect") log.warn(`bus ${s.type}`, { server: String(s.data) });
    }
  })();
  const jsm = await nc.jetstreamManager();
  const config = {
    name: TELEMETRY_STREAM,
    subjects: [`${TELEMETRY_SUBJECT_PREFIX}.*`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    max_bytes: settings.streamMaxBytes,
    discard: DiscardPolicy.New,
  };
  try {
    await jsm.streams.info(TELEMETRY_STREAM);
    await jsm.streams.update(TELEMETRY_STREAM, config);
  } catch (err) {
    if (!/stream not found/i.test(String(err))) throw err;
    await jsm.streams.add(config);
  }
  return nc;
}
