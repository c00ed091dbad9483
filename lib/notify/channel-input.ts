// What the notification-channels API accepts and returns. A channel's config is checked against its
// kind's schema (lib/notify/registry.ts), so a 400 names the exact field ("config.url").
import { z, type ZodIssue } from "zod";
import { CHANNEL_KINDS, channelDefinition } from "./registry";
import { channelFilterSchema, type ChannelFilter } from "./routing";

const name = z.string().trim().min(1, "must not be empty").max(100);
const secret = z.string().min(1, "must not be empty").max(4096);
const escalateAfterMinutes = z.number().int().min(1).max(7 * 24 * 60).nullable();

export const newChannelSchema = z.object({
  name,
  kind: z.enum(CHANNEL_KINDS),
  config: z.record(z.string(), z.unknown()).default({}),
  secret: secret.optional(),
  filter: channelFilterSchema.default({}),
  escalateAfterMinutes: escalateAfterMinutes.optional(),
  enabled: z.boolean().optional(),
});
export type NewChannelInput = z.infer<typeof newChannelSchema>;

export const channelPatchSchema = z
  .object({
    name: name.optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    /** A new secret; null removes it (where the kind allows none). */
    secret: secret.nullable().optional(),
    filter: channelFilterSchema.optional(),
    escalateAfterMinutes: escalateAfterMinutes.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type ChannelPatch = z.infer<typeof channelPatchSchema>;

/** The kind's parsed config (defaults filled in), or a ZodError whose paths start at `config`. */
export function parseChannelConfig(kind: string, config: unknown): Record<string, unknown> {
  const def = channelDefinition(kind);
  if (!def) throw new z.ZodError([{ code: "custom", path: ["kind"], message: `unknown kind ${kind}`, input: kind } as ZodIssue]);
  const parsed = def.configSchema.safeParse(config ?? {});
  if (!parsed.success) throw new z.ZodError(parsed.error.issues.map((i) => ({ ...i, path: ["config", ...i.path] })));
  return parsed.data as Record<string, unknown>;
}

/** Refuses a channel without the secret its kind needs, naming the field. */
export function checkSecret(kind: string, hasSecret: boolean): void {
  const def = channelDefinition(kind);
  if (def?.secret.required && !hasSecret) {
    throw new z.ZodError([{ code: "custom", path: ["secret"], message: `required for ${kind} (${def.secret.label})`, input: undefined } as ZodIssue]);
  }
}

export interface ChannelHealthView {
  /** healthy: last send delivered; failing: the last one failed; paused: disabled; new: nothing sent yet. */
  state: "healthy" | "failing" | "paused" | "new";
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  consecutiveFailures: number;
  pending: number;
  dead: number;
}

/** A channel as everyone sees it: its name, kind and health. */
export interface ChannelSummaryView {
  id: number;
  name: string;
  kind: string;
  enabled: boolean;
  health: ChannelHealthView;
}

/** What admins also see: config and filter, whether a secret is set (never the secret), the last error. */
export interface ChannelAdminView extends ChannelSummaryView {
  config: Record<string, unknown>;
  hasSecret: boolean;
  filter: ChannelFilter;
  escalateAfterMinutes: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryView {
  id: string;
  channelId: number;
  channelName: string;
  event: string;
  subjectKey: string;
  alertId: number | null;
  campaignId: number | null;
  status: string;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}
