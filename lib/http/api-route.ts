// The route-handler wrapper: authenticate (bearer or session) → origin check → role → zod → call → map errors.
import 'server-only';
import type { z } from 'zod';
import { principalFromRequest } from '@/lib/auth/guard';
import { authorize, type AuthorizedOperation } from '@/lib/auth/authorize';
import type { Principal } from '@/lib/auth/principal';
import { hasRole, type Role } from '@/lib/auth/roles';
import { recordAudit } from '@/lib/audit/record-audit';
import { outcomeOf, refusalMessage, type AuditContext } from '@/lib/audit/audited';
import { DroverError, ForbiddenError, InvalidError, RateLimitedError, UnauthorizedError, errorResponseBody, toDroverError } from '@/lib/errors';
import { logger } from '@/lib/log';
import { invalidFromZod } from '@/lib/zod-issues';
import { readBodyBytes } from './body';
import { auditTargetOf } from './audit-target';
import { acquireExpensiveRead, releaseWhenDone, type ExpensiveReadKind } from '@/lib/limits/expensive-reads';

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type ApiSpec<P, Q, B> = {
  role: Role;
  /** which queues the operation is about (team scopes: lib/auth/authorize.ts) */
  scope: AuthorizedOperation['scope'];
  /** The operation's name: refusals are audited under it (mutations also audit their outcome in the domain). */
  audit: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  maxBodyBytes?: number;
  /** Status of a successful JSON answer (201 for creations). */
  status?: number;
  /** A costly read (search, download): limited per principal and per process (lib/limits/expensive-reads). */
  expensive?: ExpensiveReadKind | ((query: Q) => ExpensiveReadKind | undefined);
};

export type ApiContext<P, Q, B> = {
  request: Request;
  principal: Principal;
  params: P;
  query: Q;
  body: B;
  audit: AuditContext;
};

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Cookie-authenticated mutations must come from our own origin (route handlers get no built-in check). */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get('origin');
  const fetchSite = request.headers.get('sec-fetch-site');
  if (origin) {
    // X-Forwarded-Host only from a trusted proxy (scripts/server.mjs drops a client's copy otherwise).
    const host = (process.env.DROVER_TRUSTED_PROXIES?.trim() ? request.headers.get('x-forwarded-host') : null) ?? request.headers.get('host');
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      throw new ForbiddenError('Cross-origin request refused (unparseable Origin header)');
    }
    const allowed = (process.env.DROVER_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (originHost !== host && !allowed.includes(originHost)) {
      throw new ForbiddenError(`Cross-origin request refused: origin ${originHost} does not match ${host}`);
    }
  } else if (fetchSite === 'cross-site') {
    throw new ForbiddenError('Cross-origin request refused');
  }
}

export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const text = Buffer.from(await readBodyBytes(request, maxBytes)).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidError(`Malformed JSON body: ${(err as Error).message}`);
  }
}

export function errorResponse(err: DroverError): Response {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (err instanceof RateLimitedError) headers['Retry-After'] = String(err.retryAfterSeconds);
  if (err.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="drover"';
  return Response.json(errorResponseBody(err), { status: err.status, headers });
}

function searchParamsObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

export function apiRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  spec: ApiSpec<P, Q, B>,
  handler: (ctx: ApiContext<P, Q, B>) => Promise<unknown>,
) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    let principal: Principal | null = null;
    let rawParams: Record<string, unknown> = {};
    let rawBody: unknown;
    try {
      rawParams = (await context?.params) ?? {};
      principal = await principalFromRequest(request);
      if (!principal) throw new UnauthorizedError();
      const who = principal;
      // the principal the operation runs as: its role narrowed to the target queue's (team scopes)
      let actor: Principal = who;
      // Every refusal of a known caller is audited (bounded, and aggregated per actor and operation).
      const auditRefusal = async (err: unknown) => {
        const outcome = err instanceof DroverError ? refusalOutcome(err) : null;
        if (!outcome) return;
        await recordAudit({ ...auditTargetOf(spec.audit, rawParams, rawBody), actor: who.name, role: who.role, via: 'api', outcome, message: refusalMessage(err as Error) }).catch(() => {});
      };
      let release = () => {};
      let kind: ExpensiveReadKind | undefined;
      let params: P;
      let query: Q;
      let body = undefined as B;
      try {
        if (MUTATING.has(request.method) && who.kind === 'session') assertSameOrigin(request);
        if (!hasRole(who.role, spec.role)) await authorize(who, { name: spec.audit, role: spec.role, scope: 'self' }, {});
        params = spec.params ? parseWith(spec.params, rawParams, 'path') : (rawParams as P);
        // Scope after the path is valid: a malformed name is a 400 for everyone; an out-of-scope queue a 404.
        actor = await authorize(who, { name: spec.audit, role: spec.role, scope: spec.scope }, params);
        query = spec.query ? parseWith(spec.query, searchParamsObject(new URL(request.url)), 'query') : ({} as Q);
        if (spec.body) {
          rawBody = await readJsonBody(request, spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
          body = parseWith(spec.body, rawBody ?? {}, 'body');
        }
        kind = typeof spec.expensive === 'function' ? spec.expensive(query) : spec.expensive;
        if (kind) release = acquireExpensiveRead(actor, kind);
      } catch (err) {
        // Every refusal of a known caller is audited (bounded, and aggregated per actor and action).
        await auditRefusal(err);
        throw err;
      }
      let result: unknown;
      try {
        result = await handler({ request, principal: actor, params, query, body, audit: { actor, via: 'api' } });
      } catch (err) {
        release();
        // A mutation audits its own outcome (lib/audit/audited.ts); a read refused while it runs (too
        // many live streams, say) is audited here.
        if (request.method === 'GET') await auditRefusal(err);
        throw err;
      }
      // A large JSON answer (an inline value over 256 KB) is sent like a download: sliced, slot held, stall-dropped.
      if (kind === 'download' && !(result instanceof Response)) {
        result = new Response(JSON.stringify(result ?? { ok: true }), { headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store, no-transform' } });
      }
      if (result instanceof Response) {
        // A streamed body holds its slot until it has been sent (or the client went away).
        if (!kind || !result.body) {
          release();
          return result;
        }
        return new Response(releaseWhenDone(result.body, release), { status: result.status, headers: result.headers });
      }
      release();
      // no-transform: Next.js skips gzip for these (small JSON; compression cost more than it saved).
      return Response.json(result ?? { ok: true }, { status: spec.status ?? 200, headers: { 'Cache-Control': 'no-store, no-transform' } });
    } catch (err) {
      const error = toDroverError(err, typeof rawParams.conn === 'string' ? rawParams.conn : undefined);
      if (error.code === 'internal') logger.error({ err: (err as Error)?.stack ?? String(err), url: new URL(request.url).pathname }, 'api route failed');
      return errorResponse(error);
    }
  };
}

/** The audit outcome of an error raised before an operation ran, or null when it is not a refusal. */
function refusalOutcome(err: DroverError): 'denied' | 'invalid' | null {
  const outcome = outcomeOf(err);
  return outcome === 'denied' || outcome === 'invalid' ? outcome : null;
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidFromZod(parsed.error, what);
  return parsed.data;
}
