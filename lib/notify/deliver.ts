// Sending through a channel as stored: its config re-checked, its secret decrypted only here (never
// logged, never returned), the kind's `send` called. Used by the worker's sender and by the test
// button (which sends at once from the web app and answers with the outcome).
import crypto from "node:crypto";
import type { AlertView } from "../alerts/alert-view";
import type { CampaignView } from "../alerts/campaign-view";
import { getChannelRow, recordTestDelivery } from "../db/notification-channel-queries";
import type { PrismaClient } from "../db/client";
import { notFound } from "../http/app-error";
import { describeError, type SendOutcome } from "./channel";
import type { MitigationView } from "../mitigation/mitigation-view";
import { alertSummary, campaignSummary, isMitigationEvent, mitigationSummary, testAlert, type NotificationEvent, type NotificationMessage, type Severity } from "./message";
import { channelDefinition } from "./registry";
import { decryptSecret } from "./secret-box";

export interface ChannelTarget {
  id: number;
  name: string;
  kind: string;
  config: unknown;
  secretEnc: string | null;
}

export async function sendThrough(channel: ChannelTarget, messages: NotificationMessage[], signal: AbortSignal): Promise<SendOutcome> {
  const def = channelDefinition(channel.kind);
  if (!def) return { ok: false, error: `unknown channel kind ${channel.kind}`, permanent: true };
  const config = def.configSchema.safeParse(channel.config);
  if (!config.success) return { ok: false, error: `stored config is invalid: ${config.error.issues[0]?.message ?? ""}`, permanent: true };
  let secret: string | null = null;
  if (channel.secretEnc) {
    try {
      secret = decryptSecret(channel.secretEnc);
    } catch {
      return { ok: false, error: "the secret cannot be decrypted (TIDEWATCH_SECRET_KEY or DATA_DIR/secret.key changed); set it again", permanent: true };
    }
  }
  if (def.secret.required && !secret) return { ok: false, error: `no ${def.secret.label} set`, permanent: true };
  try {
    return await def.send({ config: config.data, secret, messages, signal });
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
}

/** The severity an outbox row is judged at (quiet hours, digests): a mitigation's is its alert's. */
export function rowSeverity(row: { event: NotificationEvent; payload: unknown }): Severity {
  if (isMitigationEvent(row.event)) return (row.payload as MitigationView).alert.severity;
  return (row.payload as { severity: Severity }).severity;
}

/** The message of an outbox row: the alert, campaign or mitigation as it was when the change happened. */
export function messageOf(
  row: { id: bigint | string; event: NotificationEvent; payload: unknown },
  channelName: string,
  baseUrl: string,
  now: Date,
): NotificationMessage {
  const base = { id: String(row.id), event: row.event, sentAt: now.toISOString(), channel: channelName };
  if (row.event === "campaign.raised" || row.event === "campaign.escalated") return { ...base, campaign: campaignSummary(row.payload as CampaignView, baseUrl) };
  if (row.event === "test") return { ...base, alert: testAlert(channelName, baseUrl, now) };
  if (isMitigationEvent(row.event)) return { ...base, mitigation: mitigationSummary(row.payload as MitigationView, baseUrl) };
  return { ...base, alert: alertSummary(row.payload as AlertView, baseUrl) };
}

/** One alert.digest message gathering the raised alerts of several outbox rows. */
export function digestMessageOf(rows: readonly { id: bigint | string; payload: unknown }[], channelName: string, baseUrl: string, now: Date): NotificationMessage {
  return {
    id: `digest:${String(rows[0]!.id)}`,
    event: "alert.digest",
    sentAt: now.toISOString(),
    channel: channelName,
    alerts: rows.map((r) => alertSummary(r.payload as AlertView, baseUrl)),
  };
}

export interface TestOutcome {
  ok: boolean;
  status: number | null;
  error: string | null;
  deliveryId: string;
}

/** Sends a `test` event through a channel now (paused or not) and records it in the history. */
export async function testChannel(db: PrismaClient, args: { channelId: number; actorId: number; baseUrl: string; now?: Date }): Promise<TestOutcome> {
  const channel = await getChannelRow(db, args.channelId);
  if (!channel) throw notFound("Channel");
  const now = args.now ?? new Date();
  const subjectKey = `test:${crypto.randomUUID()}`;
  const message = messageOf({ id: subjectKey, event: "test", payload: {} }, channel.name, args.baseUrl, now);
  const outcome = await sendThrough(channel, [message], AbortSignal.timeout(20_000));
  const id = await recordTestDelivery(db, {
    channelId: channel.id,
    actorId: args.actorId,
    subjectKey,
    ok: outcome.ok,
    responseStatus: outcome.status,
    error: outcome.ok ? undefined : outcome.error,
    now,
  });
  return { ok: outcome.ok, status: outcome.status ?? null, error: outcome.ok ? null : outcome.error, deliveryId: id.toString() };
}
