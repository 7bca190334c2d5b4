// Delete an alert rule (admin) with its evaluation state.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { alertOperations as ops } from '@/lib/operations/alerts';
import { removeRule } from './store';
import { ruleAuditTarget, existingRule } from './rule-commands';
import { accessOf } from '@/lib/auth/principal';

export async function deleteAlertRule(ctx: AuditContext, input: { id: string }): Promise<{ deleted: string }> {
  return audited(ctx, ops.deleteAlertRule, { ...(await ruleAuditTarget(input.id)), params: { ruleId: input.id } }, async () => {
    const rule = await existingRule(input.id, accessOf(ctx.actor));
    await removeRule(rule.id);
    return { result: { deleted: rule.id }, details: { name: rule.name } };
  });
}
