// GET /api/v1/openapi.json — the API description (public: it holds no data).
import { openApiDocument } from '@/lib/api/openapi';

export function GET() {
  return Response.json(openApiDocument(), { headers: { 'Cache-Control': 'no-store' } });
}
