// GET /api/health — no auth; 200 when every connection answers PING, 503 otherwise. No secrets.
import { checkHealth } from '@/lib/health/check-health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const health = await checkHealth();
  return Response.json(
    { status: health.ok ? 'ok' : 'degraded', connections: health.connections },
    { status: health.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}
