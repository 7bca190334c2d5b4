// The audit trail cannot be flooded: every entry is bounded, refusals are recorded (also before the
// input is parsed) and aggregate per actor and action, so a flood of denied calls keeps real entries.
// On both stores of the console connection; the queues are on the console's server too.
import { beforeAll, describe, expect, it } from 'vitest';
import { Queue, createPostgresBackend } from 'bullmq';
import { STORE_KINDS, type StoreKind } from '../helpers/stores';
import { consoleForThisFile, type TestConsole } from '../helpers/console-store';
import { ctxAs } from '../helpers/console-env';
import { KEYS } from '@/lib/keys';
import { getConsoleConnection } from '@/lib/redis/connections';
import { PG_POOL_MAX } from '@/lib/store/postgres/pg-pool';
import { allWithAtMost } from '../helpers/in-flight';
import { issueApiToken } from '@/lib/users/issue-api-token';
import { listAudit, auditQuerySchema } from '@/lib/audit/list-audit';
import { AUDIT_MAX_ENTRY_BYTES, boundAuditEntry, recordAudit } from '@/lib/audit/record-audit';
import * as pauseRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/pause/route';
import * as retryRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/jobs/[id]/retry/route';
import * as jobsRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/jobs/route';
import * as signOutRoute from '@/app/api/v1/me/sign-out-everywhere/route';

const admin = ctxAs('admin', 'boss@test');

type Handler = (r: Request, c: never) => Promise<Response>;
const call = (handler: Handler, token: string, params: Record<string, string>, init: RequestInit = {}, qs = '') =>
  handler(new Request(`http://console.test/x${qs}`, { method: 'POST', ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } }), { params: Promise.resolve(params) } as never);

/** Runs `count` calls, `width` at a time. */
async function flood(count: number, width: number, one: (i: number) => Promise<Response>): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  for (let i = 0; i < count; i += width) {
    const batch = await Promise.all(Array.from({ length: Math.min(width, count - i) }, (_, j) => one(i + j)));
    for (const res of batch) {
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      await res.body?.cancel();
    }
  }
  return statuses;
}

/** What the tests look at in each store, beside the API. */
type AuditPeek = {
  /** entries kept */
  entries(): Promise<number>;
  /** every entry's stored JSON (the tests keep the log small) */
  entryTexts(): Promise<string[]>;
  /** bytes the audit takes in the store */
  bytes(): Promise<number>;
  /** ends every aggregation window now (as time would) */
  endWindows(): Promise<void>;
  /** aggregation counts kept (of entries still in the log or not) */
  countsKept(): Promise<number>;
  /** empties the audit */
  clear(): Promise<void>;
};

function peekAudit(c: TestConsole): AuditPeek {
  if (c.kind === 'redis') {
    const client = () => c.redis();
    const aggregationKeys = async () => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await client().scan(cursor, 'MATCH', 'drover:{console}:audit:agg:*', 'COUNT', 1000);
        keys.push(...found);
        cursor = next;
      } while (cursor !== '0');
      return keys;
    };
    return {
      entries: () => client().xlen(KEYS.audit),
      entryTexts: async () => (await client().xrange(KEYS.audit, '-', '+')).map(([, fields]) => fields[1]),
      bytes: async () => {
        const keys = [KEYS.audit, KEYS.auditRepeats, KEYS.auditRepeatsIndex, ...(await aggregationKeys())];
        const sizes = await Promise.all(keys.map((k) => client().memory('USAGE', k)));
        return sizes.reduce<number>((sum, n) => sum + Number(n ?? 0), 0);
      },
      endWindows: async () => {
        const keys = await aggregationKeys();
        if (keys.length) await client().del(...keys);
      },
      countsKept: async () => {
        const [counts, index] = await Promise.all([client().hlen(KEYS.auditRepeats), client().zcard(KEYS.auditRepeatsIndex)]);
        // The index of entry times mirrors the counts (it is how trimmed entries' counts are found).
        expect(index).toBe(counts);
        return counts;
      },
      clear: async () => {
        await client().del(KEYS.audit, KEYS.auditRepeats, KEYS.auditRepeatsIndex);
      },
    };
  }
  const one = async (sql: string) => Number((await c.pool().query<{ n: string }>(sql)).rows[0].n);
  return {
    entries: () => one('SELECT count(*) AS n FROM drover.audit'),
    entryTexts: async () => (await c.pool().query<{ entry: string }>('SELECT entry FROM drover.audit ORDER BY id')).rows.map((r) => r.entry),
    // The rows' data (the table's pages are allocated 8 KB at a time, whatever they hold).
    bytes: () => one(`SELECT (SELECT coalesce(sum(pg_column_size(a.*)), 0) FROM drover.audit a) + (SELECT coalesce(sum(pg_column_size(g.*)), 0) FROM drover.audit_aggregate g) AS n`),
    endWindows: async () => {
      await c.pool().query('UPDATE drover.audit_aggregate SET expires_at = 0');
    },
    countsKept: () => one('SELECT count(*) AS n FROM drover.audit WHERE repeat_count IS NOT NULL'),
    clear: () => c.reset(),
  };
}

