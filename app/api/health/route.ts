// GET /api/health — up or down for anyone (200 {"status":"ok"} / 503 {"status":"degraded"}); connection
// names, endpoints, latency and errors only for a signed-in user or an API token (any role).
// POST answers the same: the demo webhooks that `npm start` seeds deliver to it (webhooks POST), so a
// first run has a receiver that needs no internet. It reads no body and changes nothing.
import { checkHealth } from '@/lib/health/check-health';
import { principalFromRequest, currentSessionPrincipal } from '@/lib/auth/guard';
import { errorResponse } from '@/lib/http/api-route';
import { UnauthorizedError } from '@/lib/errors';
import { accessOf, type Principal } from '@/lib/auth/principal';
import { queueFilterOf, type QueueFilter } from '@/lib/auth/queue-filter';

export const dynamic = 'force-dynamic';

/**
 * Who may see the details: a bearer token (a bad one is a 401, as everywhere), else a session cookie;
 * the answer is the connections they may see (README › Team scopes), or null for none of the details.
 */
async function detailsFilter(request: Request): Promise<QueueFilter | null> {
  const filterOf = (p: Principal | null) => (p ? queueFilterOf(accessOf(p)) : null);
  if (request.headers.has('authorization')) return filterOf(await principalFromRequest(request));
  // Without a session cookie there is nothing to look up (and no request scope outside Next).
  if (!/(?:^|;\s*)(?:__Secure-)?next-auth\.session-token(?:\.\d+)?=/.test(request.headers.get('cookie') ?? '')) return null;
  return filterOf(await currentSessionPrincipal().catch(() => null));
}

export async function GET(request: Request) {
  let details: QueueFilter | null = null;
  try {
    details = await detailsFilter(request);
  } catch (err) {
    // A bad token is a 401. Anything else (the console Redis is down, so no token can be checked)
    // gets the anonymous answer: an error text could name an endpoint.
    if (err instanceof UnauthorizedError) return errorResponse(err);
  }
  const health = await checkHealth();
  const status = health.ok ? 'ok' : 'degraded';
  const connections = details?.everything ? health.connections : health.connections.filter((c) => details?.connection(c.name));
  return Response.json(details ? { status, connections } : { status }, {
    status: health.ok ? 200 : 503,
    headers: { 'Cache-Control': 'no-store' },
  });
}

export const POST = GET;
