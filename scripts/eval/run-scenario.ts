// Runs a labelled scenario through the worker's own pipeline — telemetry router (flow rollups, gauge
// merging, syslog decoded by the collector's parser and rolled up with its security events, configuration
// facts as the SNMP poller hands them), detection pipeline (every detector the worker registers, alert disposition, dedup
// cooldown) — on a simulated clock, with the database replaced by memory, then scores the alerts.
// Baselines are trained the way the worker trains them: over the last 14 days, first when the
// scenario's training period ends and then daily, leaving out labelled history and confirmed alerts,
// with the growth cap. The static-threshold reference detector runs in the same pipeline and is
// scored separately. Labelled datasets (KPI, CSV series) set their own training end and label matching.
import type { DispositionContext } from "@/lib/alerts/alert-disposition";
import { alertTypeOf } from "@/lib/alerts/alert-type";
import type { Campaign } from "@/lib/alerts/campaign-correlator";
import type { WindowSpec } from "@/lib/alerts/maintenance-window";
import { DEFAULT_COOLDOWN_MS } from "@/lib/alerts/alert-dedup-key";
import type { DeviceSummary } from "@/lib/db/device-queries";
import type { RunnableDetector } from "@/lib/detect/detector";
import {
  capBaselineGrowth,
  trainBaselineIndex,
  type BaselineIndex,
  type TimeRange,
} from "@/lib/detect/baseline/hour-of-week-baseline";
import type { Detection } from "@/lib/detect/detector";
import { buildDeviceProfile } from "@/lib/detect/peers/device-profile";
import { FORECAST_METRICS, ForecastWatch, hourlyMeans, MEMORY_CAPACITY_PCT, memoryLeakFindings } from "@/lib/detect/models/forecast-watch";
import type { RoleModelDevice } from "@/lib/detect/models/multivariate-model";
import { DETECTORS } from "@/lib/detect/registry";
import { trainDeviceModels } from "@/lib/detect/models/role-models";
import { PEER_GROUP_OPTIONS } from "@/workers/model-training";
import { detectPeerGroupAnomalies } from "@/lib/detect/peers/peer-group-detector";
import { clusterPeerGroups } from "@/lib/detect/peers/cluster-peer-groups";
import { STATIC_THRESHOLD_ID, staticThreshold } from "@/lib/detect/detectors/static-threshold";
import type { ScenarioSource, StreamedScenarioSource } from "@/lib/eval/scenario-source";
import {
  falsePositiveReduction,
  inLabelWindow,
  scoreAlerts,
  trainingEnd,
  type AlertScore,
  type EvalAlert,
  type LabelMatching,
  type ScoreMetrics,
} from "@/lib/eval/score-alerts";
import { createLogger } from "@/lib/log";
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import { loadShippedIpGeo } from "@/lib/telemetry/geo/ip-geo";
import { parseSyslog } from "@/lib/telemetry/syslog/parse-syslog";
import { SYSLOG_SEVERITIES } from "@/lib/telemetry/syslog-message";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import type { MetricSample } from "@/lib/telemetry/metrics";
import { TRAINING_WINDOW_DAYS } from "@/workers/baseline-training";
import type { Clock } from "@/workers/clock";
import { createDetectionPipeline, detectorDevice } from "@/workers/detection-pipeline";
import type { PipelineStore } from "@/workers/pipeline-store";
import { TelemetryRouter } from "@/workers/telemetry-router";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** An exporter address that is no device: scenario flows are attributed to their internal endpoints. */
const SCENARIO_EXPORTER = "0.0.0.0";
/** Confirmed alerts are left out of retraining with this margin on either side. */
const CONFIRMED_MARGIN_MS = 15 * MINUTE;
/** As workers/forecasting.ts: four weeks of hourly means. */
const FORECAST_HISTORY_DAYS = 28;
/** Syslog facility of scenario messages (local0, what network gear is usually set to). */
const FACILITY_LOCAL0 = 16;

