// Delete a paging channel (global admin): refused (409) while a rule names it.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { alertOperations as ops } from '@/lib/operations/alerts';
import { accessOf } from '@/lib/auth/principal';
import { ConflictError } from '@/lib/errors';
import { alertChannelStore } from '@/lib/store/console/alert-channels';
import { readRules } from '../store';
import { assertGlobalAdmin, existingChannel } from './channel-commands';

export async function deleteChannel(ctx: AuditContext, input: { id: string }): Promise<{ deleted: string }> {
  return audited(ctx, ops.deleteAlertChannel, { writes: 'console', params: { channelId: input.id } }, async () => {
    assertGlobalAdmin(accessOf(ctx.actor));
    const channel = await existingChannel(input.id);
    const users = (await readRules()).filter((r) => r.channelIds?.includes(channel.id));
    if (users.length) throw new ConflictError(`Channel "${channel.name}" is used by ${users.length} rule${users.length === 1 ? '' : 's'} (${users.slice(0, 5).map((r) => r.name).join(', ')}): remove it from them first`);
    await alertChannelStore().removeChannel(channel.id);
    return { result: { deleted: channel.id }, details: { name: channel.name, type: channel.type } };
  });
}