function ledgerQueue(kind: StoreKind, url: string): Queue {
  if (kind === 'redis') return new Queue('ledger', { connection: { url } });
  return new Queue('ledger', { connection: { connectionString: url, migrate: true } }, createPostgresBackend) as unknown as Queue;
}

describe('bounded entries', () => {
  it('no entry exceeds the bound, whatever the caller sent; secrets stay redacted', () => {
    const hostile = {
      actor: 'a'.repeat(10_000),
      role: 'viewer',
      via: 'api' as const,
      action: 'x'.repeat(5000),
      connection: 'c'.repeat(5000),
      queue: 'q'.repeat(5000),
      jobIds: Array.from({ length: 100_000 }, (_, i) => `${i}`.padStart(500, '0')),
      params: { password: 'hunter2', ...Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`p${i}`, 'v'.repeat(50_000)])) },
      outcome: 'invalid' as const,
      message: 'ü'.repeat(1_000_000),
    };
    const json = boundAuditEntry(hostile, Date.now());
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(AUDIT_MAX_ENTRY_BYTES);
    const parsed = JSON.parse(json);
    expect(parsed).toMatchObject({ role: 'viewer', outcome: 'invalid' });
    expect(json).not.toContain('hunter2');
    // An ordinary entry keeps its details.
    const normal = JSON.parse(boundAuditEntry({ actor: 'op@test', role: 'operator', via: 'ui', action: 'job.retry', connection: 'main', queue: 'q', jobIds: ['1', '2'], params: { password: 'x', state: 'failed' }, outcome: 'ok' }, 1));
    expect(normal).toMatchObject({ actor: 'op@test', action: 'job.retry', jobIds: ['1', '2'], count: 2, params: { password: '[redacted]', state: 'failed' } });
  });
});

