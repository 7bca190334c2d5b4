// The Test button of a channel (global admin): a clearly marked test notification (PagerDuty and Opsgenie:
// a trigger then its resolve), and what the receiver answered at each step.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { alertOperations as ops } from '@/lib/operations/alerts';
import { accessOf } from '@/lib/auth/principal';
import type { AlertRule } from '../rule';
import { assertGlobalAdmin, existingChannel } from './channel-commands';
import { describeSteps, testSteps, type TestStep } from './test-steps';
import { reserveChannelTest } from './test-limit';

export type ChannelTestResult = { ok: boolean; steps: TestStep[]; message: string };

/** `now`: the time the test message carries (the limits count in the console store's own clock). */
export async function testChannel(ctx: AuditContext, input: { id: string }, now = Date.now()): Promise<ChannelTestResult> {
  return audited(ctx, ops.testAlertChannel, { writes: 'console', params: { channelId: input.id } }, async () => {
    assertGlobalAdmin(accessOf(ctx.actor));
    const channel = await existingChannel(input.id);
    // Before anything is sent; a refusal is a 429 the audit log records as denied.
    await reserveChannelTest(channel);
    // A stand-in rule: the test message names the channel, no queue.
    const rule: AlertRule = { id: channel.id, name: `Test of channel ${channel.name}`, enabled: true, kind: 'waiting-depth', connection: null, queue: null, threshold: 0, minutes: 0, cooldownMinutes: 0, webhookFormat: 'json', createdAt: now, createdBy: ctx.actor.name, updatedAt: now };
    const steps = await testSteps(channel, rule, now);
    const ok = steps.every((s) => s.ok);
    const message = `${ok ? 'Test delivered' : 'Test failed'} — ${describeSteps(steps)}`;
    return { result: { ok, steps, message }, details: { delivered: ok, type: channel.type, steps: steps.map((s) => ({ step: s.step, ok: s.ok, status: s.status, error: s.error })) } };
  });
}
