// Create a paging channel (global admin). Its secrets stay on the server; the answer and the audit entry mask them.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { alertOperations as ops } from '@/lib/operations/alerts';
import { accessOf } from '@/lib/auth/principal';
import { ConflictError } from '@/lib/errors';
import { alertChannelStore } from '@/lib/store/console/alert-channels';
import { MAX_CHANNELS, toPublicChannel, type Channel, type ChannelInput, type PublicChannel } from './channel';
import { assertGlobalAdmin, auditConfig } from './channel-commands';
import { assertSecureKeyEndpoint } from './endpoint-security';

export async function createChannel(ctx: AuditContext, input: ChannelInput): Promise<PublicChannel> {
  return audited(ctx, ops.createAlertChannel, { writes: 'console', params: { name: input.name, type: input.type, config: auditConfig(input.type, input.config) } }, async () => {
    assertGlobalAdmin(accessOf(ctx.actor));
    assertSecureKeyEndpoint(input);
    const now = Date.now();
    const channel = { ...input, id: randomUUID(), createdAt: now, updatedAt: now, createdBy: ctx.actor.name } as Channel;
    if (!(await alertChannelStore().saveChannel(channel.id, JSON.stringify(channel), MAX_CHANNELS))) throw new ConflictError(`A console keeps at most ${MAX_CHANNELS} channels: delete one first`);
    return { result: toPublicChannel(channel, true), details: { channelId: channel.id } };
  });
}
