// Send a clearly marked test notification to a rule's webhook and channels (admin) and report what each answered.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { alertOperations as ops } from '@/lib/operations/alerts';
import { maskWebhookUrl } from './rule';
import { appendHistory } from './store';
import { notificationText, type DeliveryOutcome } from './notify';
import { ruleAuditTarget, existingRule } from './rule-commands';
import { accessOf } from '@/lib/auth/principal';
import { readChannels } from './channels/channel-store';
import { channelsOfRule, RULE_WEBHOOK_CHANNEL } from './channels/send';
import { describeSteps, isPagingChannel, SKIPPED_PAGING_STEP, testSteps, type TestStep } from './channels/test-steps';
import { isGlobalAdmin } from './channels/channel-commands';
import { reserveRuleTest } from './channels/test-limit';

export type TestNotificationResult = DeliveryOutcome & { message: string; channels: Array<{ channelId: string; name: string; type: string; steps: TestStep[] }> };

/** Sends a clearly marked test message to each of the rule's channels and reports what each receiver answered. */
export async function testAlertRule(ctx: AuditContext, input: { id: string }): Promise<TestNotificationResult> {
  return audited(ctx, ops.testAlertRule, { ...(await ruleAuditTarget(input.id)), params: { ruleId: input.id } }, async () => {
    const rule = await existingRule(input.id, accessOf(ctx.actor));
    // Each click sends up to 11 messages: bounded per rule and admin, and console-wide (README › Paging channels).
    await reserveRuleTest(rule, ctx.actor.name);
    const at = Date.now();
    const channels = channelsOfRule(rule, new Map((await readChannels()).map((c) => [c.id, c])));
    // A scoped admin may test the rules they manage, but not page the on-call through a shared channel.
    const mayPage = isGlobalAdmin(accessOf(ctx.actor));
    const results = await Promise.all(
      channels.map(async (c) => ({ channelId: c.id, name: c.name, type: c.type, steps: !mayPage && isPagingChannel(c) ? [SKIPPED_PAGING_STEP] : await testSteps(c, rule, at) })),
    );
    const failed = results.filter((r) => r.steps.some((s) => !s.ok));
    const first = results[0]?.steps[0];
    const outcome: DeliveryOutcome = {
      ok: results.length > 0 && failed.length === 0,
      status: first?.status ?? null,
      error: results.length === 0 ? 'the rule has no webhook or channel' : failed.length === 0 ? null : results.length === 1 ? (failed[0].steps.find((s) => !s.ok)?.error ?? null) : failed.map((r) => `${r.name}: ${r.steps.find((s) => !s.ok)?.error}`).join('; '),
      durationMs: results.reduce((n, r) => n + r.steps.reduce((m, s) => m + s.durationMs, 0), 0),
    };
    await appendHistory([
      {
        at,
        ruleId: rule.id,
        ruleName: rule.name,
        kind: rule.kind,
        type: 'test',
        target: null,
        value: null,
        notification: { outcome: outcome.ok ? 'sent' : 'failed', status: outcome.status, error: outcome.error },
        text: notificationText(rule, { state: 'firing', connection: rule.connection, queue: rule.queue, value: null, at, test: true }),
      },
    ]);
    const onlyWebhook = results.length === 1 && results[0].channelId === RULE_WEBHOOK_CHANNEL && rule.webhookUrl;
    const message = onlyWebhook
      ? outcome.ok
        ? `Test notification delivered to ${maskWebhookUrl(rule.webhookUrl!)} (HTTP ${outcome.status}, ${outcome.durationMs} ms)`
        : `Test notification failed: ${outcome.error}`
      : results.length === 0
        ? 'Test notification failed: the rule has no webhook or channel'
        : results.map((r) => `${r.name} (${r.type}): ${describeSteps(r.steps)}`).join(' · ');
    return { result: { ...outcome, message, channels: results }, details: { delivered: outcome.ok, status: outcome.status, error: outcome.error, channels: results.length } };
  });
}
