// PostgreSQL records, review findings: what one process writes in order reaches the database in that
// order (Redis runs one connection's commands in order; a pool runs transactions side by side), and the
// audit's write probe refuses when the database cannot take a write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { DroverDb } from '@/lib/store/postgres/drover-db';
import { PostgresConnectionRecords } from '@/lib/store/postgres/connection-records';
import { PostgresAuditStore } from '@/lib/store/postgres/console/audit';
import { PostgresSigninLimits } from '@/lib/store/postgres/console/signin-limits';
import type { Connection } from '@/lib/redis/connections';

let server: TestPostgres;
let db: DroverDb;

beforeAll(async () => {
  server = await startTestPostgres();
  db = new DroverDb({ pool: server.pool({ max: 10 }), where: 'PostgreSQL connection "review"' });
  await db.ready();
});

afterAll(async () => {
  await server?.stop();
});

describe('attempt records on PostgreSQL', () => {
  it('a run’s end sent while its start is still being written replaces the start (one record per run)', async () => {
    const records = new PostgresConnectionRecords({ db, bullmqSchema: 'bullmq' });
    const runs = Array.from({ length: 30 }, (_, i) => ({ queue: 'q', jobId: `job-${i}`, attempt: 1, startedAt: 1000 + i }));
    // The recorder flushes every 20 ms without waiting for the previous flush: a start and its end
    // can be in two batches in flight together.
    await Promise.all(
      runs.flatMap((r) => [
        records.writeAttempts([{ ...r, kind: 's', record: JSON.stringify({ attempt: 1, startedAt: r.startedAt, state: 'running' }) }], 25, 60_000),
        records.writeAttempts([{ ...r, kind: 'e', record: JSON.stringify({ attempt: 1, startedAt: r.startedAt, state: 'completed' }) }], 25, 60_000),
      ]),
    );
    const lists = await records.attemptLists('q', runs.map((r) => r.jobId), 25);
    for (const list of lists) {
      expect(list).toHaveLength(1);
      expect(JSON.parse(list![0]).state).toBe('completed');
    }
  });
});

describe('the audit’s write probe on PostgreSQL', () => {
  it('refuses when the database takes no writes (a read-only standby or default_transaction_read_only)', async () => {
    const readOnly = new DroverDb({ pool: server.pool({ options: '-c default_transaction_read_only=on' }), where: 'PostgreSQL connection "ro"', connection: 'ro' });
    const audit = new PostgresAuditStore(readOnly);
    await expect(audit.append({ json: '{}', ts: Date.now(), aggregateDigest: null, windowMs: 1000, maxEntries: 100 })).rejects.toThrow();
    await expect(audit.probeWrite()).rejects.toThrow();
  });

  it('counts a repeat of an aggregated entry without waiting for its digest’s lock (a flood of refusals holds no pooled connection)', async () => {
    const audit = new PostgresAuditStore(db);
    const ts = Date.now();
    const refusal = (at: number) => audit.append({ json: '{"outcome":"denied"}', ts: at, aggregateDigest: 'viewer|job.retry|denied', windowMs: 600_000, maxEntries: 1000 });
    const first = await refusal(ts);
    const holder = await server.pool().connect();
    try {
      // Another append of this digest is in progress (or many are queued).
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', ['drover.audit.aggregate:viewer|job.retry|denied']);
      const repeat = await Promise.race([refusal(ts + 1), new Promise((resolve) => setTimeout(() => resolve('waited on the lock'), 2_000))]);
      expect(repeat).toEqual({ id: first.id, count: 2 });
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
    // Parallel repeats still count exactly.
    await Promise.all(Array.from({ length: 20 }, (_, i) => refusal(ts + 2 + i)));
    expect((await audit.repeats([first.id]))[0]).toMatchObject({ count: 22, first: ts, last: expect.any(Number) });
  });

  it('passes on a writable database', async () => {
    await new PostgresAuditStore(db).probeWrite();
  });
});

describe('attempt history cap on PostgreSQL', () => {
  it('keeps the newest 25 runs of a job written one batch at a time (each batch refreshing the older runs’ expiry)', async () => {
    const records = new PostgresConnectionRecords({ db, bullmqSchema: 'bullmq' });
    for (let i = 1; i <= 30; i++) {
      await records.writeAttempts([{ queue: 'q', jobId: 'capped', kind: 'r', attempt: i, startedAt: 5000 + i, record: JSON.stringify({ attempt: i, startedAt: 5000 + i }) }], 25, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const [list] = await records.attemptLists('q', ['capped'], 100);
    expect(list).toHaveLength(25);
    expect(JSON.parse(list![0]).attempt).toBe(30);
    const { rows } = await server.pool().query(`SELECT count(*)::int AS n FROM drover.job_attempt WHERE job_id = 'capped'`);
    expect(rows[0].n).toBe(25);
  });
});

describe('sign-in limits on PostgreSQL', () => {
  it('refuses an attempt on a full window without waiting for the window’s lock (a flood of refused guesses holds no pooled connection)', async () => {
    const limits = new PostgresSigninLimits({ drover: db } as unknown as Connection);
    const windows = [{ scope: 'ip' as const, id: '203.0.113.9' }, { scope: 'account' as const, id: 'victim@test' }];
    const now = Date.now();
    const reserve = (member: string, at: number) => limits.reserve({ windows, member, now: at, windowMs: 15 * 60_000, limit: 10 });
    for (let i = 0; i < 10; i++) expect(await reserve(`m${i}`, now + i)).toEqual({ ok: true });
    // Another session holds the address window's lock (a reservation in progress, or many queued).
    const holder = await server.pool().connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', ['drover.signin_failure:ip:203.0.113.9']);
      const started = Date.now();
      const refused = await Promise.race([reserve('late', now + 20), new Promise((resolve) => setTimeout(() => resolve('waited on the lock'), 2_000))]);
      expect(refused).toMatchObject({ ok: false, index: 0 });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
    // The refusal says when the fullest window frees up, as the locked path would.
    expect(await reserve('later', now + 30)).toMatchObject({ ok: false, index: 0, waitMs: 15 * 60_000 - 30 });
  });
});
