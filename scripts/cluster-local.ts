// A small distributed-mode cluster on this machine (README "Distributed mode"): nats-server with
// JetStream, one Postgres, two collectors, three workers and the web app. Each piece is the process it
// would be on its own machine; only the addresses would change there.
//
//   npm run cluster:local [-- --workers 3 --collectors 2 --dir .data/cluster]
//
// Collectors listen for NetFlow/IPFIX on 2055, 2056, ... and syslog on 5514, 5515, ...; the web app
// (with the supervisor's own worker, the first of the three) on PORT (3000). Ctrl-C stops them all,
// workers before the broker and the database.
import path from "node:path";
import { parseArgs } from "node:util";
import { createLogger } from "@/lib/log";
import { startNats, startPostgres, startTidewatch, type Running } from "./lib/local-cluster";

const log = createLogger("cluster");
const { values } = parseArgs({
  options: {
    workers: { type: "string", default: "3" },
    collectors: { type: "string", default: "2" },
    dir: { type: "string", default: ".data/cluster" },
    partitions: { type: "string", default: "16" },
  },
});
const workers = Math.max(1, Number(values.workers));
const collectors = Math.max(1, Number(values.collectors));
const dir = path.resolve(values.dir!);

const nats = await startNats(path.join(dir, "jetstream"), true, 4222).catch(async () => startNats(path.join(dir, "jetstream"), true));
log.info("nats-server up", { url: nats.url });
const pg = await startPostgres(path.join(dir, "postgres"), "tidewatch", log.child("postgres"));
log.info("postgres up", { url: pg.url.replace(/:[^:@/]+@/, ":***@") });

const common = { DATABASE_URL: pg.url, TIDEWATCH_BUS: nats.url, BUS_PARTITIONS: values.partitions, SIMULATE: "0", DATA_DIR: dir };
const procs: Running[] = [];
for (let i = 0; i < collectors; i++) {
  procs.push(
    startTidewatch(`collector-${i + 1}`, "workers/cluster/collector-main.ts", { ...common, NETFLOW_PORT: String(2055 + i), SYSLOG_PORT: String(5514 + i), WORKER_METRICS_PORT: String(9470 + i) }, true),
  );
}
for (let i = 1; i < workers; i++) procs.push(startTidewatch(`worker-${i + 1}`, "workers/main.ts", { ...common, WORKER_METRICS_PORT: String(9464 + i) }, true));
// the supervisor runs the web app and the first worker (it migrates and seeds the database too)
procs.push(startTidewatch("web+worker-1", "workers/supervisor.ts", common, true));
log.info("cluster starting", { collectors, workers, web: `http://localhost:${process.env.PORT ?? 3000}` });

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  log.info("stopping the cluster");
  await Promise.all(procs.map((p) => p.stop()));
  await nats.stop();
  await pg.cluster.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
