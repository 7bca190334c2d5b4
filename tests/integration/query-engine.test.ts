// The job query language end to end on both stores (one suite, parameterized by store): search pages with
// a compound query, the dry-run count, and bulk actions on everything a query matches — rate honoured,
// a job that changes state mid-run skipped, pause/resume, cancel, refusals, the bound on running
// operations — with data built through BullMQ's API on a real redis-server and a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Queue } from 'bullmq';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { ctxAs } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { lastAudit } from '../helpers/audit';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { searchJobs, type SearchMatch } from '@/lib/jobs/search-jobs';
import { searchQuerySchema } from '@/lib/jobs/schemas';
import { countQuery } from '@/lib/jobs/query/count-query';
import { BULK_QUERY_MAX_RUNNING, controlBulkQuery, getBulkQueryStatus, startBulkOnQuery } from '@/lib/jobs/query/bulk-query';
import { bulkQueryInputSchema, countQuerySchema, type BulkQueryStatus } from '@/lib/jobs/query/schemas';
import { auditQuerySchema, listAudit } from '@/lib/audit/list-audit';

/** The newest audit entry of one action (a control call and the run it ends may be audited in either order). */
async function lastAuditOf(action: string): Promise<Record<string, unknown>> {
  // The filter matches action names by prefix (jobs.bulkQuery also finds jobs.bulkQueryControl).
  const { entries } = await listAudit(auditQuerySchema.parse({ action, limit: 20 }));
  return entries.find((e) => e.action === action) as Record<string, unknown>;
}

const operator = ctxAs('operator', 'op@test');
const admin = ctxAs('admin', 'boss@test');
const TERMINAL = ['done', 'cancelled', 'failed'];

