// GET /api/v1/audit?user=&action=&queue=&outcome=&from=&to=&limit=&cursor= (admin) — newest first.
import { apiRoute } from '@/lib/api/api-route';
import { auditQuerySchema, listAudit } from '@/lib/audit/list-audit';

export const GET = apiRoute({ role: 'admin', query: auditQuerySchema }, async ({ query }) => listAudit(query));
