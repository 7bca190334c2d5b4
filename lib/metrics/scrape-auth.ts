// Who may scrape /api/metrics: a bearer token equal to DROVER_METRICS_TOKEN, or any Drover API token
// (every role may read metrics; a token with grants sees only its queues' series). No session cookies: scrapers send a header, browsers need not apply.
import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '@/lib/errors';
import { tokenPrincipal } from '@/lib/auth/guard';
import { accessOf } from '@/lib/auth/principal';
import type { Access } from '@/lib/auth/scope';

function sameSecret(a: string, b: string): boolean {
  // Compare digests so the comparison takes the same time whatever the lengths.
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/**
 * Who scrapes: the metrics token (every series), or an API token with what it may see (README › Team
 * scopes: a token with grants gets only its queues' series).
 */
export type Scraper = { who: 'metrics-token'; access: null } | { who: `token:${string}`; access: Access };

/** Throws UnauthorizedError unless the request carries an accepted bearer token; returns who it is. */
export async function authorizeScrape(request: Request): Promise<Scraper> {
  const header = request.headers.get('authorization');
  if (!header) throw new UnauthorizedError('Send "Authorization: Bearer <token>" (DROVER_METRICS_TOKEN or an API token)');
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new UnauthorizedError('Malformed Authorization header: expected "Bearer <token>"');
  const configured = process.env.DROVER_METRICS_TOKEN;
  if (configured && sameSecret(match[1], configured)) return { who: 'metrics-token', access: null };
  // The same check as every /api/v1 request: unknown, revoked and expired tokens are refused.
  const principal = await tokenPrincipal(match[1]);
  return { who: principal.name as `token:${string}`, access: accessOf(principal) };
}