/** The shipped IP databases, read once per process (as the worker does at start); null when missing. */
let ipGeo: ReturnType<typeof loadShippedIpGeo> | null | undefined;
function shippedGeo() {
  if (ipGeo === undefined) {
    try {
      ipGeo = loadShippedIpGeo();
    } catch {
      ipGeo = null;
    }
  }
  return ipGeo ?? undefined;
}

export interface EvalAlertRecord extends EvalAlert {
  ts: string;
  metric: string;
  explanation: string;
}

export interface ScenarioRunResult {
  /** Every alert the run produced (ours and the static reference), raised or suppressed, in time order. */
  alerts: EvalAlertRecord[];
  ours: AlertScore;
  reference: AlertScore;
  /** 1 − ours FP / static FP over the scored period; null when the static detector had none. */
  falsePositiveReduction: number | null;
  trainingEnd: Date;
  span: { start: Date; end: Date };
  devices: number;
  /** Each scenario device's role by name (for storing labelled results per role). */
  deviceRoles: Record<string, string>;
  labels: number;
  deviceMinutes: number;
  flows: number;
  /** Syslog lines fed to the router, and those its parser refused. */
  syslogLines: number;
  syslogRefused: number;
  /** Wall time of the run, and the detection work per device-minute. */
  elapsedMs: number;
  retrains: number;
  heldBuckets: number;
  /** Campaigns the correlator formed (threats of different types on one device within 15 min). */
  campaigns: Campaign[];
}

class ScenarioClock implements Clock {
  t = 0;
  now() {
    return this.t;
  }
  async sleep(ms: number) {
    this.t += Math.max(0, ms);
  }
}

