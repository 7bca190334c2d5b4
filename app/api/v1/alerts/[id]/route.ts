// PATCH /api/v1/alerts/{id} (admin) — change fields (omit webhookUrl to keep it); DELETE — remove the rule.
import { apiRoute } from '@/lib/api/api-route';
import { alertRulePatchSchema } from '@/lib/alerts/rule';
import { alertRuleIdInput, deleteAlertRule, updateAlertRule } from '@/lib/alerts/commands';

export const PATCH = apiRoute({ role: 'admin', audit: 'alert.update', params: alertRuleIdInput, body: alertRulePatchSchema }, async ({ params, body, audit }) =>
  updateAlertRule(audit, { id: params.id, patch: body }),
);

export const DELETE = apiRoute({ role: 'admin', audit: 'alert.delete', params: alertRuleIdInput }, async ({ params, audit }) => deleteAlertRule(audit, params));
