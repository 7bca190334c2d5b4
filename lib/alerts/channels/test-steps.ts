// What a Test button sends to one channel, step by step: a webhook or an email once; PagerDuty and
// Opsgenie a trigger (create) and then its resolve (close), so no test incident stays open. Every body
// is marked as a test.
import 'server-only';
import { randomUUID } from 'node:crypto';
import type { AlertRule } from '../rule';
import type { NotificationEvent } from '../notify';
import type { Channel } from './channel';
import { sendToChannel } from './send';

export type TestStep = { step: 'send' | 'trigger' | 'resolve' | 'skipped'; ok: boolean; status: number | null; error: string | null; durationMs: number };

/** Paging channels reach a person's phone: only a global admin's test sends to them. */
export function isPagingChannel(channel: Channel): boolean {
  return channel.type === 'pagerduty' || channel.type === 'opsgenie';
}

/** The step a rule's Test reports for a paging channel it did not send to. */
export const SKIPPED_PAGING_STEP: TestStep = { step: 'skipped', ok: true, status: null, error: 'paging channels are tested by a global admin (Alerts › Channels › Test)', durationMs: 0 };

export async function testSteps(channel: Channel, rule: AlertRule, at = Date.now()): Promise<TestStep[]> {
  const event: NotificationEvent = { state: 'firing', connection: rule.connection, queue: rule.queue, value: null, at, test: true };
  const dedup = `drover-test:${channel.id}:${randomUUID()}`;
  const first = await sendToChannel(channel, rule, event, dedup);
  const pair = isPagingChannel(channel);
  const steps: TestStep[] = [{ step: pair ? 'trigger' : 'send', ok: first.ok, status: first.status, error: first.error, durationMs: first.durationMs }];
  if (pair && first.ok) {
    const second = await sendToChannel(channel, rule, { ...event, state: 'resolved' }, dedup);
    steps.push({ step: 'resolve', ok: second.ok, status: second.status, error: second.error, durationMs: second.durationMs });
  }
  return steps;
}

/** "trigger: HTTP 202 (12 ms); resolve: HTTP 202 (8 ms)", "send: failed (no answer within 5 s)". */
export function describeSteps(steps: TestStep[]): string {
  return steps
    .map((s) => (s.step === 'skipped' ? `skipped (${s.error})` : `${s.step}: ${s.ok ? (s.status !== null ? `HTTP ${s.status}` : 'accepted') : `failed (${s.error})`} (${s.durationMs} ms)`))
    .join('; ');
}