describe.each(STORE_KINDS)('the job query language on %s', (kind) => {
  let store: TestStore;
  const conn = () => getConnection('main');

  async function searchAll(queue: string, q: string, state = 'all', order = 'newest'): Promise<SearchMatch[]> {
    const matches: SearchMatch[] = [];
    let cursor: string | undefined;
    let calls = 0;
    do {
      const chunk = await searchJobs(conn(), queue, searchQuerySchema.parse({ q, state, cursor, order }));
      matches.push(...chunk.matches);
      cursor = chunk.cursor ?? undefined;
    } while (cursor && ++calls < 1000);
    return matches;
  }

  async function countAll(queue: string, q: string, state = 'all') {
    let cursor: string | undefined;
    let steps = 0;
    for (;;) {
      const answer = await countQuery(conn(), queue, countQuerySchema.parse({ q, state, cursor }));
      steps += 1;
      if (answer.cursor === null) return { ...answer, steps };
      cursor = answer.cursor;
    }
  }

  /** Jobs failed by a worker: each job's data says what it throws. */
  async function failAll(queue: Queue, jobs: Array<{ name: string; data: Record<string, unknown> }>): Promise<string[]> {
    const added = await queue.addBulk(jobs.map((j) => ({ ...j, opts: { attempts: 1 } })));
    const ids = new Set(added.map((j) => j.id!));
    const finished = new Set<string>();
    const worker = store.worker(
      queue.name,
      async (job: Job) => {
        throw new Error(String(job.data.error ?? 'boom'));
      },
      { concurrency: 50 },
    );
    worker.on('failed', (job) => job && ids.has(job.id!) && finished.add(job.id!));
    await waitFor(() => finished.size === ids.size, { timeout: 60_000, what: `${ids.size} jobs of ${queue.name} to fail` });
    await worker.close();
    return [...ids];
  }

  async function finish(id: string): Promise<BulkQueryStatus> {
    return waitFor(
      async () => {
        const s = await getBulkQueryStatus(id);
        return TERMINAL.includes(s.phase) && s.finishedAt !== null ? s : null;
      },
      { timeout: 60_000, interval: 50, what: `bulk operation ${id} to end` },
    ) as Promise<BulkQueryStatus>;
  }

  const start = (queue: string, body: Record<string, unknown>, ctx = operator) =>
    startBulkOnQuery(ctx, { conn: 'main', queue }, bulkQueryInputSchema.parse({ operationId: crypto.randomUUID(), ...body }));

  beforeAll(async () => {
    store = await startConfiguredStore(kind);
  });

  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  describe('search and count', () => {
    const ids: Record<string, string[]> = {};
    beforeAll(async () => {
      const mail = store.queue('mail');
      const job = (plan: string, error: string, i: number) => ({ name: 'send-email', data: { user: { plan, id: i }, amount: i * 10, error } });
      ids.target = await failAll(mail, Array.from({ length: 12 }, (_, i) => job('business', `connect ECONNREFUSED 10.0.0.${i}:25`, i)));
      ids.free = await failAll(mail, Array.from({ length: 5 }, (_, i) => job('free', 'connect ECONNREFUSED 10.0.0.9:25', 100 + i)));
      ids.timeout = await failAll(mail, Array.from({ length: 4 }, (_, i) => job('business', 'socket timeout', 200 + i)));
      ids.sms = await failAll(mail, [{ name: 'send-sms', data: { user: { plan: 'business' }, error: 'ECONNREFUSED' } }]);
      ids.waiting = (await mail.addBulk(Array.from({ length: 6 }, (_, i) => ({ name: 'send-email', data: { user: { plan: 'business' }, amount: 100_000 + i } })))).map((j) => j.id!);
    });

    it('finds exactly the failed send-email jobs of business users whose error mentions ECONNREFUSED', async () => {
      const matches = await searchAll('mail', 'state:failed name:send-email error:~ECONNREFUSED data.user.plan:business');
      expect(matches.map((m) => m.id).sort()).toEqual([...ids.target].sort());
      expect(new Set(matches.map((m) => m.state))).toEqual(new Set(['failed']));
    });

    it('combines prefix names, negation, numeric comparison and free words', async () => {
      const ids_ = async (q: string) => (await searchAll('mail', q)).map((m) => m.id).sort();
      expect(await ids_('name:send-* -name:send-email')).toEqual(ids.sms);
      expect(await ids_('state:failed -data.user.plan:business')).toEqual([...ids.free].sort());
      expect(await ids_('data.amount:>=100000')).toEqual([...ids.waiting].sort());
      expect(await ids_('state:failed timeout')).toEqual([...ids.timeout].sort());
      expect(await ids_('state:waiting,failed data.amount:<20 name:send-email')).toHaveLength(2);
      expect(await ids_(`id:${ids.sms[0]} state:failed`)).toEqual(ids.sms);
      expect(await ids_(`id:${ids.sms[0]} state:waiting`)).toEqual([]);
      expect(await ids_('finished:>-1h state:failed name:send-sms')).toEqual(ids.sms);
      expect(await ids_('finished:<-1h')).toEqual([]);
    });

    it('orders the matches oldest first when asked (a view’s order), the exact reverse within a state', async () => {
      const q = 'state:failed name:send-email';
      const newest = (await searchAll('mail', q)).map((m) => m.id);
      const oldest = (await searchAll('mail', q, 'all', 'oldest')).map((m) => m.id);
      expect(newest).toHaveLength(ids.target.length + ids.free.length + ids.timeout.length);
      expect(oldest).toEqual([...newest].reverse());
    });

    it('answers a malformed query with a 400 naming the position, never a 500', async () => {
      await expect(searchAll('mail', 'stat:failed')).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/stat.* at 1.*state/) });
      await expect(countAll('mail', 'state:faild')).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/faild/) });
    });

    it('counts the matches of a query, per state, exact when the count ends', async () => {
      const count = await countAll('mail', 'name:send-email data.user.plan:business');
      expect(count.matched).toBe(ids.target.length + ids.timeout.length + ids.waiting.length);
      expect(count.byState).toEqual({ failed: ids.target.length + ids.timeout.length, waiting: ids.waiting.length });
      expect((await countAll('mail', 'error:~ECONNREFUSED', 'failed')).matched).toBe(ids.target.length + ids.free.length + ids.sms.length);
    });
  });

  describe('bulk actions on a query', () => {
    it('retries every match once at the rate asked (within 10%), skips the rest, and is audited once with the query and counts', async () => {
      const queue = store.queue('retry-q');
      const hit = await failAll(queue, Array.from({ length: 60 }, (_, i) => ({ name: 'charge', data: { i, error: 'ECONNREFUSED' } })));
      const miss = await failAll(queue, Array.from({ length: 10 }, (_, i) => ({ name: 'charge', data: { i, error: 'card declined' } })));
      const started = Date.now();
      const { operationId } = await start('retry-q', { q: 'state:failed error:~ECONNREFUSED', action: 'retry', rate: 40 });
      const status = await finish(operationId);
      const elapsed = (Date.now() - started) / 1000;
      expect(status).toMatchObject({ phase: 'done', matched: 60, succeeded: 60, skipped: 0, failed: 0 });
      // 60 jobs at 40/s: the first batch goes at once, the rest paced — about 1.4 s; never faster than 10% over the rate.
      expect(60 / elapsed).toBeLessThanOrEqual(40 * 1.1);
      const waiting = (await queue.getJobs(['waiting'], 0, 1000)).map((j) => j.id!);
      expect(waiting.sort()).toEqual([...hit].sort());
      expect(new Set(waiting).size).toBe(waiting.length);
      expect((await queue.getJobs(['failed'], 0, 1000)).map((j) => j.id!).sort()).toEqual([...miss].sort());
      expect(await lastAudit()).toMatchObject({
        action: 'jobs.bulkQuery',
        outcome: 'ok',
        actor: 'op@test',
        queue: 'retry-q',
        count: 60,
        params: expect.objectContaining({ query: 'state:failed error:~ECONNREFUSED', action: 'retry', rate: 40, matched: 60, succeeded: 60, skipped: 0, failed: 0 }),
      });
    });

    it('skips a job that changed state while the operation ran, and pauses and resumes between batches', async () => {
      const queue = store.queue('moving-q');
      const ids = await failAll(queue, Array.from({ length: 40 }, (_, i) => ({ name: 'sync', data: { i } })));
      const { operationId } = await start('moving-q', { q: 'state:failed name:sync', action: 'remove', rate: 10 }, admin);
      await waitFor(async () => (await getBulkQueryStatus(operationId)).done >= 5, { timeout: 30_000, what: 'five jobs handled' });
      await controlBulkQuery(admin, operationId, 'pause');
      await waitFor(async () => (await getBulkQueryStatus(operationId)).phase === 'paused', { what: 'the pause' });
      const pausedAt = (await getBulkQueryStatus(operationId)).done;
      // While paused, another operator retries one job the operation has not reached (the newest finished go first).
      const remaining = [];
      for (const id of ids) if ((await queue.getJobState(id)) === 'failed') remaining.push(id);
      const moved = remaining[0];
      await (await queue.getJob(moved))!.retry('failed');
      await new Promise((r) => setTimeout(r, 600));
      expect((await getBulkQueryStatus(operationId)).done).toBe(pausedAt);
      await controlBulkQuery(admin, operationId, 'resume');
      const status = await finish(operationId);
      expect(status).toMatchObject({ phase: 'done', matched: 40, succeeded: 39, skipped: 1, failed: 0 });
      expect(status.problems).toEqual([{ id: moved, outcome: 'skipped', reason: 'was failed, now waiting' }]);
      expect(await queue.getJobState(moved)).toBe('waiting');
      expect(await queue.getFailedCount()).toBe(0);
    });

    it('stops at a cancel between batches: jobs not reached stay as they were', async () => {
      const queue = store.queue('cancel-q');
      await failAll(queue, Array.from({ length: 50 }, (_, i) => ({ name: 'slow', data: { i } })));
      const { operationId } = await start('cancel-q', { q: 'state:failed', action: 'retry', rate: 10 });
      await waitFor(async () => (await getBulkQueryStatus(operationId)).done >= 3, { timeout: 30_000, what: 'three jobs handled' });
      await controlBulkQuery(operator, operationId, 'cancel');
      const status = await finish(operationId);
      expect(status.phase).toBe('cancelled');
      expect(status.done).toBeLessThan(50);
      expect(await queue.getWaitingCount()).toBe(status.succeeded);
      expect(await queue.getFailedCount()).toBe(50 - status.succeeded);
      expect(await lastAuditOf('jobs.bulkQuery')).toMatchObject({ action: 'jobs.bulkQuery', outcome: 'ok', params: expect.objectContaining({ outcome: 'cancelled', succeeded: status.succeeded }) });
      expect(await lastAuditOf('jobs.bulkQueryControl')).toMatchObject({ outcome: 'ok', params: { operationId, command: 'cancel' } });
      await expect(controlBulkQuery(operator, operationId, 'resume')).rejects.toMatchObject({ status: 409 });
    });

    it('refuses below admin, at once and audited, to remove or fail with a query that walks jobs that have not run', async () => {
      const queue = store.queue('unrun-q');
      await queue.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'todo', data: { i } })));
      await expect(start('unrun-q', { q: 'name:todo', action: 'remove' })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/walks waiting, delayed, prioritized, waiting-children\); .*needs the admin role/) });
      expect(await queue.getWaitingCount()).toBe(5);
      expect(await lastAudit()).toMatchObject({ action: 'jobs.bulkQuery', outcome: 'denied', params: expect.objectContaining({ query: 'name:todo', action: 'remove' }) });
      await expect(start('unrun-q', { q: 'name:todo state:waiting', action: 'fail' })).rejects.toMatchObject({ status: 403 });
      // Narrowed to finished states it runs (nothing matches there); an admin may remove waiting jobs.
      expect((await finish((await start('unrun-q', { q: 'name:todo state:failed', action: 'remove' })).operationId)).phase).toBe('done');
      expect(await finish((await start('unrun-q', { q: 'name:todo', action: 'remove' }, admin)).operationId)).toMatchObject({ phase: 'done', succeeded: 5 });
      expect(await queue.getWaitingCount()).toBe(0);
      // A malformed query and a viewer are refused at once, and audited.
      await expect(start('unrun-q', { q: 'nme:todo', action: 'retry' })).rejects.toMatchObject({ status: 400 });
      expect(await lastAudit()).toMatchObject({ action: 'jobs.bulkQuery', outcome: 'invalid' });
      await expect(start('unrun-q', { q: 'name:todo', action: 'retry' }, ctxAs('viewer', 'v@test'))).rejects.toMatchObject({ status: 403 });
      expect(await lastAudit()).toMatchObject({ action: 'jobs.bulkQuery', outcome: 'denied', actor: 'v@test' });
    });

    it(`runs at most ${BULK_QUERY_MAX_RUNNING} operations at once per console; one more is refused with 429`, async () => {
      const queue = store.queue('busy-q');
      await failAll(queue, Array.from({ length: 30 }, (_, i) => ({ name: 'x', data: { i } })));
      const running = [];
      for (let i = 0; i < BULK_QUERY_MAX_RUNNING; i++) running.push((await start('busy-q', { q: 'state:failed', action: 'retry', rate: 1 })).operationId);
      await expect(start('busy-q', { q: 'state:failed', action: 'retry', rate: 1 })).rejects.toMatchObject({ status: 429 });
      for (const id of running) await controlBulkQuery(operator, id, 'cancel');
      for (const id of running) expect((await finish(id)).phase).toBe('cancelled');
    });
  });
});
