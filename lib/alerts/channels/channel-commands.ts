// What the channel verbs share: only a global admin (no grant narrowing it) manages channels — they are
// global and hold secrets; the lookup that answers 404; the audit form of a config change (no secret).
import 'server-only';
import { ForbiddenError, NotFoundError } from '@/lib/errors';
import { isUnscoped, type Access } from '@/lib/auth/scope';
import type { Channel, ChannelType } from './channel';
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

/** A config (or a patch of one) as an audit entry may show it: secrets say only that they were set. */
export function auditConfig(type: ChannelType, config: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!config) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k] = SECRET_FIELDS[type].includes(k) ? 'set' : v;
  return out;
}
