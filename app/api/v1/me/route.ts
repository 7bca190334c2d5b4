// GET /api/v1/me — who the caller is (session or token) and their role.
import { apiRoute } from '@/lib/api/api-route';

export const GET = apiRoute({ role: 'viewer' }, async ({ principal }) => ({
  kind: principal.kind,
  name: principal.name,
  role: principal.role,
}));
