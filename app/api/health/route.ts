// GET /api/health — no auth; 200 when every connection answers PING, 503 otherwise. No secrets.
// POST answers the same: the demo webhooks that `npm start` seeds deliver to it (webhooks POST), so a
// first run has a receiver that needs no internet. It reads nothing from the request and changes nothing.
import { checkHealth } from '@/lib/health/check-health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const health = await checkHealth();
  return Response.json(
    { status: health.ok ? 'ok' : 'degraded', connections: health.connections },
    { status: health.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}

export const POST = GET;
