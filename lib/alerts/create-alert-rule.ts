// Create an alert rule (admin); its webhook URL is a secret kept on the server.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { alertOperations as ops } from '@/lib/operations/alerts';
import { randomUUID } from 'node:crypto';
import { toPublicRule, type AlertRule, type AlertRuleInput, type PublicAlertRule } from './rule';
import { writeRule } from './store';
import { assertKnownConnection, auditParams, withScope } from './rule-commands';
import { accessOf } from '@/lib/auth/principal';
import { assertMayTarget } from './rule-scope';
import { assertChannelsExist } from './channels/channel-store';

export async function createAlertRule(ctx: AuditContext, input: AlertRuleInput): Promise<PublicAlertRule> {
  return audited(ctx, ops.createAlertRule, { writes: 'console', connection: input.connection ?? undefined, queue: input.queue ?? undefined, params: auditParams(input) }, async () => {
    // Team scopes: only on queues (or whole connections) the caller is admin of; checked before the
    // connection is looked up, so a scoped caller learns nothing of connections outside its scope.
    assertMayTarget(accessOf(ctx.actor), withScope(input));
    assertKnownConnection(input.connection);
    await assertChannelsExist(input.channelIds);
    const now = Date.now();
    const rule: AlertRule = { ...withScope(input), id: randomUUID(), createdAt: now, updatedAt: now, createdBy: ctx.actor.name };
    await writeRule(rule);
    return { result: toPublicRule(rule), details: { ruleId: rule.id } };
  });
}
