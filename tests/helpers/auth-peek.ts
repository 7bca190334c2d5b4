// What the auth suites look at beside the API, on either console store: the rows or keys behind users,
// sessions, API tokens and sign-in windows (KEYS on Redis, schema "drover" on PostgreSQL).
import { KEYS } from '@/lib/keys';
import { auditQuerySchema, listAudit } from '@/lib/audit/list-audit';
import type { AuditEntry } from '@/lib/audit/audit-entry';
import type { TestConsole } from './console-store';

export function authPeek(c: TestConsole) {
  const pg = (text: string, values: unknown[] = []) => c.pool().query(text, values);
  const windowKey = (scope: 'ip' | 'account', id: string) => (scope === 'ip' ? KEYS.signinFailuresByIp(id) : KEYS.signinFailuresByAccount(id));
  return {
    /** Entries held in a sign-in window, aged-out ones not yet trimmed included. */
    async windowSize(scope: 'ip' | 'account', id: string): Promise<number> {
      if (c.kind === 'redis') return c.redis().zcard(windowKey(scope, id));
      return (await pg('SELECT count(*)::int AS n FROM drover.signin_failure WHERE key = $1', [`${scope}:${id}`])).rows[0].n;
    },
    /** How long until the window's entries are all gone on their own (Redis: the key's TTL; PostgreSQL: its newest entry ages out). */
    async windowTtl(scope: 'ip' | 'account', id: string, windowMs: number): Promise<number> {
      if (c.kind === 'redis') return c.redis().pttl(windowKey(scope, id));
      const newest = (await pg('SELECT max(at) AS at FROM drover.signin_failure WHERE key = $1', [`${scope}:${id}`])).rows[0].at;
      return Number(newest) + windowMs - Date.now();
    },
    /** The user's record exactly as stored. */
    async userRecord(email: string): Promise<string | null> {
      if (c.kind === 'redis') return c.redis().hget(KEYS.users, email);
      return (await pg('SELECT record FROM drover.console_user WHERE email = $1', [email])).rows[0]?.record ?? null;
    },
    /** Overwrites the user's stored record (as an older Drover wrote it). */
    async setUserRecord(email: string, record: string): Promise<void> {
      if (c.kind === 'redis') await c.redis().hset(KEYS.users, email, record);
      else await pg('UPDATE drover.console_user SET record = $2 WHERE email = $1', [email, record]);
    },
    /** Sessions stored for the user, expired ones not yet dropped included. */
    async storedSessions(email: string): Promise<number> {
      if (c.kind === 'redis') return c.redis().zcard(KEYS.userSessions(email));
      return (await pg('SELECT count(*)::int AS n FROM drover.session WHERE email = $1', [email])).rows[0].n;
    },
    /** How long until the user's sessions are all gone on their own (Redis: the key's TTL; PostgreSQL: the latest expiry). */
    async sessionsTtl(email: string): Promise<number> {
      if (c.kind === 'redis') return c.redis().pttl(KEYS.userSessions(email));
      const latest = (await pg('SELECT max(expires_at) AS at FROM drover.session WHERE email = $1', [email])).rows[0].at;
      return latest === null ? -2 : Number(latest) - Date.now();
    },
    /** Everything stored about API tokens, as text. */
    async storedTokens(): Promise<string> {
      if (c.kind === 'redis') return JSON.stringify([await c.redis().hgetall(KEYS.apiTokens), await c.redis().hgetall(KEYS.apiTokenIds), await c.redis().hgetall(KEYS.apiTokenNames)]);
      return JSON.stringify((await pg('SELECT * FROM drover.api_token')).rows);
    },
    /** Whether anything is still stored under the token's id (record, name, last use). */
    async tokenTraces(id: string): Promise<number> {
      if (c.kind === 'redis') {
        const r = c.redis();
        const names = Object.values(await r.hgetall(KEYS.apiTokenNames)).filter((v) => v === id).length;
        return (await r.hexists(KEYS.apiTokenIds, id)) + (await r.hexists(KEYS.apiTokenLastUsed, id)) + names;
      }
      return (await pg('SELECT count(*)::int AS n FROM drover.api_token WHERE id = $1', [id])).rows[0].n;
    },
  };
}

/**
 * The audit log oldest first (the newest 500 at most), read through the audit's own list verb, so the
 * assertion holds on whichever store keeps the audit.
 */
export async function auditLog(action?: string): Promise<AuditEntry[]> {
  const { entries } = await listAudit(auditQuerySchema.parse({ limit: 500, action }));
  return entries.reverse();
}
