// Change an alert rule (admin): a change to what it judges starts it over from ok (what it announced resolved).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { alertOperations as ops } from '@/lib/operations/alerts';
import { invalidFromZod } from '@/lib/zod-issues';
import { alertRuleFieldsSchema, maskWebhookUrl, toPublicRule, type AlertRule, type AlertRulePatch, type PublicAlertRule } from './rule';
import { readStates, writeRule } from './store';
import { resolveStoppedRuleDetails } from './resolve-stopped-rule';
import { assertKnownConnection, ruleAuditTarget, existingRule, withScope } from './rule-commands';
import { assertChannelsExist } from './channels/channel-store';
import { accessOf } from '@/lib/auth/principal';
import { assertMayTarget } from './rule-scope';

export type UpdateAlertRuleInput = { id: string; patch: AlertRulePatch };

/** What the evaluator judges: changing it starts the rule over (from ok). */
const JUDGED: Array<keyof AlertRule> = ['kind', 'connection', 'queue', 'threshold', 'minutes'];

export async function updateAlertRule(ctx: AuditContext, input: UpdateAlertRuleInput): Promise<PublicAlertRule> {
  const visiblePatch: Record<string, unknown> = { ...input.patch };
  delete visiblePatch.webhookUrl;
  return audited(ctx, ops.updateAlertRule, { ...(await ruleAuditTarget(input.id)), params: { ruleId: input.id, ...visiblePatch, ...(input.patch.webhookUrl ? { webhook: maskWebhookUrl(input.patch.webhookUrl) } : {}) } }, async () => {
    const access = accessOf(ctx.actor);
    const before = await existingRule(input.id, access);
    const merged: Record<string, unknown> = { ...before, ...input.patch };
    if (input.patch.webhookUrl === null) delete merged.webhookUrl;
    const parsed = alertRuleFieldsSchema.safeParse(merged);
    if (!parsed.success) throw invalidFromZod(parsed.error, 'input');
    // Moved to another target: the caller must be admin there too.
    assertMayTarget(access, withScope(parsed.data));
    assertKnownConnection(parsed.data.connection);
    await assertChannelsExist(parsed.data.channelIds);
    const { webhookUrl: _dropped, ...kept } = before;
    const rule: AlertRule = { ...(parsed.data.webhookUrl ? before : kept), ...withScope(parsed.data), updatedAt: Date.now() };
    const disabled = before.enabled && !rule.enabled;
    const resetState = disabled || JUDGED.some((k) => rule[k] !== before[k]);
    // Read before the write: a reset state is dropped (by the write here, or the next round), and with it
    // the episode its firings were announced under: those incidents are resolved now (README › Paging
    // channels), else the next firing opens a new one and the old one stays open for good.
    const state = resetState && before.enabled ? (await readStates())[rule.id] : undefined;
    await writeRule(rule, { resetState });
    const details = state ? await resolveStoppedRuleDetails(before, state, disabled ? 'disabled' : 'changed') : {};
    return { result: toPublicRule(rule), ...(Object.keys(details).length ? { details } : {}) };
  });
}