/** The index of the first sample at or after `t` in a time-ordered list (its length when none is). */
function firstAtOrAfter(list: readonly MetricSample[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.ts.getTime() < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The in-memory stand-in for Postgres: samples for retraining, alerts with the same dedup rule. */
class MemoryPipelineStore implements PipelineStore {
  readonly samples = new Map<number, MetricSample[]>();
  readonly alerts: (EvalAlertRecord & { dedupKey: string; lastSeen: number })[] = [];
  private readonly latest = new Map<string, number>();

  constructor(
    private readonly context: DispositionContext,
    private readonly nameOf: (id: number) => string,
    private readonly keepMs: number,
  ) {}

  async storeTelemetry({ samples }: { samples: MetricSample[] }) {
    for (const s of samples) {
      let list = this.samples.get(s.deviceId);
      if (!list) this.samples.set(s.deviceId, (list = []));
      // kept in time order (minutes arrive in order; a late one is placed), so ranges are found by bisection
      const t = s.ts.getTime();
      if (list.length === 0 || list[list.length - 1]!.ts.getTime() <= t) list.push(s);
      else list.splice(firstAtOrAfter(list, t + 1), 0, s);
    }
    return samples.length;
  }

  /** A device's stored samples in [from, to), oldest first (the hourly checks ran a filter over weeks of them). */
  between(deviceId: number, from: number, to: number): MetricSample[] {
    const list = this.samples.get(deviceId) ?? [];
    return list.slice(firstAtOrAfter(list, from), firstAtOrAfter(list, to));
  }

  /** Forgets samples older than the training window needs. */
  trim(now: number) {
    for (const [id, list] of this.samples) {
      const cut = firstAtOrAfter(list, now - this.keepMs);
      if (cut > 0) this.samples.set(id, list.slice(cut));
    }
  }

  async loadBaselines() {
    return { byDevice: new Map<number, BaselineIndex>(), trainedAt: null };
  }

  async readSamples(deviceIds: readonly number[], from: Date, to: Date) {
    return deviceIds.flatMap((id) => this.between(id, from.getTime(), to.getTime()));
  }

  async loadSettings() {
    return { disposition: this.context, overrides: [] };
  }

  readonly campaigns = new Map<string, Campaign>();
  async recordCampaign(campaign: Campaign) {
    this.campaigns.set(campaign.id, campaign);
  }

  // The rule of lib/db/alert-recording-queries.ts: a repeat of the same dedup key within the cooldown of
  // the previous occurrence updates that alert instead of creating one.
  async recordAlert({ deviceId, detection, suppressedBy, cooldownMs }: Parameters<PipelineStore["recordAlert"]>[0]) {
    const observed = Date.parse(detection.observed.ts);
    const index = this.latest.get(detection.dedupKey);
    const existing = index === undefined ? undefined : this.alerts[index];
    if (existing && existing.lastSeen >= observed - (cooldownMs ?? DEFAULT_COOLDOWN_MS)) {
      existing.lastSeen = Math.max(existing.lastSeen, observed);
      return { created: false, alertId: index! };
    }
    this.alerts.push({
      ts: detection.observed.ts,
      device: this.nameOf(deviceId),
      detector: detection.detector,
      type: alertTypeOf(detection),
      severity: detection.severity,
      score: detection.score,
      status: suppressedBy ? "suppressed" : "open",
      metric: detection.metric,
      explanation: detection.explanation,
      dedupKey: detection.dedupKey,
      lastSeen: observed,
    });
    this.latest.set(detection.dedupKey, this.alerts.length - 1);
    return { created: true, alertId: this.alerts.length - 1 };
  }
}

export interface RunScenarioOptions {
  /** Detectors under evaluation (default: the worker's); the static reference is added to them. */
  detectors?: readonly RunnableDetector[];
  /** Fleet-wide config overrides per detector id (what-if runs). */
  detectorConfigs?: Readonly<Record<string, Record<string, unknown>>>;
  /** Called after each simulated day with progress figures. */
  onProgress?: (p: { day: number; days: number; alerts: number }) => void;
  /**
   * End of the unscored training period (first training, scoring start) instead of the default rule
   * (`trainingEnd` of score-alerts: 30 days or 70%), e.g. a dataset's first test row.
   */
  trainingEnd?: Date;
  /** How alerts match labels, for scoring and for the confirmed alerts left out of retraining. */
  matching?: LabelMatching;
}

export async function runScenario(
  scenario: ScenarioSource | StreamedScenarioSource,
  options: RunScenarioOptions = {},
): Promise<ScenarioRunResult> {
  const started = performance.now();
  const log = createLogger("eval", { level: "warn" });
  const span = scenario.span;
  const tEnd = options.trainingEnd ?? trainingEnd(span.start, span.end);

  const devices: DeviceSummary[] = scenario.config.devices.map((d, i) => ({
    id: i + 1,
    name: d.name,
    role: d.role,
    site: d.site,
    tags: [],
    status: "up",
    managementIp: d.ip,
  }));
  const byId = new Map(devices.map((d) => [d.id, d]));
  const byName = new Map(devices.map((d) => [d.name.toLowerCase(), d]));
  const byAddress = new Map(devices.map((d) => [d.managementIp!, d]));

  let windowId = 0;
  const windows: WindowSpec[] = scenario.maintenance.map((m) => ({
    id: ++windowId,
    scope: "device",
    scopeValue: null,
    deviceIds: m.devices.flatMap((name) => byName.get(name.toLowerCase())?.id ?? []),
    startsAt: m.start,
    endsAt: m.end,
    recurrence: "none",
    timezone: "UTC",
  }));
  const context: DispositionContext = { windows, rules: [], calendar: scenario.calendar };
  const store = new MemoryPipelineStore(context, (id) => byId.get(id)?.name ?? String(id), (FORECAST_HISTORY_DAYS + 1) * DAY);

  const clock = new ScenarioClock();
  clock.t = span.start.getTime();
  const pipeline = createDetectionPipeline({
    store,
    lookupDevice: (id) => byId.get(id),
    log,
    clock,
    detectors: [...(options.detectors ?? DETECTORS), staticThreshold],
    ...(options.detectorConfigs ? { detectorConfigs: options.detectorConfigs } : {}),
    elapsedMs: () => clock.now(),
    // as the worker: geography from the shipped databases, no allowed list (a scenario names none)
    ...(shippedGeo() ? { flowProfile: { geo: shippedGeo()!.lookup } } : {}),
  });
  const router = new TelemetryRouter({
    pipeline,
    registry: {
      resolve: async (ref) =>
        (ref.name ? byName.get(ref.name.toLowerCase()) : undefined) ?? (ref.address ? byAddress.get(ref.address) : undefined),
      setReachable: async () => undefined,
    },
    clock,
    log,
    isInternal: createSubnetMatcher(scenario.config.internalSubnets),
    failureKeywords: () => [],
  });

  // Labelled history is known when training starts; later, alerts matching a label stand in for the
  // analyst confirming them (the feedback the worker leaves out of retraining).
  const knownIncidents: TimeRange[] = scenario.labels
    .filter((l) => l.start.getTime() < tEnd.getTime())
    .map((l) => ({ start: l.start, end: l.end }));
  const baselines = new Map<number, BaselineIndex>();
  let retrains = 0;
  let heldBuckets = 0;
  const retrain = (at: number) => {
    const confirmed: TimeRange[] = [];
    for (const a of store.alerts) {
      const t = Date.parse(a.ts);
      if (a.status === "suppressed" || a.detector === STATIC_THRESHOLD_ID) continue;
      const label = scenario.labels.find((l) => l.device === a.device && inLabelWindow(t, l, options.matching));
      if (label) confirmed.push({ start: new Date(Math.min(t, label.start.getTime()) - CONFIRMED_MARGIN_MS), end: new Date(label.end.getTime() + CONFIRMED_MARGIN_MS) });
    }
    const exclude = [...knownIncidents, ...confirmed];
    const from = at - TRAINING_WINDOW_DAYS * DAY;
    const window: RoleModelDevice[] = [];
    for (const d of devices) {
      const samples = store.between(d.id, from, at);
      if (samples.length === 0) continue;
      const capped = capBaselineGrowth(baselines.get(d.id), trainBaselineIndex(samples, { exclude }));
      heldBuckets += capped.held.length;
      baselines.set(d.id, capped.accepted);
      window.push({ id: d.id, role: d.role, samples, baseline: capped.accepted });
    }
    pipeline.setBaselines(baselines, new Date(at), trainDeviceModels(window, { exclude }));
    pendingModelWork.push(fleetModels(window, at));
    store.trim(at);
    retrains++;
  };

  // The latest configuration facts per device from snapshot lines: what the worker's devices table
  // holds from the last poll, which peer groups compare (configuration drift).
  const configs = new Map<number, DeviceConfigFacts>();

  // Peer groups and forecasts, as the worker's training and forecast schedule run them.
  const forecasts = new ForecastWatch({ method: "mstl", horizonHours: 48 });
  const pendingModelWork: Promise<void>[] = [];
  const fleetModels = async (window: RoleModelDevice[], at: number) => {
    const profiles = window.map((d) =>
      buildDeviceProfile({
        device: byId.get(d.id)!.name,
        samples: d.samples.filter((s, i) => i % 5 === 0 && s.ts.getTime() >= at - 7 * DAY),
        config: configs.get(d.id) ?? null,
      }),
    );
    if (profiles.length >= 3) {
      const idOf = new Map(devices.map((d) => [d.name, d.id]));
      const findings = detectPeerGroupAnomalies(clusterPeerGroups(profiles, PEER_GROUP_OPTIONS), { at: new Date(at) }).flatMap((detection) => {
        const deviceId = idOf.get(String(detection.evidence?.device));
        return deviceId === undefined ? [] : [{ deviceId, detection, cooldownMs: 36 * 3_600_000 }];
      });
      await pipeline.recordFindings(findings);
    }
    const since = at - FORECAST_HISTORY_DAYS * DAY;
    const { fitted } = await forecasts.refit(
      devices.flatMap((d) => {
        const history = store.between(d.id, since, at);
        return [
          ...FORECAST_METRICS.map((metric) => ({ deviceId: d.id, metric, history: hourlyMeans(history, metric) })),
          // memory for the leak detector's ETA, as workers/forecasting.ts
          { deviceId: d.id, metric: "memoryPct" as const, history: hourlyMeans(history, "memoryPct"), capacity: MEMORY_CAPACITY_PCT },
        ];
      }),
    );
    const leaks = memoryLeakFindings(fitted, new Date(at), (id) => {
      const d = byId.get(id);
      return d ? detectorDevice(d) : undefined;
    });
    if (leaks.length > 0) await pipeline.recordFindings(leaks.map((f) => ({ ...f, cooldownMs: DAY })));
  };
  let lastCheckedHour = -Infinity;
  const checkForecasts = async (t: number) => {
    // the hour before the last one: its minutes are all through the router by now
    const hour = Math.floor(t / HOUR) * HOUR - 2 * HOUR;
    if (hour <= lastCheckedHour || baselines.size === 0) return;
    lastCheckedHour = hour;
    const findings: { deviceId: number; detection: Detection }[] = [];
    for (const d of devices) {
      const inHour = store.between(d.id, hour, hour + HOUR);
      if (pipeline.alertedBetween(d.id, hour, hour + HOUR)) continue;
      for (const metric of FORECAST_METRICS) {
        const [mean] = hourlyMeans(inHour, metric);
        const detection = mean && forecasts.check(d.id, metric, mean.ts, mean.value);
        if (detection) findings.push({ deviceId: d.id, detection });
      }
    }
    if (findings.length > 0) await pipeline.recordFindings(findings);
  };

  let nextTrain = tEnd.getTime();
  let currentMinute = -Infinity;
  let deviceMinutes = 0;
  let flows = 0;
  let syslogLines = 0;
  let syslogRefused = 0;
  const totalDays = Math.ceil((span.end.getTime() - span.start.getTime()) / DAY);
  let lastDay = -1;
  const advanceTo = async (t: number) => {
    const minute = Math.floor(t / MINUTE) * MINUTE;
    if (minute <= currentMinute) return;
    currentMinute = minute;
    clock.t = t;
    await router.flush();
    if (t >= nextTrain) {
      // the last two minutes before `nextTrain` are still open in the router: not worth waiting for
      retrain(nextTrain);
      await Promise.all(pendingModelWork.splice(0));
      nextTrain += DAY;
    }
    await checkForecasts(t);
    const day = Math.floor((t - span.start.getTime()) / DAY);
    if (day !== lastDay) {
      lastDay = day;
      options.onProgress?.({ day, days: totalDays, alerts: store.alerts.length });
    }
  };

  // for await takes the sync generators of built-in scenarios as well as the files streamed by datasets
  for await (const item of scenario.telemetry()) {
    if (item.kind === "metric") {
      const m = item.metric;
      await advanceTo(m.ts.getTime());
      router.deviceMetrics({ name: m.device }, m.ts, m.values);
      deviceMinutes++;
    } else if (item.kind === "syslog") {
      const s = item.syslog;
      await advanceTo(s.ts.getTime());
      // through the collector's own decoder: an RFC 5424 frame whose MSG is the line's text, tag and all
      const pri = FACILITY_LOCAL0 * 8 + SYSLOG_SEVERITIES.indexOf(s.severity);
      const parsed = parseSyslog(Buffer.from(`<${pri}>1 ${s.ts.toISOString()} ${s.device} - - - ${s.message}`, "utf8"), clock.now());
      syslogLines++;
      if (!parsed.ok) {
        syslogRefused++;
        continue;
      }
      router.syslog(parsed.message, byName.get(s.device.toLowerCase())?.managementIp ?? SCENARIO_EXPORTER);
    } else if (item.kind === "snapshot") {
      const s = item.snapshot;
      await advanceTo(s.ts.getTime());
      const device = byName.get(s.device.toLowerCase());
      if (!device) continue;
      // as the SNMP poller's facts: through the router to the engine, which compares each reading with the
      // previous one (unauthorized_change); unknown facts keep the last reading's value
      const facts = { ...(configs.get(device.id) ?? UNKNOWN_FACTS), ...definedFacts(s.facts) };
      configs.set(device.id, facts);
      router.deviceFacts({ name: device.name, address: device.managementIp! }, s.ts, facts);
    } else {
      const f = item.flow;
      await advanceTo(f.ts.getTime());
      const startMs = f.ts.getTime();
      const record: FlowRecord = {
        exporter: SCENARIO_EXPORTER,
        srcAddr: f.src,
        dstAddr: f.dst,
        srcPort: f.sport,
        dstPort: f.dport,
        protocol: f.proto,
        bytes: f.bytes,
        packets: f.packets,
        startMs,
        endMs: startMs + f.durationS * 1000,
        tcpFlags: 0,
        inputIf: 0,
        outputIf: 0,
        samplingRate: 1,
      };
      router.flows([record]);
      flows++;
    }
  }
  clock.t = span.end.getTime() + 10 * MINUTE;
  await router.drain();

  const alerts = [...store.alerts]
    .sort((a, b) => a.ts.localeCompare(b.ts))
    .map(({ dedupKey: _k, lastSeen: _l, ...a }) => a);
  const scoreInput = {
    labels: scenario.labels,
    maintenance: scenario.maintenance,
    trainingEnd: tEnd,
    evalEnd: span.end,
    devices: scenario.config.devices,
    ...(options.matching ? { matching: options.matching } : {}),
  };
  const ours = scoreAlerts({ ...scoreInput, alerts: alerts.filter((a) => a.detector !== STATIC_THRESHOLD_ID) });
  const reference = scoreAlerts({ ...scoreInput, alerts: alerts.filter((a) => a.detector === STATIC_THRESHOLD_ID) });
  return {
    alerts,
    ours,
    reference,
    falsePositiveReduction: falsePositiveReduction(reference.overall.fp, ours.overall.fp),
    trainingEnd: tEnd,
    span,
    devices: devices.length,
    deviceRoles: Object.fromEntries(scenario.config.devices.flatMap((d) => [[d.name, d.role], [d.ip, d.role]])),
    labels: scenario.labels.length,
    deviceMinutes,
    flows,
    syslogLines,
    syslogRefused,
    elapsedMs: performance.now() - started,
    retrains,
    heldBuckets,
    // the static reference runs in the same pipeline; a campaign counts when ours alone make it one
    campaigns: [...store.campaigns.values()].filter(
      (c) => new Set(c.members.filter((m) => store.alerts[Number(m.alertId)]?.detector !== STATIC_THRESHOLD_ID).map((m) => m.type)).size >= 2,
    ),
  };
}

const UNKNOWN_FACTS: DeviceConfigFacts = { snmpVersion: null, telnetEnabled: null, sshEnabled: null, httpMgmtEnabled: null };

/** The facts a snapshot states (a fact it leaves unknown keeps the previous reading's value). */
function definedFacts(facts: DeviceConfigFacts): Partial<DeviceConfigFacts> {
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== null && v !== undefined)) as Partial<DeviceConfigFacts>;
}

/** The figures of one score as a flat object (for JSON output and tables). */
export function figuresOf(m: ScoreMetrics) {
  return {
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    falsePositiveShare: m.falsePositiveShare,
    alertsPerDeviceDay: m.alertsPerDeviceDay,
    ordinaryAlertsPerDeviceDay: m.ordinaryAlertsPerDeviceDay,
    ordinaryRaised: m.ordinaryRaised,
    ordinaryDeviceDays: m.ordinaryDeviceDays,
    latencyMedianS: m.latencyMedianS,
    latencyP95S: m.latencyP95S,
    tp: m.tp,
    fp: m.fp,
    raised: m.raised,
    suppressed: m.suppressed,
    labels: m.labels,
    detected: m.detected,
  };
}
