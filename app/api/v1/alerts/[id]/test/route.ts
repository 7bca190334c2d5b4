// POST /api/v1/alerts/{id}/test (admin) — send a test notification; answers with the receiver's status or the error.
import { apiRoute } from '@/lib/api/api-route';
import { alertRuleIdInput, testAlertRule } from '@/lib/alerts/commands';

export const POST = apiRoute({ role: 'admin', audit: 'alert.test', params: alertRuleIdInput }, async ({ params, audit }) => testAlertRule(audit, params));
