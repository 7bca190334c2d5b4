// Paging channels: where alert notifications go (a webhook, email, PagerDuty Events API v2, an
// Opsgenie-compatible alert API), each a global admin resource that rules reference by id. The zod
// schemas are the types. Secrets (webhook URL, routing key, API key) are write-only: every read goes
// through toPublicChannel, which masks them.
import { z } from 'zod';
import { maskWebhookUrl, webhookFormatSchema, webhookUrlSchema } from '../rule';

export const CHANNEL_TYPES = ['webhook', 'email', 'pagerduty', 'opsgenie'] as const;
export const channelTypeSchema = z.enum(CHANNEL_TYPES);
export type ChannelType = z.infer<typeof channelTypeSchema>;

/** Channels a console keeps at most. */
export const MAX_CHANNELS = 50;
/** Channels one rule names at most. */
export const MAX_RULE_CHANNELS = 10;
/** Recipients of one email channel at most. */
export const MAX_EMAIL_RECIPIENTS = 20;

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
export const OPSGENIE_API_URL = 'https://api.opsgenie.com';

const nameSchema = z.string().trim().min(1, 'name is required').max(100, 'name must be at most 100 characters');

export const webhookConfigSchema = z.object({ url: webhookUrlSchema, format: webhookFormatSchema.default('json') }).strict();
export const emailConfigSchema = z
  .object({
    to: z.array(z.string().trim().max(254).pipe(z.email('must be an email address'))).min(1, 'at least one recipient').max(MAX_EMAIL_RECIPIENTS, `at most ${MAX_EMAIL_RECIPIENTS} recipients`),
    subjectPrefix: z.string().trim().max(50, 'at most 50 characters').optional(),
  })
  .strict();
export const pagerdutyConfigSchema = z
  .object({
    routingKey: z.string().trim().regex(/^[A-Za-z0-9]{32}$/, 'must be the 32-character integration (routing) key'),
    severity: z.enum(['critical', 'error', 'warning', 'info']).default('error'),
    url: webhookUrlSchema.default(PAGERDUTY_EVENTS_URL),
  })
  .strict();
export const opsgenieConfigSchema = z
  .object({
    apiKey: z.string().trim().min(1, 'the API key is required').max(200, 'at most 200 characters').regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
    baseUrl: webhookUrlSchema.default(OPSGENIE_API_URL),
    priority: z.enum(['P1', 'P2', 'P3', 'P4', 'P5']).default('P3'),
  })
  .strict();

export const CONFIG_SCHEMAS = { webhook: webhookConfigSchema, email: emailConfigSchema, pagerduty: pagerdutyConfigSchema, opsgenie: opsgenieConfigSchema } as const;

const variant = <T extends ChannelType>(type: T) => z.object({ type: z.literal(type), name: nameSchema, config: CONFIG_SCHEMAS[type] });
const meta = { id: z.string(), createdAt: z.number(), createdBy: z.string(), updatedAt: z.number() };

export const channelInputSchema = z.discriminatedUnion('type', [variant('webhook').strict(), variant('email').strict(), variant('pagerduty').strict(), variant('opsgenie').strict()]);
export type ChannelInput = z.infer<typeof channelInputSchema>;

export const channelSchema = z.discriminatedUnion('type', [variant('webhook').extend(meta), variant('email').extend(meta), variant('pagerduty').extend(meta), variant('opsgenie').extend(meta)]);
export type Channel = z.infer<typeof channelSchema>;

/** A change: the name, and config fields to replace; an omitted secret keeps the saved one. The type never changes. */
export const channelPatchSchema = z.object({ name: nameSchema.optional(), config: z.record(z.string(), z.unknown()).optional() }).strict();
export type ChannelPatch = z.infer<typeof channelPatchSchema>;

export const channelIdSchema = z.object({ id: z.string().uuid('must be a channel id') });

/** What a read shows of a channel's config: no secret, only that it is set. */
export type PublicChannelConfig =
  | { url: string; format: 'slack' | 'json' }
  | { to: string[]; subjectPrefix?: string }
  | { routingKey: 'set'; severity: string; url: string }
  | { apiKey: 'set'; baseUrl: string; priority: string };

export type PublicChannel = { id: string; name: string; type: ChannelType } & Partial<{ config: PublicChannelConfig; createdAt: number; createdBy: string; updatedAt: number }>;

/** `full`: a global admin's read (masked config and dates); otherwise names and types only (scoped admins). */
export function toPublicChannel(c: Channel, full: boolean): PublicChannel {
  if (!full) return { id: c.id, name: c.name, type: c.type };
  const base = { id: c.id, name: c.name, type: c.type, createdAt: c.createdAt, createdBy: c.createdBy, updatedAt: c.updatedAt };
  switch (c.type) {
    case 'webhook':
      return { ...base, config: { url: maskWebhookUrl(c.config.url), format: c.config.format } };
    case 'email':
      return { ...base, config: { to: c.config.to, ...(c.config.subjectPrefix ? { subjectPrefix: c.config.subjectPrefix } : {}) } };
    case 'pagerduty':
      return { ...base, config: { routingKey: 'set', severity: c.config.severity, url: maskWebhookUrl(c.config.url) } };
    case 'opsgenie':
      return { ...base, config: { apiKey: 'set', baseUrl: maskWebhookUrl(c.config.baseUrl), priority: c.config.priority } };
  }
}

/** What an audit entry may say of a channel: its type, name and non-secret settings. */
export function channelAuditParams(c: Pick<Channel, 'name' | 'type' | 'config'>): Record<string, unknown> {
  const pub = toPublicChannel({ ...c, id: '', createdAt: 0, createdBy: '', updatedAt: 0 } as Channel, true);
  return { name: c.name, type: c.type, config: pub.config };
}

export function parseChannel(raw: string): Channel | null {
  try {
    const parsed = channelSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
