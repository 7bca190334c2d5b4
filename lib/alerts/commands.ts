// Admin commands on alert rules: create, update, delete, send a test notification. The role check
// runs first inside the audited block; audit entries name the webhook's host, never its URL.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { assertRole } from '@/lib/auth/assert-role';
import { listConnections } from '@/lib/redis/connections';
import { InvalidError, NotFoundError } from '@/lib/errors';
import {
  KIND_INFO,
  alertRuleFieldsSchema,
  alertRuleInputSchema,
  alertRulePatchSchema,
  maskWebhookUrl,
  ruleIdSchema,
  toPublicRule,
  type AlertRule,
  type AlertRuleInput,
  type PublicAlertRule,
} from './rule';
import { appendHistory, readRule, removeRule, writeRule } from './store';
import { notificationBody, notificationText, postWebhook, type DeliveryOutcome } from './notify';
import { invalidFromZod } from '@/lib/api/zod-error';

export const createAlertRuleInput = alertRuleInputSchema;
export const updateAlertRuleInput = z.object({ id: ruleIdSchema.shape.id, patch: alertRulePatchSchema }).strict();
export const alertRuleIdInput = ruleIdSchema;

type RuleLike = Pick<AlertRule, 'name' | 'kind' | 'enabled' | 'threshold' | 'minutes' | 'cooldownMinutes' | 'webhookFormat' | 'webhookUrl'>;

function auditParams(rule: RuleLike): Record<string, unknown> {
  return {
    name: rule.name,
    kind: rule.kind,
    enabled: rule.enabled,
    threshold: rule.threshold,
    minutes: rule.minutes,
    cooldownMinutes: rule.cooldownMinutes,
    webhookFormat: rule.webhookFormat,
    webhook: maskWebhookUrl(rule.webhookUrl),
  };
}

function assertKnownConnection(connection: string | null): void {
  if (connection !== null && !listConnections().some((c) => c.name === connection)) {
    throw new InvalidError(`Unknown connection "${connection}"`, { connection: ['no such connection in the configuration'] });
  }
}

/** Connection rules (DLQ growth, Redis unreachable) have no queue. */
function withScope<T extends { kind: AlertRule['kind']; queue: string | null }>(rule: T): T {
  return KIND_INFO[rule.kind].scope === 'connection' ? { ...rule, queue: null } : rule;
}

async function existingRule(id: string): Promise<AlertRule> {
  const rule = await readRule(id);
  if (!rule) throw new NotFoundError(`No alert rule with id ${id}`);
  return rule;
}

export async function createAlertRule(ctx: AuditContext, input: AlertRuleInput): Promise<PublicAlertRule> {
  return audited(ctx, { action: 'alert.create', connection: input.connection ?? undefined, queue: input.queue ?? undefined, params: auditParams(input) }, async () => {
    assertRole(ctx.actor, 'admin');
    assertKnownConnection(input.connection);
    const now = Date.now();
    const rule: AlertRule = { ...withScope(input), id: randomUUID(), createdAt: now, updatedAt: now, createdBy: ctx.actor.name };
    await writeRule(rule);
    return { result: toPublicRule(rule), details: { ruleId: rule.id } };
  });
}

/** What the evaluator judges: changing it starts the rule over (from ok). */
const JUDGED: Array<keyof AlertRule> = ['kind', 'connection', 'queue', 'threshold', 'minutes'];

export async function updateAlertRule(ctx: AuditContext, input: z.infer<typeof updateAlertRuleInput>): Promise<PublicAlertRule> {
  const visiblePatch: Record<string, unknown> = { ...input.patch };
  delete visiblePatch.webhookUrl;
  return audited(ctx, { action: 'alert.update', params: { ruleId: input.id, ...visiblePatch, ...(input.patch.webhookUrl ? { webhook: maskWebhookUrl(input.patch.webhookUrl) } : {}) } }, async () => {
    assertRole(ctx.actor, 'admin');
    const before = await existingRule(input.id);
    const merged = { ...before, ...input.patch };
    const parsed = alertRuleFieldsSchema.safeParse(merged);
    if (!parsed.success) throw invalidFromZod(parsed.error, 'input');
    assertKnownConnection(parsed.data.connection);
    const rule: AlertRule = { ...before, ...withScope(parsed.data), updatedAt: Date.now() };
    await writeRule(rule, { resetState: JUDGED.some((k) => rule[k] !== before[k]) });
    return { result: toPublicRule(rule) };
  });
}

export async function deleteAlertRule(ctx: AuditContext, input: z.infer<typeof alertRuleIdInput>): Promise<{ deleted: string }> {
  return audited(ctx, { action: 'alert.delete', params: { ruleId: input.id } }, async () => {
    assertRole(ctx.actor, 'admin');
    const rule = await existingRule(input.id);
    await removeRule(rule.id);
    return { result: { deleted: rule.id }, details: { name: rule.name } };
  });
}

export type TestNotificationResult = DeliveryOutcome & { message: string };

/** POSTs a clearly marked test message to the rule's webhook and reports what the receiver answered. */
export async function testAlertRule(ctx: AuditContext, input: z.infer<typeof alertRuleIdInput>): Promise<TestNotificationResult> {
  return audited(ctx, { action: 'alert.test', params: { ruleId: input.id } }, async () => {
    assertRole(ctx.actor, 'admin');
    const rule = await existingRule(input.id);
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
