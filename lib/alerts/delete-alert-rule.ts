// Delete an alert rule (admin) with its evaluation state; its announced firing targets are resolved.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { alertOperations as ops } from '@/lib/operations/alerts';
import { readStates, removeRule } from './store';
import { resolveStoppedRuleDetails } from './resolve-stopped-rule';
import { ruleAuditTarget, existingRule } from './rule-commands';
import { accessOf } from '@/lib/auth/principal';

export async function deleteAlertRule(ctx: AuditContext, input: { id: string }): Promise<{ deleted: string }> {
  return audited(ctx, ops.deleteAlertRule, { ...(await ruleAuditTarget(input.id)), params: { ruleId: input.id } }, async () => {
    const rule = await existingRule(input.id, accessOf(ctx.actor));
    const state = rule.enabled ? (await readStates())[rule.id] : undefined;
    await removeRule(rule.id);
    // Its open incidents are resolved now (README › Paging channels), not left open.
    // The rule is gone whatever happens here: a failed resolve is reported in the details, not as a failed delete.
    return { result: { deleted: rule.id }, details: { name: rule.name, ...(await resolveStoppedRuleDetails(rule, state, 'deleted')) } };
  });
}
