// Change a paging channel (global admin): its name and config fields; an omitted secret keeps the saved one.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { alertOperations as ops } from '@/lib/operations/alerts';
import { accessOf } from '@/lib/auth/principal';
import { invalidFromZod } from '@/lib/zod-issues';
import { InvalidError } from '@/lib/errors';
import { alertChannelStore } from '@/lib/store/console/alert-channels';
import { channelSchema, MAX_CHANNELS, toPublicChannel, type ChannelPatch, type PublicChannel } from './channel';
import { assertGlobalAdmin, auditConfig, existingChannel } from './channel-commands';
import { readChannel } from './channel-store';
import { assertSecureKeyEndpoint } from './endpoint-security';

export async function updateChannel(ctx: AuditContext, input: { id: string; patch: ChannelPatch }): Promise<PublicChannel> {
  const saved = await readChannel(input.id).catch(() => null);
  const params = { channelId: input.id, ...(input.patch.name ? { name: input.patch.name } : {}), ...(input.patch.config ? { config: auditConfig(saved?.type ?? 'pagerduty', input.patch.config) ?? {} } : {}) };
  // An unknown channel: every config field is taken as a secret in the audit entry (its type is unknown).
  if (!saved && input.patch.config) params.config = Object.fromEntries(Object.keys(input.patch.config).map((k) => [k, 'set']));
  return audited(ctx, ops.updateAlertChannel, { writes: 'console', params }, async () => {
    assertGlobalAdmin(accessOf(ctx.actor));
    const before = await existingChannel(input.id);
    // The key goes wherever the URL points: a new URL needs the key entered again (else Test would send it there).
    const patch: Record<string, unknown> = input.patch.config ?? {};
    if (before.type === 'pagerduty' && patch.url !== undefined && patch.url !== before.config.url && !patch.routingKey) {
      throw new InvalidError('Enter the routing key again to change the PagerDuty URL', { routingKey: ['required to change the URL'] });
    }
    if (before.type === 'opsgenie' && patch.baseUrl !== undefined && patch.baseUrl !== before.config.baseUrl && !patch.apiKey) {
      throw new InvalidError('Enter the API key again to change the Opsgenie base URL', { apiKey: ['required to change the base URL'] });
    }
    const parsed = channelSchema.safeParse({ ...before, ...(input.patch.name ? { name: input.patch.name } : {}), config: { ...before.config, ...input.patch.config }, updatedAt: Date.now() });
    if (!parsed.success) throw invalidFromZod(parsed.error, 'input');
    assertSecureKeyEndpoint(parsed.data);
    await alertChannelStore().saveChannel(parsed.data.id, JSON.stringify(parsed.data), MAX_CHANNELS);
    return { result: toPublicChannel(parsed.data, true) };
  });
}
