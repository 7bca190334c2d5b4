// The job and queue actions against both stores (one suite, parameterized by store): data built through
// BullMQ's API on a real redis-server and a real PostgreSQL, changed through Drover's verbs (which only
// know the store seam), with the same answers, bounds and audit entries on both — and, where BullMQ's
// PostgreSQL backend or Drover's workers cannot do a thing, the same precise 501 every time.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import type { Job, Queue } from 'bullmq';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { ctxAs } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { lastAudit } from '../helpers/audit';
import { KEYS } from '@/lib/keys';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { getOverview } from '@/lib/queues/get-overview';
import { getQueue } from '@/lib/queues/get-queue';
import { getJob } from '@/lib/jobs/get-job';
import { getJobField } from '@/lib/jobs/get-job-field';
import { bulkJobs } from '@/lib/jobs/bulk-jobs';
import { addJob } from '@/lib/jobs/add-job';
import { addJobInputSchema } from '@/lib/jobs/schemas';
import { updateJob } from '@/lib/jobs/update-job';
import { duplicateJob } from '@/lib/jobs/duplicate-job';
import { failJob } from '@/lib/jobs/fail-job';
import { cancelJob } from '@/lib/jobs/cancel-job';
import { retryJob } from '@/lib/jobs/retry-job';
import { promoteJob } from '@/lib/jobs/promote-job';
import { cleanQueue } from '@/lib/queues/clean-queue';
import { drainQueue } from '@/lib/queues/drain-queue';
import { obliterateQueue } from '@/lib/queues/obliterate-queue';
import { pauseQueue } from '@/lib/queues/pause-queue';
import { RETRY_BATCH } from '@/lib/store/postgres/postgres-actions';
import { resumeQueue } from '@/lib/queues/resume-queue';
import { setConnectionPaused } from '@/lib/queues/set-connection-paused';
import { setQueueLimits } from '@/lib/queues/set-queue-limits';
import { getOperationProgress } from '@/lib/progress/bulk-progress';

