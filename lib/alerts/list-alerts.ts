// The Alerts page and GET /api/v1/alerts: every rule (webhook masked) with its current state.
import 'server-only';
import { toPublicRule, type PublicAlertRule } from './rule';
import { summarizeState, type TargetState, type TargetStatus } from './evaluate-rule';
import { readHistory, readRules, readStates, type AlertHistoryEntry } from './store';

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

export async function listAlertRules(): Promise<AlertRuleView[]> {
  const [rules, states] = await Promise.all([readRules(), readStates()]);
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

export async function listAlertHistory(opts: { limit?: number; ruleId?: string } = {}): Promise<AlertHistoryEntry[]> {
  return readHistory(opts.limit ?? 100, opts.ruleId);
}
