// Send a clearly marked test notification to a rule's webhook (admin) and report what the receiver answered.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { alertOperations as ops } from '@/lib/operations/alerts';
import { maskWebhookUrl } from './rule';
import { appendHistory } from './store';
import { notificationBody, notificationText, postWebhook, type DeliveryOutcome } from './notify';
import { ruleAuditTarget, existingRule } from './rule-commands';
import { accessOf } from '@/lib/auth/principal';

export type TestNotificationResult = DeliveryOutcome & { message: string };

/** POSTs a clearly marked test message to the rule's webhook and reports what the receiver answered. */
export async function testAlertRule(ctx: AuditContext, input: { id: string }): Promise<TestNotificationResult> {
  return audited(ctx, ops.testAlertRule, { ...(await ruleAuditTarget(input.id)), params: { ruleId: input.id } }, async () => {
    const rule = await existingRule(input.id, accessOf(ctx.actor));
    const event = { state: 'firing' as const, connection: rule.connection, queue: rule.queue, value: null, at: Date.now(), test: true };
    const outcome = await postWebhook(rule.webhookUrl, notificationBody(rule, event));
    await appendHistory([
      {
        at: event.at,
        ruleId: rule.id,
        ruleName: rule.name,
        kind: rule.kind,
        type: 'test',
        target: null,
        value: null,
        notification: { outcome: outcome.ok ? 'sent' : 'failed', status: outcome.status, error: outcome.error },
        text: notificationText(rule, event),
      },
    ]);
    const message = outcome.ok
      ? `Test notification delivered to ${maskWebhookUrl(rule.webhookUrl)} (HTTP ${outcome.status}, ${outcome.durationMs} ms)`
      : `Test notification failed: ${outcome.error}`;
    return { result: { ...outcome, message }, details: { delivered: outcome.ok, status: outcome.status, error: outcome.error } };
  });
}
