// Every channel kind Tidewatch can send to, by its `kind`. The API validates a channel's config with
// its definition's schema and the sender sends through its `send`.
import type { ChannelDefinition } from "./channel";
import { emailChannel } from "./channels/email";
import { pagerdutyChannel } from "./channels/pagerduty";
import { slackChannel } from "./channels/slack";
import { splunkHecChannel } from "./channels/splunk-hec";
import { syslogCefChannel } from "./channels/syslog-cef";
import { teamsChannel } from "./channels/teams";
import { webhookChannel } from "./channels/webhook";

export const CHANNEL_REGISTRY = {
  webhook: webhookChannel,
  slack: slackChannel,
  teams: teamsChannel,
  pagerduty: pagerdutyChannel,
  email: emailChannel,
  splunk_hec: splunkHecChannel,
  syslog_cef: syslogCefChannel,
} as const;

export type ChannelKind = keyof typeof CHANNEL_REGISTRY;
export const CHANNEL_KINDS = Object.keys(CHANNEL_REGISTRY) as [ChannelKind, ...ChannelKind[]];

export function channelDefinition(kind: string): ChannelDefinition<unknown> | undefined {
  // each definition's send takes what its own configSchema parsed, which is how callers use it
  if (!Object.hasOwn(CHANNEL_REGISTRY, kind)) return undefined;
  return (CHANNEL_REGISTRY as unknown as Record<string, ChannelDefinition<unknown>>)[kind];
}
