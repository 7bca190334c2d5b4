// What the alert-rule verbs share: the audit parameters of a rule (its webhook's host, never its URL),
// the connection check, the scope rule and the lookup that answers 404.
import 'server-only';
import { listConnections } from '@/lib/redis/connections';
import { InvalidError, NotFoundError } from '@/lib/errors';
import { KIND_INFO, maskWebhookUrl, type AlertRule } from './rule';
import { readRule } from './store';
import type { Access } from '@/lib/auth/scope';
import { mayManageRule, ruleNotFound } from './rule-scope';

type RuleLike = Pick<AlertRule, 'name' | 'kind' | 'enabled' | 'threshold' | 'minutes' | 'cooldownMinutes' | 'webhookFormat' | 'webhookUrl' | 'channelIds'>;

export function auditParams(rule: RuleLike): Record<string, unknown> {
  return {
    name: rule.name,
    kind: rule.kind,
    enabled: rule.enabled,
    threshold: rule.threshold,
    minutes: rule.minutes,
    cooldownMinutes: rule.cooldownMinutes,
    webhookFormat: rule.webhookFormat,
    webhook: rule.webhookUrl ? maskWebhookUrl(rule.webhookUrl) : null,
    ...(rule.channelIds?.length ? { channelIds: rule.channelIds } : {}),
  };
}

export function assertKnownConnection(connection: string | null): void {
  if (connection !== null && !listConnections().some((c) => c.name === connection)) {
    throw new InvalidError(`Unknown connection "${connection}"`, { connection: ['no such connection in the configuration'] });
  }
}

/** Connection rules (DLQ growth, Redis unreachable) have no queue. */
export function withScope<T extends { kind: AlertRule['kind']; queue: string | null }>(rule: T): T {
  return KIND_INFO[rule.kind].scope === 'connection' ? { ...rule, queue: null } : rule;
}

/**
 * What an audit entry of a change to rule `id` names (its connection and queue, so the entry shows to the
 * admins of that queue: README › Team scopes); nothing for an unknown id. Only Drover's data is written.
 */
export async function ruleAuditTarget(id: string): Promise<{ writes: 'console'; connection?: string; queue?: string }> {
  const rule = await readRule(id).catch(() => null);
  return { writes: 'console', connection: rule?.connection ?? undefined, queue: rule?.queue ?? undefined };
}

/** The rule `id`; with `access`, one the caller may not manage is not found either (README › Team scopes). */
export async function existingRule(id: string, access?: Access): Promise<AlertRule> {
  const rule = await readRule(id);
  if (!rule) throw new NotFoundError(`No alert rule with id ${id}`);
  if (access && !mayManageRule(access, rule)) throw ruleNotFound(id);
  return rule;
}

