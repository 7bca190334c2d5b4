// The audit trail cannot be flooded: every entry is bounded, refusals are recorded (also before the
// input is parsed) and aggregate per actor and action, so a flood of denied calls keeps real entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureConnections, ctxAs } from '../helpers/console-env';
import { closeAllConnections } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { issueApiToken } from '@/lib/users/issue-api-token';
import { listAudit, auditQuerySchema } from '@/lib/audit/list-audit';
import { AUDIT_MAX_ENTRY_BYTES, boundAuditEntry, recordAudit } from '@/lib/audit/record-audit';
import * as pauseRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/pause/route';
import * as retryRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/jobs/[id]/retry/route';
import * as jobsRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/jobs/route';
import * as signOutRoute from '@/app/api/v1/me/sign-out-everywhere/route';

let redis: TestRedis;
let client: Redis;
let queue: Queue;
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

async function aggregationKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', 'drover:{console}:audit:agg:*', 'COUNT', 1000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

async function auditMemoryBytes(): Promise<number> {
  const keys = [KEYS.audit, KEYS.auditRepeats, KEYS.auditRepeatsIndex, ...(await aggregationKeys())];
  const sizes = await Promise.all(keys.map((k) => client.memory('USAGE', k)));
  return sizes.reduce<number>((sum, n) => sum + Number(n ?? 0), 0);
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  await configureConnections([{ name: 'main', url: redis.url }]);
  queue = new Queue('ledger', { connection: { url: redis.url } });
  await queue.add('j', {});
});

afterAll(async () => {
  await queue.close();
  await closeAllConnections();
  await redis.stop();
});

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

describe('refusals are recorded and aggregated', () => {
  it('bad path parameters and bad query strings of a signed-in caller leave an entry', async () => {
    const { token } = await issueApiToken(admin, { name: 'prober', role: 'viewer' });
    const res = await jobsRoute.GET(new Request('http://console.test/x?state=nonsense', { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({ conn: 'main', queue: 'a:b' }) } as never);
    expect(res.status).toBe(400);
    const entries = (await listAudit(auditQuerySchema.parse({ user: 'token:prober' }))).entries;
    expect(entries[0]).toMatchObject({ actor: 'token:prober', outcome: 'invalid', action: 'jobs.list', message: expect.stringMatching(/^Invalid path/) });
  });

  it('20,000 denied and invalid calls with 50 KB bodies keep the audit under its bound and the last real mutation listed', async () => {
    const { token: viewer } = await issueApiToken(admin, { name: 'flooder', role: 'viewer' });
    const { token: operator } = await issueApiToken(admin, { name: 'worker-bee', role: 'operator' });
    expect((await call(pauseRoute.POST as Handler, operator, { conn: 'main', queue: 'ledger' })).status).toBe(200);
    const before = await client.xlen(KEYS.audit);
    const fat = JSON.stringify({ name: 42, data: { blob: 'x'.repeat(50 * 1024) } });

    const denied = await flood(10_000, 50, (i) => call(retryRoute.POST as Handler, viewer, { conn: 'main', queue: 'ledger', id: String(i) }, { body: fat }));
    const invalid = await flood(10_000, 50, () => call(jobsRoute.POST as Handler, operator, { conn: 'main', queue: 'ledger' }, { body: fat }));
    expect(denied.get(403)).toBe(10_000);
    expect(invalid.get(400)).toBe(10_000);

    // Two aggregated entries (one per actor and action), not 20,000.
    expect((await client.xlen(KEYS.audit)) - before).toBeLessThanOrEqual(4);
    expect(await auditMemoryBytes()).toBeLessThan(64 * 1024);
    const page = await listAudit(auditQuerySchema.parse({ limit: 50 }));
    expect(page.entries.find((e) => e.action === 'job.retry' && e.outcome === 'denied')?.repeats?.count).toBe(10_000);
    expect(page.entries.find((e) => e.action === 'job.add' && e.outcome === 'invalid')?.repeats?.count).toBe(10_000);
    expect(page.entries.find((e) => e.outcome === 'ok' && e.action === 'queue.pause')).toMatchObject({ actor: 'token:worker-bee', queue: 'ledger' });
    for (const [, fields] of await client.xrange(KEYS.audit, '-', '+')) expect(Buffer.byteLength(fields[1])).toBeLessThanOrEqual(AUDIT_MAX_ENTRY_BYTES);
  });

  it('calls that failed and changed nothing (404, 409) aggregate too: a token flooding them keeps real entries', async () => {
    const { token: viewer } = await issueApiToken(admin, { name: 'signout-flooder', role: 'viewer' });
    const { token: operator } = await issueApiToken(admin, { name: 'ghost-retrier', role: 'operator' });
    const before = await client.xlen(KEYS.audit);
    // A token has no sessions to end (409); a job that does not exist cannot be retried (404).
    const conflicts = await flood(2000, 50, () => call(signOutRoute.POST as Handler, viewer, {}));
    const missing = await flood(2000, 50, (i) => call(retryRoute.POST as Handler, operator, { conn: 'main', queue: 'ledger', id: `ghost-${i}` }));
    expect(conflicts.get(409)).toBe(2000);
    expect(missing.get(404)).toBe(2000);
    expect((await client.xlen(KEYS.audit)) - before).toBeLessThanOrEqual(2);
    const page = await listAudit(auditQuerySchema.parse({ outcome: 'refused', limit: 50 }));
    expect(page.entries.find((e) => e.action === 'session.revoke-all')?.repeats?.count).toBe(2000);
    expect(page.entries.find((e) => e.action === 'job.retry' && e.actor === 'token:ghost-retrier')?.repeats?.count).toBe(2000);
  });

  it('a refusal after the window starts a new entry; real mutations are never aggregated', async () => {
    const base = { actor: 'window@test', role: 'viewer', via: 'api' as const, action: 'queue.drain', outcome: 'denied' as const };
    const first = await recordAudit(base);
    expect((await recordAudit(base)).id).toBe(first.id);
    // The window ends (as when the key expires).
    await client.del(...(await aggregationKeys()));
    expect((await recordAudit(base)).id).not.toBe(first.id);
    const ok = { ...base, outcome: 'ok' as const };
    expect((await recordAudit(ok)).id).not.toBe((await recordAudit(ok)).id);
  });

  it('aggregation counts are forgotten with the entries the stream trims', async () => {
    await client.del(KEYS.audit, KEYS.auditRepeats, KEYS.auditRepeatsIndex);
    process.env.DROVER_AUDIT_MAX_ENTRIES = '1000';
    try {
      for (let i = 0; i < 50; i++) await recordAudit({ actor: `a${i}@test`, role: 'viewer', via: 'api', action: 'queue.drain', outcome: 'denied' });
      expect(await client.hlen(KEYS.auditRepeats)).toBe(50);
      for (let i = 0; i < 3000; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => recordAudit({ actor: 'busy@test', role: 'operator', via: 'api', action: `job.retry`, jobIds: [String(i + j)], outcome: 'ok' })));
      expect(await client.xlen(KEYS.audit)).toBeLessThan(1200);
      expect(await client.hlen(KEYS.auditRepeats)).toBe(0);
      expect(await client.zcard(KEYS.auditRepeatsIndex)).toBe(0);
    } finally {
      delete process.env.DROVER_AUDIT_MAX_ENTRIES;
    }
  });
});