describe.each(STORE_KINDS)('refusals are recorded and aggregated on %s', (kind) => {
  const c = consoleForThisFile(kind, ({ url }) => [{ name: 'main', url }]);
  const peek = peekAudit(c);

  beforeAll(async () => {
    const queue = c.track(ledgerQueue(kind, c.url));
    await queue.add('j', {});
  });

  it('bad path parameters and bad query strings of a signed-in caller leave an entry', async () => {
    const { token } = await issueApiToken(admin, { name: 'prober', role: 'viewer' });
    const res = await jobsRoute.GET(new Request('http://console.test/x?state=nonsense', { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({ conn: 'main', queue: 'a:b' }) } as never);
    expect(res.status).toBe(400);
    const entries = (await listAudit(auditQuerySchema.parse({ user: 'token:prober' }))).entries;
    expect(entries[0]).toMatchObject({ actor: 'token:prober', outcome: 'invalid', action: 'jobs.list', message: expect.stringMatching(/^Invalid path/) });
  });

  // 20,000 authenticated calls (a token lookup and an audit append each): a bound, not a speed check, so
  // room for a busy 2-core machine where PostgreSQL's round trips are slower than Redis's.
  it('20,000 denied and invalid calls with 50 KB bodies keep the audit under its bound and the last real mutation listed', { timeout: 300_000 }, async () => {
    const { token: viewer } = await issueApiToken(admin, { name: 'flooder', role: 'viewer' });
    const { token: operator } = await issueApiToken(admin, { name: 'worker-bee', role: 'operator' });
    expect((await call(pauseRoute.POST as Handler, operator, { conn: 'main', queue: 'ledger' })).status).toBe(200);
    const before = await peek.entries();
    const fat = JSON.stringify({ name: 42, data: { blob: 'x'.repeat(50 * 1024) } });

    const denied = await flood(10_000, 50, (i) => call(retryRoute.POST as Handler, viewer, { conn: 'main', queue: 'ledger', id: String(i) }, { body: fat }));
    const invalid = await flood(10_000, 50, () => call(jobsRoute.POST as Handler, operator, { conn: 'main', queue: 'ledger' }, { body: fat }));
    expect(denied.get(403)).toBe(10_000);
    expect(invalid.get(400)).toBe(10_000);

    // Two aggregated entries (one per actor and action), not 20,000.
    expect((await peek.entries()) - before).toBeLessThanOrEqual(4);
    expect(await peek.bytes()).toBeLessThan(64 * 1024);
    const page = await listAudit(auditQuerySchema.parse({ limit: 50 }));
    expect(page.entries.find((e) => e.action === 'job.retry' && e.outcome === 'denied')?.repeats?.count).toBe(10_000);
    expect(page.entries.find((e) => e.action === 'job.add' && e.outcome === 'invalid')?.repeats?.count).toBe(10_000);
    expect(page.entries.find((e) => e.outcome === 'ok' && e.action === 'queue.pause')).toMatchObject({ actor: 'token:worker-bee', queue: 'ledger' });
    for (const text of await peek.entryTexts()) expect(Buffer.byteLength(text)).toBeLessThanOrEqual(AUDIT_MAX_ENTRY_BYTES);
  });

  it('calls that failed and changed nothing (404, 409) aggregate too: a token flooding them keeps real entries', async () => {
    const { token: viewer } = await issueApiToken(admin, { name: 'signout-flooder', role: 'viewer' });
    const { token: operator } = await issueApiToken(admin, { name: 'ghost-retrier', role: 'operator' });
    const before = await peek.entries();
    // A token has no sessions to end (409); a job that does not exist cannot be retried (404).
    const conflicts = await flood(2000, 50, () => call(signOutRoute.POST as Handler, viewer, {}));
    const missing = await flood(2000, 50, (i) => call(retryRoute.POST as Handler, operator, { conn: 'main', queue: 'ledger', id: `ghost-${i}` }));
    expect(conflicts.get(409)).toBe(2000);
    expect(missing.get(404)).toBe(2000);
    expect((await peek.entries()) - before).toBeLessThanOrEqual(2);
    const page = await listAudit(auditQuerySchema.parse({ outcome: 'refused', limit: 50 }));
    expect(page.entries.find((e) => e.action === 'session.revoke-all')?.repeats?.count).toBe(2000);
    expect(page.entries.find((e) => e.action === 'job.retry' && e.actor === 'token:ghost-retrier')?.repeats?.count).toBe(2000);
  });

  it('a refusal after the window starts a new entry; real mutations are never aggregated', async () => {
    const base = { actor: 'window@test', role: 'viewer', via: 'api' as const, action: 'queue.drain', outcome: 'denied' as const };
    const first = await recordAudit(base);
    expect((await recordAudit(base)).id).toBe(first.id);
    // The window ends (as time would end it).
    await peek.endWindows();
    expect((await recordAudit(base)).id).not.toBe(first.id);
    const ok = { ...base, outcome: 'ok' as const };
    expect((await recordAudit(ok)).id).not.toBe((await recordAudit(ok)).id);
  });

  it('aggregation counts are forgotten with the entries the stream trims', async () => {
    await peek.clear();
    process.env.DROVER_AUDIT_MAX_ENTRIES = '1000';
    try {
      for (let i = 0; i < 50; i++) await recordAudit({ actor: `a${i}@test`, role: 'viewer', via: 'api', action: 'queue.drain', outcome: 'denied' });
      expect(await peek.countsKept()).toBe(50);
      for (let i = 0; i < 3000; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => recordAudit({ actor: 'busy@test', role: 'operator', via: 'api', action: `job.retry`, jobIds: [String(i + j)], outcome: 'ok' })));
      expect(await peek.entries()).toBeLessThan(1200);
      expect(await peek.countsKept()).toBe(0);
    } finally {
      delete process.env.DROVER_AUDIT_MAX_ENTRIES;
    }
  });
});

