// GET /api/v1/alerts/history?rule=<id>&limit=100 (admin) — firing/resolved transitions and tests, newest first.
import { z } from 'zod';
import { apiRoute } from '@/lib/api/api-route';
import { listAlertHistory } from '@/lib/alerts/list-alerts';

const querySchema = z.object({ rule: z.string().uuid('must be an alert rule id').optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

export const GET = apiRoute({ role: 'admin', query: querySchema }, async ({ query }) => ({ history: await listAlertHistory({ limit: query.limit, ruleId: query.rule }) }));
