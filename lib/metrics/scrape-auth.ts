// Who may scrape /api/metrics: a bearer token equal to DROVER_METRICS_TOKEN, or any Drover API token
// (every role may read metrics). No session cookies: scrapers send a header, browsers need not apply.
import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '@/lib/errors';
import { tokenPrincipal } from '@/lib/auth/guard';

function sameSecret(a: string, b: string): boolean {
  // Compare digests so the comparison takes the same time whatever the lengths.
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** Throws UnauthorizedError unless the request carries an accepted bearer token; returns who it is. */
export async function authorizeScrape(request: Request): Promise<'metrics-token' | `token:${string}`> {
  const header = request.headers.get('authorization');
  if (!header) throw new UnauthorizedError('Send "Authorization: Bearer <token>" (DROVER_METRICS_TOKEN or an API token)');
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new UnauthorizedError('Malformed Authorization header: expected "Bearer <token>"');
  const configured = process.env.DROVER_METRICS_TOKEN;
  if (configured && sameSecret(match[1], configured)) return 'metrics-token';
  // The same check as every /api/v1 request: unknown, revoked and expired tokens are refused.
  const principal = await tokenPrincipal(match[1]);
  return principal.name as `token:${string}`;
}
