// The Alerts page and GET /api/v1/alerts: every rule (webhook masked) with its current state.
import 'server-only';
import { toPublicRule, type PublicAlertRule } from './rule';
import { summarizeState, type TargetState, type TargetStatus } from './evaluate-rule';
import { readHistory, readRules, readStates, type AlertHistoryEntry } from './store';
import { isUnscoped, type Access } from '@/lib/auth/scope';
import { mayManageRule, parseHistoryTarget } from './rule-scope';

export type AlertRuleView = PublicAlertRule & {
  status: TargetStatus | 'disabled';
  /** when the shown status began */
  since: number | null;
  /** the value of the worst target at the last evaluation */
  value: number | null;
  /** that target ("main/emails" or "main") */
  target: string | null;
  evaluatedAt: number | null;
  /** targets that are pending or firing */
  active: Array<TargetState & { target: string }>;
};

/** `access`: the caller's; a scoped admin gets only the rules it may manage (README › Team scopes). */
export async function listAlertRules(access?: Access): Promise<AlertRuleView[]> {
  const [all, states] = await Promise.all([readRules(), readStates()]);
  const rules = access && !isUnscoped(access) ? all.filter((rule) => mayManageRule(access, rule)) : all;
  return rules.map((rule) => {
    const state = rule.enabled ? states[rule.id] : undefined;
    const summary = summarizeState(state);
    return {
      ...toPublicRule(rule),
      status: rule.enabled ? summary.status : 'disabled',
      since: summary.since,
      value: summary.value,
      target: summary.target,
      evaluatedAt: state?.evaluatedAt ?? null,
      active: Object.entries(state?.targets ?? {})
        .filter(([, t]) => t.state !== 'ok')
        .map(([target, t]) => ({ ...t, target })),
    };
  });
}

/**
 * `access`: a scoped admin reads the entries whose target it may manage (a test notification, which has
 * no target, by its rule; one of a deleted rule is hidden). The history holds at most 500 entries.
 */
export async function listAlertHistory(opts: { limit?: number; ruleId?: string; access?: Access } = {}): Promise<AlertHistoryEntry[]> {
  const access = opts.access && !isUnscoped(opts.access) ? opts.access : null;
  if (!access) return readHistory(opts.limit ?? 100, opts.ruleId);
  const rules = new Map((await readRules()).map((r) => [r.id, r]));
  return readHistory(opts.limit ?? 100, opts.ruleId, (e) => {
    // The entry's own connection and queue when it has them: a target's text cannot be split safely
    // (queue names and scheduler ids may hold "/": "main/payroll/nightly" is queue payroll, not "payroll/nightly").
    if (e.connection !== undefined) return mayManageRule(access, { connection: e.connection, queue: e.queue ?? null });
    if (e.target !== null) return mayManageRule(access, parseHistoryTarget(e.target));
    const rule = rules.get(e.ruleId);
    return rule !== undefined && mayManageRule(access, rule);
  });
}