const operator = ctxAs('operator', 'op@test');
const admin = ctxAs('admin', 'boss@test');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(STORE_KINDS)('actions on %s', (kind) => {
  let store: TestStore;
  let consoleRedis: Redis;
  const conn = () => getConnection('main');
  const at = (queue: string, id = '') => ({ conn: 'main', queue, id });
  const idsOf = async (queue: Queue, state: 'waiting' | 'failed' | 'delayed' | 'prioritized' | 'completed') =>
    (await queue.getJobs([state], 0, 10_000)).map((j) => j.id!).sort();
  const summaryOf = async (queue: string) => {
    const overview = await getOverview({ refresh: true });
    return overview.connections.find((c) => c.name === 'main')!.queues.find((q) => q.name === queue)!;
  };

  /** `count` jobs of `queue` failed at once by a worker that throws (concurrency 50), the worker closed after. */
  async function failJobs(queue: Queue, count: number) {
    await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'doomed', data: { i }, opts: { attempts: 1 } })));
    const worker = store.worker(queue.name, async () => {
      throw new Error('boom');
    }, { concurrency: 50 });
    await waitFor(async () => (await queue.getFailedCount()) === count, { timeout: 60_000, what: `${count} failed jobs` });
    await worker.close();
  }

  beforeAll(async () => {
    store = await startConfiguredStore(kind);
    consoleRedis = new Redis(store.consoleUrl);
  });

  afterAll(async () => {
    consoleRedis?.disconnect();
    await closeAllConnections();
    await store?.stop();
  });

  beforeEach(async () => {
    await consoleRedis.del(KEYS.audit);
  });

  it('retries all 2,500 failed jobs in batches with progress: exactly those jobs move, and it is audited', async () => {
    const queue = store.queue('retry-all');
    await failJobs(queue, 2500);
    const failed = await idsOf(queue, 'failed');
    const other = store.queue('retry-other');
    await failJobs(other, 3);
    const backendCalls = vi.spyOn(conn().queue('retry-all').backend, 'retryFinishedJobs');
    const operationId = crypto.randomUUID();
    const result = await bulkJobs(operator, { conn: 'main', queue: 'retry-all' }, { action: 'retry', state: 'failed', operationId });
    expect(result).toMatchObject({ requested: 2500, succeeded: 2500, failed: 0, message: '2,500 failed jobs retried' });
    // Bounded per BullMQ call: 1,000 on Redis (a Lua script); 10,000 on PostgreSQL, where every call of
    // BullMQ's retry_jobs scans the table, so fewer calls cost less (lib/store/postgres/postgres-actions.ts).
    const batch = kind === 'postgres' ? RETRY_BATCH : 1000;
    expect(backendCalls.mock.calls.length).toBe(Math.floor(2500 / batch) + 1);
    expect(backendCalls.mock.calls.every(([, count]) => count === batch)).toBe(true);
    backendCalls.mockRestore();
    expect(await getOperationProgress(operationId)).toMatchObject({ done: 2500, total: 2500, phase: 'done', finished: true });
    expect(await queue.getFailedCount()).toBe(0);
    expect(await idsOf(queue, 'waiting')).toEqual(failed);
    expect(await other.getFailedCount()).toBe(3);
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'jobs.bulk', outcome: 'ok', actor: 'op@test', queue: 'retry-all', count: 2500 });
  });

  it('promotes all delayed jobs and removes a state’s jobs older than an age (admin)', async () => {
    const queue = store.queue('promote-all');
    await queue.addBulk(Array.from({ length: 1200 }, (_, i) => ({ name: 'd', data: { i }, opts: { delay: 3_600_000 } })));
    const promoted = await bulkJobs(operator, { conn: 'main', queue: 'promote-all' }, { action: 'promote', state: 'delayed' });
    expect(promoted).toMatchObject({ requested: 1200, succeeded: 1200, message: '1,200 delayed jobs promoted' });
    expect(await queue.getDelayedCount()).toBe(0);
    expect(await queue.getWaitingCount()).toBe(1200);

    const old = store.queue('remove-old');
    // The old jobs were created an hour ago (BullMQ's timestamp option): a fixed sleep between old and fresh
    // raced the cutoff on a loaded machine (the fresh ones were older than 200 ms by the time of the removal).
    await old.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'old', data: { i }, opts: { timestamp: Date.now() - 3_600_000 } })));
    const fresh = (await old.addBulk(Array.from({ length: 3 }, (_, i) => ({ name: 'fresh', data: { i } })))).map((j) => j.id!).sort();
    await expect(bulkJobs(operator, { conn: 'main', queue: 'remove-old' }, { action: 'remove', state: 'waiting', olderThanMs: 600_000 })).rejects.toMatchObject({ status: 403 });
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'jobs.bulk', outcome: 'denied' });
    const removed = await bulkJobs(admin, { conn: 'main', queue: 'remove-old' }, { action: 'remove', state: 'waiting', olderThanMs: 600_000 });
    expect(removed).toMatchObject({ succeeded: 5, message: '5 waiting jobs removed' });
    expect(await idsOf(old, 'waiting')).toEqual(fresh);
  });

  it('cleans a state older than an age with progress (waiting needs admin)', async () => {
    const queue = store.queue('clean');
    await failJobs(queue, 4);
    await sleep(400);
    await queue.add('young', {}, { delay: 3_600_000 });
    const operationId = crypto.randomUUID();
    const out = await cleanQueue(operator, { conn: 'main', queue: 'clean' }, { state: 'failed', olderThanMs: 200, operationId });
    expect(out).toEqual({ message: 'Removed 4 failed jobs from clean', removed: 4 });
    expect(await getOperationProgress(operationId)).toMatchObject({ done: 4, total: 4, finished: true });
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'queue.clean', outcome: 'ok', count: 4, params: { state: 'failed', olderThanMs: 200 } });
    await expect(cleanQueue(operator, { conn: 'main', queue: 'clean' }, { state: 'delayed', olderThanMs: 0 })).rejects.toMatchObject({ status: 403 });
    expect(await queue.getDelayedCount()).toBe(1);
    expect((await cleanQueue(admin, { conn: 'main', queue: 'clean' }, { state: 'delayed', olderThanMs: 0 })).removed).toBe(1);
    expect(await queue.getDelayedCount()).toBe(0);
  });

  it('drains waiting and prioritized jobs, keeping delayed ones unless asked', async () => {
    const queue = store.queue('drain');
    await queue.addBulk(Array.from({ length: 1500 }, (_, i) => ({ name: 'w', data: { i } })));
    await queue.add('vip', {}, { priority: 2 });
    await queue.add('later', {}, { delay: 3_600_000 });
    const out = await drainQueue(admin, { conn: 'main', queue: 'drain' }, { includeDelayed: false });
    expect(out).toEqual({ message: 'Drained drain: removed 1,501 waiting jobs', removed: 1501 });
    expect(await queue.getWaitingCount()).toBe(0);
    expect(await queue.getDelayedCount()).toBe(1);
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'queue.drain', outcome: 'ok', count: 1501 });
    expect((await drainQueue(admin, { conn: 'main', queue: 'drain' }, { includeDelayed: true })).removed).toBe(1);
    await expect(drainQueue(operator, { conn: 'main', queue: 'drain' }, { includeDelayed: false })).rejects.toMatchObject({ status: 403 });
  });

  it('pauses and resumes a queue and every queue of the connection (the overview’s paused flag)', async () => {
    const queue = store.queue('pausable');
    await queue.add('x', {});
    expect(await pauseQueue(operator, { conn: 'main', queue: 'pausable' })).toEqual({ message: 'Queue pausable paused: workers take no new jobs (running ones finish)' });
    expect((await summaryOf('pausable')).paused).toBe(true);
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'queue.pause', outcome: 'ok', queue: 'pausable' });
    await resumeQueue(operator, { conn: 'main', queue: 'pausable' });
    expect((await summaryOf('pausable')).paused).toBe(false);

    const all = await setConnectionPaused(operator, 'main', true);
    expect(all.queues).toBeGreaterThanOrEqual(2);
    expect(all.message).toBe(`Paused ${all.queues} queues on main`);
    expect((await summaryOf('pausable')).paused).toBe(true);
    expect(await queue.isPaused()).toBe(true);
    await setConnectionPaused(operator, 'main', false);
    expect((await summaryOf('pausable')).paused).toBe(false);
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'connection.resume-all', outcome: 'ok', count: all.queues });
  });

  it('sets and removes a queue’s global concurrency and rate limit', async () => {
    const queue = store.queue('limited');
    await queue.add('x', {});
    const out = await setQueueLimits(operator, { conn: 'main', queue: 'limited' }, { concurrency: 7, rateLimit: { max: 100, duration: 1000 } });
    expect(out.message).toBe('limited: global concurrency 7, at most 100 jobs per 1000 ms');
    const detail = await getQueue(conn(), 'limited');
    expect(detail.globalConcurrency).toBe(7);
    expect(detail.globalRateLimit).toEqual({ max: 100, duration: 1000 });
    expect(await queue.getGlobalConcurrency()).toBe(7);
    await setQueueLimits(operator, { conn: 'main', queue: 'limited' }, { concurrency: null, rateLimit: null });
    const cleared = await getQueue(conn(), 'limited');
    expect([cleared.globalConcurrency, cleared.globalRateLimit]).toEqual([null, null]);
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'queue.limits', outcome: 'ok', params: { concurrency: null, rateLimit: null } });
  });

  it('adds a job with options, and refuses an id that is taken', async () => {
    const input = addJobInputSchema.parse({ name: 'send', data: '{"to":"a@example.com"}', opts: { jobId: 'custom-1', priority: 4, attempts: 3 } });
    const out = await addJob(operator, { conn: 'main', queue: 'adds' }, input);
    expect(out).toEqual({ message: 'Added job custom-1 to adds', jobId: 'custom-1' });
    const job = await getJob(conn(), 'adds', 'custom-1');
    expect(job).toMatchObject({ id: 'custom-1', name: 'send', state: 'prioritized', priority: 4 });
    expect((await getJobField(conn(), 'adds', 'custom-1', 'data', -1)).text.replace(/\s/g, '')).toBe('{"to":"a@example.com"}');
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'job.add', outcome: 'ok', jobIds: ['custom-1'] });
    await expect(addJob(operator, { conn: 'main', queue: 'adds' }, input)).rejects.toThrow('A job with id custom-1 already exists in "adds"');
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'job.add', outcome: 'refused' });
    const delayed = await addJob(operator, { conn: 'main', queue: 'adds' }, addJobInputSchema.parse({ name: 'later', data: {}, opts: { delay: 60_000 } }));
    expect((await getJob(conn(), 'adds', delayed.jobId)).state).toBe('delayed');
  });

  it('edits a job’s data, priority and delay, and refuses what its state does not allow', async () => {
    const queue = store.queue('edits');
    const waiting = await queue.add('w', { v: 1 });
    const later = await queue.add('d', { v: 2 }, { delay: 3_600_000 });
    expect(await updateJob(operator, at('edits', waiting.id!), { data: { v: 10 }, priority: 5 })).toEqual({ message: `Job ${waiting.id}: data, priority updated` });
    expect((await getJobField(conn(), 'edits', waiting.id!, 'data', -1)).text.replace(/\s/g, '')).toBe('{"v":10}');
    expect(await getJob(conn(), 'edits', waiting.id!)).toMatchObject({ state: 'prioritized', priority: 5 });
    await expect(updateJob(operator, at('edits', waiting.id!), { delay: 1000 })).rejects.toThrow(`Job ${waiting.id} is prioritized: only a delayed job's delay can change`);
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'job.update', outcome: 'refused' });
    const before = (await getJob(conn(), 'edits', later.id!)).delay;
    await updateJob(operator, at('edits', later.id!), { delay: 7_200_000 });
    const after = await getJob(conn(), 'edits', later.id!);
    expect(after.state).toBe('delayed');
    expect(after.delay).toBe(7_200_000);
    expect(after.delay).not.toBe(before);
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'job.update', outcome: 'ok', params: { changes: ['delay'], delay: 7_200_000 } });
  });

  it('duplicates a job as a new one with the same name, data and options', async () => {
    const queue = store.queue('dupes');
    const original = await queue.add('report', { month: 5 }, { attempts: 4, jobId: 'report-may' });
    const out = await duplicateJob(operator, at('dupes', original.id!));
    expect(out.jobId).toBeDefined();
    expect(out.jobId).not.toBe('report-may');
    expect(out.message).toBe(`Duplicated job report-may as job ${out.jobId}`);
    const copy = await getJob(conn(), 'dupes', out.jobId!);
    expect(copy).toMatchObject({ name: 'report', state: 'waiting' });
    expect((await getJobField(conn(), 'dupes', out.jobId!, 'data', -1)).text.replace(/\s/g, '')).toBe('{"month":5}');
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'job.duplicate', outcome: 'ok', params: { newJobId: out.jobId } });
  });

  it('fails a waiting job permanently on Redis; a precise 501 on PostgreSQL, alone or in bulk', async () => {
    const queue = store.queue('fails');
    const job = await queue.add('w', {});
    const other = await queue.add('w', {});
    if (kind === 'redis') {
      expect(await failJob(operator, at('fails', job.id!), { reason: 'bad input' })).toMatchObject({ state: 'failed' });
      expect(await queue.getJobState(job.id!)).toBe('failed');
      expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'job.fail', outcome: 'ok' });
      expect((await bulkJobs(admin, { conn: 'main', queue: 'fails' }, { action: 'fail', ids: [other.id!] })).succeeded).toBe(1);
      return;
    }
    const refusal = 'Failing a job that is not running (BullMQ’s PostgreSQL backend fails only active jobs, and Drover changes BullMQ’s tables only through BullMQ; remove the job instead) is not available on PostgreSQL connections yet (connection "main")';
    await expect(failJob(operator, at('fails', job.id!), { reason: 'bad input' })).rejects.toMatchObject({ status: 501, message: expect.stringContaining(refusal) });
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'job.fail', outcome: 'error', message: expect.stringContaining(refusal) });
    await expect(bulkJobs(admin, { conn: 'main', queue: 'fails' }, { action: 'fail', ids: [job.id!, other.id!] })).rejects.toMatchObject({ status: 501 });
    expect(await queue.getJobState(job.id!)).toBe('waiting');
    expect(await queue.getJobState(other.id!)).toBe('waiting');
  });

  it('refuses to fail a finished job with the same 409 on both stores', async () => {
    const queue = store.queue('fail-finished');
    await failJobs(queue, 1);
    const [done] = await queue.getFailed(0, 0);
    await expect(failJob(operator, at('fail-finished', done.id!))).rejects.toMatchObject({ status: 409, message: `Job ${done.id} is already finished: nothing to fail` });
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'job.fail', outcome: 'refused' });
  });

  it('cancels only a running job: 409 for a waiting one; a running one asks the Drover workers (none listen here)', async () => {
    const queue = store.queue('cancels');
    const waiting = await queue.add('w', {}, { delay: 3_600_000 });
    await expect(cancelJob(operator, at('cancels', waiting.id!))).rejects.toThrow(`Job ${waiting.id} is delayed, not active: only running jobs can be cancelled`);
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'job.cancel', outcome: 'refused' });

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let running: Job | undefined;
    const worker = store.worker('cancels', async (j: Job) => {
      running = j;
      await gate;
    });
    await queue.add('busy', {});
    await waitFor(() => running, { what: 'a running job', timeout: 20_000 });
    try {
      // The channel is Drover's own (on the console's Redis for a PostgreSQL connection); a plain BullMQ
      // worker does not listen to it. tests/integration/workers-stores.test.ts cancels through the runtime.
      await expect(cancelJob(operator, at('cancels', running!.id!))).rejects.toThrow('No Drover worker listens on queue "cancels"');
      await expect(failJob(operator, at('cancels', running!.id!))).rejects.toThrow('No Drover worker listens on queue "cancels"');
    } finally {
      release();
      await worker.close();
    }
  });

  it('refuses a job in the wrong state (409) and a job that is gone (404), with the same messages', async () => {
    const queue = store.queue('refusals');
    const job = await queue.add('w', {});
    await expect(retryJob(operator, at('refusals', job.id!))).rejects.toThrow(`Job ${job.id} is waiting: only failed or completed jobs can be retried`);
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'job.retry', outcome: 'refused', jobIds: [job.id] });
    await expect(promoteJob(operator, at('refusals', job.id!))).rejects.toMatchObject({ status: 409 });
    await job.remove();
    for (const verb of [retryJob, promoteJob, duplicateJob]) {
      await expect(verb(operator, at('refusals', job.id!))).rejects.toMatchObject({ status: 404, message: `Job ${job.id} no longer exists in queue "refusals" (it may have been removed)` });
    }
    await expect(updateJob(operator, at('refusals', job.id!), { priority: 1 })).rejects.toMatchObject({ status: 404 });
    await expect(cancelJob(operator, at('refusals', job.id!))).rejects.toMatchObject({ status: 404 });
    const bulk = await bulkJobs(operator, { conn: 'main', queue: 'refusals' }, { action: 'retry', ids: [job.id!] });
    expect(bulk).toMatchObject({ succeeded: 0, failed: 1, errors: [{ id: job.id, message: `Job ${job.id} no longer exists in queue "refusals" (it may have been removed)` }] });
  });

  it('obliterates a queue once its name is typed (admin)', async () => {
    const queue = store.queue('doomed');
    await queue.addBulk(Array.from({ length: 50 }, (_, i) => ({ name: 'x', data: { i } })));
    await expect(obliterateQueue(admin, { conn: 'main', queue: 'doomed' }, { confirm: 'nope', force: false })).rejects.toMatchObject({ status: 400 });
    expect(await obliterateQueue(admin, { conn: 'main', queue: 'doomed' }, { confirm: 'doomed', force: false })).toEqual({ message: 'Queue doomed obliterated' });
    expect(await queue.getWaitingCount()).toBe(0);
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'queue.obliterate', outcome: 'ok' });
  });
});
