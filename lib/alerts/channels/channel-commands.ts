// What the channel verbs share: only a global admin (no grant narrowing it) manages channels — they are
// global and hold secrets; the lookup that answers 404; the audit form of a config change (no secret).
import 'server-only';
import { ForbiddenError, NotFoundError } from '@/lib/errors';
import { isUnscoped, type Access } from '@/lib/auth/scope';
import { emailConfigSchema, opsgenieConfigSchema, pagerdutyConfigSchema, webhookConfigSchema, type Channel, type ChannelType } from './channel';
import { maskWebhookUrl } from '../rule';
import { readChannel } from './channel-store';

export function isGlobalAdmin(access: Access): boolean {
  return isUnscoped(access) && access.global === 'admin';
}

export function assertGlobalAdmin(access: Access): void {
  if (!isGlobalAdmin(access)) throw new ForbiddenError('Paging channels are managed by global admins (they are shared by every rule and hold secrets)');
}

export async function existingChannel(id: string): Promise<Channel> {
  const channel = await readChannel(id);
  if (!channel) throw new NotFoundError(`No channel with id ${id}`);
  return channel;
}

const SECRET_FIELDS: Record<ChannelType, string[]> = { webhook: ['url'], email: [], pagerduty: ['routingKey'], opsgenie: ['apiKey'] };
const KNOWN_FIELDS: Record<ChannelType, string[]> = {
  webhook: Object.keys(webhookConfigSchema.shape),
  email: Object.keys(emailConfigSchema.shape),
  pagerduty: Object.keys(pagerdutyConfigSchema.shape),
  opsgenie: Object.keys(opsgenieConfigSchema.shape),
};
/** Non-secret addresses (they may carry a private path): masked like webhook URLs. */
const URL_FIELDS = ['url', 'baseUrl'];

/** A config (or a patch of one) as an audit entry may show it: secrets say only that they were set. */
export function auditConfig(type: ChannelType, config: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!config) return undefined;
  const out: Record<string, unknown> = {};
  // Only the type's own settings (an unknown key is refused by validation, after the entry is made); addresses masked.
  for (const [k, v] of Object.entries(config)) {
    if (!KNOWN_FIELDS[type].includes(k)) continue;
    out[k] = SECRET_FIELDS[type].includes(k) ? 'set' : URL_FIELDS.includes(k) ? (typeof v === 'string' ? maskWebhookUrl(v) : 'set') : v;
  }
  return out;
}
