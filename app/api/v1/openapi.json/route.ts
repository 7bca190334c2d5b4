// GET /api/v1/openapi.json — the API description, for any signed-in user or API token (viewer).
import { apiRoute } from '@/lib/api/api-route';
import { openApiDocument } from '@/lib/api/openapi';

export const GET = apiRoute({ role: 'viewer' }, async () => openApiDocument());