/** Calls in flight at once: more than the pool holds, few enough that none waits 5 s for a connection on a loaded machine. */
const IN_FLIGHT = 2 * PG_POOL_MAX;

describe('on PostgreSQL: parallel appends', () => {
  const c = consoleForThisFile('postgres');
  const peek = peekAudit(c);

  it('parallel refusals of one actor and action aggregate into one entry with the exact count', async () => {
    await peek.clear();
    const refusal = { actor: 'parallel@test', role: 'viewer', via: 'api' as const, action: 'queue.drain', outcome: 'denied' as const };
    // Every pooled connection open first, so the first calls really run side by side.
    await Promise.all(Array.from({ length: PG_POOL_MAX }, () => getConsoleConnection().drover.rows('SELECT pg_sleep(0.05)')));
    // 400 calls, twice the pool in flight at a time: they queue for connections and race on the entry.
    const results = await allWithAtMost(IN_FLIGHT, 400, () => recordAudit(refusal));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    // Each call saw its own count: no two calls read the same one.
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    expect(await peek.entries()).toBe(1);
    const [entry] = (await listAudit(auditQuerySchema.parse({ user: 'parallel@test' }))).entries;
    expect(entry.repeats?.count).toBe(400);
    expect(entry.repeats!.first).toBeLessThanOrEqual(entry.repeats!.last);
  });

  it('the cap deletes the oldest entries at most 1,000 per append, and holds under parallel appends', async () => {
    await peek.clear();
    const ok = (i: number) => ({ actor: 'busy@test', role: 'operator', via: 'api' as const, action: 'job.retry', jobIds: [String(i)], outcome: 'ok' as const });
    process.env.DROVER_AUDIT_MAX_ENTRIES = '5000';
    try {
      for (let i = 0; i < 3000; i += 100) await allWithAtMost(IN_FLIGHT, 100, (j) => recordAudit(ok(i + j)));
      expect(await peek.entries()).toBe(3000);
      // A lower cap: one append removes one batch, not the whole backlog.
      process.env.DROVER_AUDIT_MAX_ENTRIES = '1000';
      await recordAudit(ok(3000));
      expect(await peek.entries()).toBe(2001);
      for (let i = 3001; i < 6000; i += 100) await allWithAtMost(IN_FLIGHT, 100, (j) => recordAudit(ok(i + j)));
      await recordAudit(ok(6000));
      expect(await peek.entries()).toBeLessThanOrEqual(1000);
      // The newest are the ones kept, and the page still reads them newest first.
      const page = await listAudit(auditQuerySchema.parse({ limit: 5 }));
      expect(page.entries[0].jobIds).toEqual(['6000']);
      expect(page.total).toBe(await peek.entries());
    } finally {
      delete process.env.DROVER_AUDIT_MAX_ENTRIES;
    }
  });

  it('pages continue by keyset from the cursor, newest first, with the time filters', async () => {
    await peek.clear();
    for (let i = 0; i < 30; i++) await recordAudit({ actor: 'pager@test', role: 'operator', via: 'api', action: 'job.retry', jobIds: [String(i)], outcome: 'ok' });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAudit(auditQuerySchema.parse({ limit: 7, cursor }));
      seen.push(...page.entries.map((e) => e.jobIds![0]));
      cursor = page.cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => String(29 - i)));
    const all = (await listAudit(auditQuerySchema.parse({ limit: 30 }))).entries;
    const middle = all[15].ts;
    const from = await listAudit(auditQuerySchema.parse({ from: middle, limit: 100 }));
    expect(from.entries.every((e) => e.ts >= middle)).toBe(true);
    const to = await listAudit(auditQuerySchema.parse({ to: middle, limit: 100 }));
    expect(to.entries.every((e) => e.ts <= middle)).toBe(true);
    expect(from.entries.length + to.entries.length).toBeGreaterThanOrEqual(30);
    // A cursor no entry id can be (past PostgreSQL's bigint, or Redis's ms) is a 400 with the field, not a 500.
    for (const cursor of ['1-99999999999999999999', '99999999999999999-1']) {
      const parsed = auditQuerySchema.safeParse({ cursor });
      expect([parsed.success, parsed.error?.issues[0].message]).toEqual([false, 'cursor must be an audit entry id']);
    }
  });
});
