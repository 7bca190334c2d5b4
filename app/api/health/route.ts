// GET /api/health — up or down for anyone (200 {"status":"ok"} / 503 {"status":"degraded"}); connection
// names, endpoints, latency and errors only for a signed-in user or an API token (any role).
// POST answers the same: the demo webhooks that `npm start` seeds deliver to it (webhooks POST), so a
// first run has a receiver that needs no internet. It reads no body and changes nothing.
import { checkHealth } from '@/lib/health/check-health';
import { principalFromRequest, currentSessionPrincipal } from '@/lib/auth/guard';
import { errorResponse } from '@/lib/api/api-route';
import { UnauthorizedError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/** Who may see the details: a bearer token (a bad one is a 401, as everywhere), else a session cookie. */
async function mayReadDetails(request: Request): Promise<boolean> {
  if (request.headers.has('authorization')) return Boolean(await principalFromRequest(request));
  // Without a session cookie there is nothing to look up (and no request scope outside Next).
  if (!/(?:^|;\s*)(?:__Secure-)?next-auth\.session-token(?:\.\d+)?=/.test(request.headers.get('cookie') ?? '')) return false;
  return Boolean(await currentSessionPrincipal().catch(() => null));
}

export async function GET(request: Request) {
  let details = false;
  try {
    details = await mayReadDetails(request);
  } catch (err) {
    // A bad token is a 401. Anything else (the console Redis is down, so no token can be checked)
    // gets the anonymous answer: an error text could name an endpoint.
    if (err instanceof UnauthorizedError) return errorResponse(err);
  }
  const health = await checkHealth();
  const status = health.ok ? 'ok' : 'degraded';
  return Response.json(details ? { status, connections: health.connections } : { status }, {
    status: health.ok ? 200 : 503,
    headers: { 'Cache-Control': 'no-store' },
  });
}

export const POST = GET;
