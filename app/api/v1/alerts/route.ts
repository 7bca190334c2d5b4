// GET /api/v1/alerts (admin) — rules with their state (webhook URLs masked); POST — create a rule.
import { apiRoute } from '@/lib/api/api-route';
import { listAlertRules } from '@/lib/alerts/list-alerts';
import { createAlertRule, createAlertRuleInput } from '@/lib/alerts/commands';

export const GET = apiRoute({ role: 'admin' }, async () => ({ rules: await listAlertRules() }));

export const POST = apiRoute({ role: 'admin', audit: 'alert.create', body: createAlertRuleInput }, async ({ body, audit }) =>
  Response.json(await createAlertRule(audit, body), { status: 201, headers: { 'Cache-Control': 'no-store' } }),
);
