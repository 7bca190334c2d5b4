// Operator actions against real Redis, with jobs built through BullMQ, including the error paths.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlowProducer, Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { ctxAs, redisForThisFile } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { KEYS } from '@/lib/keys';
import { cancelJob } from '@/lib/jobs/cancel-job';
import { duplicateJob } from '@/lib/jobs/duplicate-job';
import { failJob } from '@/lib/jobs/fail-job';
import { promoteJob } from '@/lib/jobs/promote-job';
import { removeJob } from '@/lib/jobs/remove-job';
import { retryJob } from '@/lib/jobs/retry-job';
import { updateJob } from '@/lib/jobs/update-job';
import { addJob } from '@/lib/jobs/add-job';
import { addJobInputSchema } from '@/lib/jobs/schemas';
import { bulkInputSchema } from '@/lib/jobs/schemas';
import { bulkJobs as bulkJobAction } from '@/lib/jobs/bulk-jobs';
import { cleanQueue } from '@/lib/queues/clean-queue';
import { drainQueue } from '@/lib/queues/drain-queue';
import { obliterateQueue } from '@/lib/queues/obliterate-queue';
import { pauseQueue } from '@/lib/queues/pause-queue';
import { resumeQueue } from '@/lib/queues/resume-queue';
import { setConnectionPaused } from '@/lib/queues/set-connection-paused';
import { setQueueLimits } from '@/lib/queues/set-queue-limits';
import { getOperationProgress } from '@/lib/progress/bulk-progress';
import { issueApiToken } from '@/lib/users/issue-api-token';
import * as retryRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/jobs/[id]/retry/route';
import * as jobsRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/jobs/route';
import * as bulkRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/jobs/bulk/route';
import { lastAudit } from '../helpers/audit';
import { auditQuerySchema, listAudit } from '@/lib/audit/list-audit';
import { upsertSchedule } from '@/lib/schedules/upsert-schedule';
import { scheduleInputSchema } from '@/lib/schedules/schema';

const redis = redisForThisFile((url) => [{ name: 'main', url }, { name: 'frozen', url, readOnly: true }]);
let client: Redis;
const operator = ctxAs('operator', 'op@test');
const admin = ctxAs('admin', 'boss@test');

function q(name: string) {
  return redis.track(new Queue(name, { connection: { url: redis.url } }));
}

/** Runs `count` jobs of `queue` through a worker that fails them, and waits until they are failed. */
async function failJobs(queue: Queue, count: number, attempts = 1) {
  await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'doomed', data: { i }, opts: { attempts } })));
  const worker: Worker = new Worker(queue.name, async (): Promise<unknown> => {
    throw new Error('boom');
  }, { connection: { url: redis.url }, concurrency: 200 });
  redis.track({ close: () => worker.close(true) });
  await waitFor(async () => (await queue.getFailedCount()) === count, { timeout: 30_000, what: `${count} failed jobs` });
  await worker.close();
}

beforeAll(() => {
  client = redis.client();
});

beforeEach(async () => {
  await client.del(KEYS.audit);
});

describe('single-job actions', () => {
  it('retries a failed job and refuses one that is not finished', async () => {
    const queue = q('retry');
    await failJobs(queue, 1);
    const [failed] = await queue.getFailed(0, 0);
    const out = await retryJob(operator, { conn: 'main', queue: 'retry', id: failed.id! });
    expect(out.message).toBe(`Job ${failed.id} moved from failed back to waiting`);
    expect(await queue.getJobState(failed.id!)).toBe('waiting');
    await expect(retryJob(operator, { conn: 'main', queue: 'retry', id: failed.id! })).rejects.toThrow(`Job ${failed.id} is waiting: only failed or completed jobs can be retried`);
    expect(await lastAudit(client)).toMatchObject({ action: 'job.retry', outcome: 'refused', actor: 'op@test', jobIds: [failed.id] });
  });

  it('says where a job went when it moved between the state check and the retry', async () => {
    const queue = q('retry-race');
    await failJobs(queue, 1);
    const [failed] = await queue.getFailed(0, 0);
    // Someone else retries it right after Drover read its state: Drover's own retry then finds it waiting.
    const realRetry = Job.prototype.retry;
    const spy = vi.spyOn(Job.prototype, 'retry').mockImplementationOnce(async function (this: Job, ...args: Parameters<Job['retry']>) {
      await realRetry.apply(this, args);
      return realRetry.apply(this, args);
    });
    try {
      await expect(retryJob(operator, { conn: 'main', queue: 'retry-race', id: failed.id! })).rejects.toThrow(
        `Job ${failed.id} is waiting, not failed or completed: the action does not apply (it may have moved meanwhile)`,
      );
    } finally {
      spy.mockRestore();
    }
    expect(await queue.getJobState(failed.id!)).toBe('waiting');
  });

  it('says a job removed meanwhile no longer exists', async () => {
    const queue = q('gone');
    const job = await queue.add('x', {});
    await job.remove();
    await expect(retryJob(operator, { conn: 'main', queue: 'gone', id: job.id! })).rejects.toThrow(`Job ${job.id} no longer exists in queue "gone" (it may have been removed)`);
    await expect(removeJob(operator, { conn: 'main', queue: 'gone', id: job.id! })).rejects.toMatchObject({ status: 404 });
  });

  it('refuses to remove a job locked by a worker', async () => {
    const queue = q('locked');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let running: Job | undefined;
    const worker = new Worker('locked', async (job) => {
      running = job;
      await gate;
    }, { connection: { url: redis.url } });
    redis.track({ close: () => worker.close(true) });
    await queue.add('busy', {});
    await waitFor(() => running);
    await expect(removeJob(operator, { conn: 'main', queue: 'locked', id: running!.id! })).rejects.toThrow(/is locked by a worker/);
    release();
    await worker.close();
  });

  it('promotes a delayed job, changes its delay and priority, and edits data with validation', async () => {
    const queue = q('edit');
    const delayed = await queue.add('later', { v: 1 }, { delay: 60_000 });
    await updateJob(operator, { conn: 'main', queue: 'edit', id: delayed.id! }, { delay: 120_000 });
    expect((await queue.getJob(delayed.id!))!.delay).toBe(120_000);
    await expect(updateJob(operator, { conn: 'main', queue: 'edit', id: delayed.id! }, { data: '{"v": 2' })).rejects.toThrow(/^data is not valid JSON/);
    await updateJob(operator, { conn: 'main', queue: 'edit', id: delayed.id! }, { data: '{"v": 2}' });
    expect((await queue.getJob(delayed.id!))!.data).toEqual({ v: 2 });
    await promoteJob(operator, { conn: 'main', queue: 'edit', id: delayed.id! });
    expect(await queue.getJobState(delayed.id!)).toBe('waiting');
    await expect(promoteJob(operator, { conn: 'main', queue: 'edit', id: delayed.id! })).rejects.toThrow(/only delayed jobs can be promoted/);
    await updateJob(operator, { conn: 'main', queue: 'edit', id: delayed.id! }, { priority: 7 });
    expect(await queue.getJobState(delayed.id!)).toBe('prioritized');
  });

  it('duplicates a job as a new one with the same data and options', async () => {
    const queue = q('dup');
    const job = await queue.add('copy-me', { deep: { a: [1, 2] } }, { attempts: 4, jobId: 'fixed-id' });
    const out = await duplicateJob(operator, { conn: 'main', queue: 'dup', id: job.id! });
    const copy = await queue.getJob(out.jobId!);
    expect(copy).toMatchObject({ name: 'copy-me', data: { deep: { a: [1, 2] } } });
    expect(copy!.opts.attempts).toBe(4);
    expect(copy!.id).not.toBe('fixed-id');
    expect(await lastAudit(client)).toMatchObject({ action: 'job.duplicate', outcome: 'ok', params: { newJobId: out.jobId } });
  });

  it('gives the copy its own creation time and no deduplication id of the original', async () => {
    const queue = q('dup-fresh');
    const hourAgo = Date.now() - 3_600_000;
    const job = await queue.add('once', { n: 1 }, { timestamp: hourAgo, deduplication: { id: 'only-one' } });
    const out = await duplicateJob(operator, { conn: 'main', queue: 'dup-fresh', id: job.id! });
    expect(out.jobId).not.toBe(job.id);
    const copy = (await queue.getJob(out.jobId!))!;
    expect(copy.timestamp).toBeGreaterThan(hourAgo + 3_000_000);
    expect(copy.opts.deduplication).toBeUndefined();
  });

  it('fails a waiting job permanently, and says when no worker listens for an active one', async () => {
    const queue = q('discard');
    const waiting = await queue.add('w', {}, { attempts: 5 });
    const out = await failJob(operator, { conn: 'main', queue: 'discard', id: waiting.id! }, { reason: 'bad data' });
    expect(out.message).toBe(`Job ${waiting.id} moved from waiting to failed: failed permanently by op@test: bad data`);
    const failed = await queue.getJob(waiting.id!);
    expect(await failed!.getState()).toBe('failed');
    expect(failed!.failedReason).toBe('failed permanently by op@test: bad data');
    await expect(failJob(operator, { conn: 'main', queue: 'discard', id: waiting.id! })).rejects.toThrow(/already finished/);

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let running: Job | undefined;
    const foreign = new Worker('discard', async (job) => {
      running = job;
      await gate;
    }, { connection: { url: redis.url } });
    redis.track(foreign);
    await queue.add('run', {});
    await waitFor(() => running);
    await expect(cancelJob(operator, { conn: 'main', queue: 'discard', id: running!.id! })).rejects.toThrow(
      'No Drover worker listens on queue "discard": the job runs on a worker that does not listen for cancellation',
    );
    await expect(failJob(operator, { conn: 'main', queue: 'discard', id: running!.id! })).rejects.toThrow(/does not listen for cancellation/);
    await expect(cancelJob(operator, { conn: 'main', queue: 'discard', id: waiting.id! })).rejects.toThrow(/is failed, not active/);
    release();
    await foreign.close();
  });
});

describe('fail permanently, as BullMQ fails a job', () => {
  it('frees the deduplication id, so a later add with it is not dropped', async () => {
    const queue = q('discard-dedupe');
    const first = await queue.add('w', { n: 1 }, { deduplication: { id: 'order-7' } });
    const dropped = await queue.add('w', { n: 2 }, { deduplication: { id: 'order-7' } });
    expect(dropped.id).toBe(first.id);
    await failJob(operator, { conn: 'main', queue: 'discard-dedupe', id: first.id! });
    expect(await client.exists('bull:discard-dedupe:de:order-7')).toBe(0);
    const again = await queue.add('w', { n: 3 }, { deduplication: { id: 'order-7' } });
    expect(again.id).not.toBe(first.id);
    expect(await queue.getJobState(again.id!)).toBe('waiting');
  });

  it('keeps a deduplication window with a TTL until it expires, as BullMQ does', async () => {
    const queue = q('discard-dedupe-ttl');
    const job = await queue.add('w', {}, { deduplication: { id: 'batch-1', ttl: 60_000 } });
    await failJob(operator, { conn: 'main', queue: 'discard-dedupe-ttl', id: job.id! });
    expect(await client.get('bull:discard-dedupe-ttl:de:batch-1')).toBe(job.id);
    expect((await queue.add('w', {}, { deduplication: { id: 'batch-1', ttl: 60_000 } })).id).toBe(job.id);
  });

  it('refuses a flow child (its parent would never hear of it), one job or in bulk', async () => {
    const flow = new FlowProducer({ connection: { url: redis.url } });
    const tree = await flow.add({ name: 'parent', queueName: 'discard-flow', data: {}, children: [{ name: 'child', queueName: 'discard-flow', data: {} }] });
    await flow.close();
    const queue = q('discard-flow');
    const childId = tree.children![0].job.id!;
    await expect(failJob(operator, { conn: 'main', queue: 'discard-flow', id: childId })).rejects.toThrow(
      `Job ${childId} is part of a flow; fail it through its worker or remove it (failing it here would not tell its parent job)`,
    );
    const bulk = await bulkJobAction(operator, { conn: 'main', queue: 'discard-flow' }, { action: 'fail', ids: [childId] });
    expect(bulk).toMatchObject({ succeeded: 0, failed: 1, errors: [{ id: childId, message: expect.stringContaining('is part of a flow') }] });
    expect(await queue.getJobState(childId)).toBe('waiting');
    expect(await queue.getJobState(tree.job.id!)).toBe('waiting-children');
  });

  it("honours the job's removeOnFail: removed when true, the failed set trimmed to its count", async () => {
    const queue = q('discard-rof');
    const gone = await queue.add('w', {}, { removeOnFail: true });
    const out = await failJob(operator, { conn: 'main', queue: 'discard-rof', id: gone.id! });
    expect(out.message).toBe(`Job ${gone.id} failed permanently and removed, as its removeOnFail option asks: failed permanently by op@test`);
    expect(await queue.getJob(gone.id!)).toBeUndefined();
    expect(await queue.getFailedCount()).toBe(0);

    const kept = await queue.addBulk([1, 2, 3].map((i) => ({ name: 'w', data: { i }, opts: { removeOnFail: 2 } })));
    for (const job of kept) {
      await failJob(operator, { conn: 'main', queue: 'discard-rof', id: job.id! });
      await new Promise((r) => setTimeout(r, 2));
    }
    expect((await queue.getFailed(0, -1)).map((j) => j.id).sort()).toEqual([kept[1].id, kept[2].id].sort());
    expect(await client.exists(`bull:discard-rof:${kept[0].id}`)).toBe(0);
  });
});

describe('add job', () => {
  it('adds with options, refuses invalid JSON and id collisions', async () => {
    const added = await addJob(operator, { conn: 'main', queue: 'adds' }, addJobInputSchema.parse({ name: 'hello', data: '{"to":"x"}', opts: { jobId: 'j-1', priority: 3, attempts: 2 } }));
    expect(added).toEqual({ message: 'Added job j-1 to adds', jobId: 'j-1' });
    const queue = q('adds');
    expect(await queue.getJobState('j-1')).toBe('prioritized');
    await expect(addJob(operator, { conn: 'main', queue: 'adds' }, addJobInputSchema.parse({ name: 'hello', data: '{nope' }))).rejects.toThrow(/^data is not valid JSON/);
    await expect(addJob(operator, { conn: 'main', queue: 'adds' }, addJobInputSchema.parse({ name: 'hello', data: '{}', opts: { jobId: 'j-1' } }))).rejects.toThrow('A job with id j-1 already exists in "adds"');
  });

  it('refuses custom ids BullMQ would reject, with the reason', () => {
    const integer = addJobInputSchema.safeParse({ name: 'hello', data: '{}', opts: { jobId: '42' } });
    expect(integer.success).toBe(false);
    expect(integer.error?.issues[0].message).toMatch(/must not be an integer/);
    const colon = addJobInputSchema.safeParse({ name: 'hello', data: '{}', opts: { jobId: 'a:b' } });
    expect(colon.error?.issues[0].message).toBe('jobId must not contain ":"');
    expect(addJobInputSchema.safeParse({ name: 'hello', data: '{}', opts: { jobId: '42a' } }).success).toBe(true);
  });

  it('validates data against the registry schema of a bundled queue, with field errors', async () => {
    const err = await addJob(operator, { conn: 'main', queue: 'webhook' }, addJobInputSchema.parse({ name: 'deliver', data: { url: 'ftp://x', payload: {} } })).catch((e) => e);
    expect(err.message).toMatch(/^Data does not match the webhook schema: data\.url: must be an http/);
    expect(err.fieldErrors['data.url']).toBeDefined();
    const wrongName = await addJob(operator, { conn: 'main', queue: 'webhook' }, addJobInputSchema.parse({ name: 'send', data: {} })).catch((e) => e);
    expect(wrongName.message).toMatch(/processes jobs named "deliver"/);
  });
});

describe('bulk actions', () => {
  it('retries a selection in one call and reports skipped ids precisely', async () => {
    const queue = q('bulk-ids');
    await failJobs(queue, 5);
    const failed = await queue.getFailed(0, -1);
    const ids = failed.map((j) => j.id!).slice(0, 3);
    const result = await bulkJobAction(operator, { conn: 'main', queue: 'bulk-ids' }, { action: 'retry', ids: [...ids, 'missing-id'] });
    expect(result).toMatchObject({ requested: 4, succeeded: 3, failed: 1 });
    expect(result.errors).toEqual([{ id: 'missing-id', message: 'Job missing-id no longer exists in queue "bulk-ids" (it may have been removed)' }]);
    expect(await queue.getFailedCount()).toBe(2);
    expect(await lastAudit(client)).toMatchObject({ action: 'jobs.bulk', params: { action: 'retry' }, outcome: 'ok', count: 3 });
  });

  it('retries all 3,000 failed jobs in Lua batches with progress', async () => {
    const queue = q('bulk-all');
    await failJobs(queue, 3000);
    const operationId = crypto.randomUUID();
    const result = await bulkJobAction(operator, { conn: 'main', queue: 'bulk-all' }, { action: 'retry', state: 'failed', operationId });
    expect(result).toMatchObject({ requested: 3000, succeeded: 3000, message: '3,000 failed jobs retried' });
    expect(await queue.getFailedCount()).toBe(0);
    expect(await queue.getWaitingCount()).toBe(3000);
    expect(await getOperationProgress(operationId)).toMatchObject({ done: 3000, total: 3000, finished: true });
  });

  it('promotes all delayed and removes all of a state', async () => {
    const queue = q('bulk-state');
    await queue.addBulk(Array.from({ length: 1500 }, (_, i) => ({ name: 'd', data: { i }, opts: { delay: 3_600_000 } })));
    expect((await bulkJobAction(operator, { conn: 'main', queue: 'bulk-state' }, { action: 'promote', state: 'delayed' })).succeeded).toBe(1500);
    expect(await queue.getWaitingCount()).toBe(1500);
    expect((await bulkJobAction(admin, { conn: 'main', queue: 'bulk-state' }, { action: 'remove', state: 'waiting' })).succeeded).toBe(1500);
    expect(await queue.getWaitingCount()).toBe(0);
  });
});

describe('bulk input', () => {
  it('refuses an action that does not apply to the state in the schema: a 400 before anything is written', async () => {
    const retry = bulkInputSchema.safeParse({ action: 'retry', state: 'waiting' });
    expect(retry.error?.issues).toEqual([expect.objectContaining({ path: ['state'], message: 'retry applies to the failed or completed states, not waiting' })]);
    expect(bulkInputSchema.safeParse({ action: 'promote', state: 'failed' }).error?.issues[0].message).toBe('promote applies to the delayed state, not failed');
    expect(bulkInputSchema.safeParse({ action: 'remove', state: 'waiting' }).success).toBe(true);
    expect(bulkInputSchema.safeParse({ action: 'retry', state: 'completed' }).success).toBe(true);

    const queue = q('bulk-refused');
    await queue.add('w', {});
    const { token } = await issueApiToken(admin, { name: 'bulk-bot', role: 'operator' });
    const operationId = crypto.randomUUID();
    const res = await bulkRoute.POST(
      new Request('http://console.test/x', { method: 'POST', body: JSON.stringify({ action: 'promote', state: 'waiting', operationId }), headers: { authorization: `Bearer ${token}` } }),
      { params: Promise.resolve({ conn: 'main', queue: 'bulk-refused' }) },
    );
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe('Invalid body: state: promote applies to the delayed state, not waiting');
    expect(await getOperationProgress(operationId)).toBeNull();
    expect(await queue.getWaitingCount()).toBe(1);
  });
});

describe('queue actions', () => {
  it('pauses and resumes one queue and all queues of a connection', async () => {
    const a = q('pa');
    const b = q('pb');
    await a.add('x', {});
    await b.add('x', {});
    await pauseQueue(operator, { conn: 'main', queue: 'pa' });
    expect(await a.isPaused()).toBe(true);
    await resumeQueue(operator, { conn: 'main', queue: 'pa' });
    expect(await a.isPaused()).toBe(false);
    const out = await setConnectionPaused(operator, 'main', true);
    expect(out.queues).toBeGreaterThanOrEqual(2);
    expect((await a.isPaused()) && (await b.isPaused())).toBe(true);
    await setConnectionPaused(operator, 'main', false);
    expect(await b.isPaused()).toBe(false);
  });

  it('sets and removes global concurrency and rate limit', async () => {
    const queue = q('limits');
    await queue.add('x', {});
    await setQueueLimits(operator, { conn: 'main', queue: 'limits' }, { concurrency: 3, rateLimit: { max: 10, duration: 1000 } });
    expect(await queue.getGlobalConcurrency()).toBe(3);
    expect(await queue.getGlobalRateLimit()).toEqual({ max: 10, duration: 1000 });
    await setQueueLimits(operator, { conn: 'main', queue: 'limits' }, { concurrency: null, rateLimit: null });
    expect(await queue.getGlobalConcurrency()).toBeNull();
    expect(await queue.getGlobalRateLimit()).toBeNull();
  });

  it('cleans a state older than an age and drains in batches (admin only)', async () => {
    const queue = q('drain');
    await failJobs(queue, 20);
    expect((await cleanQueue(operator, { conn: 'main', queue: 'drain' }, { state: 'failed', olderThanMs: 3_600_000 })).removed).toBe(0);
    expect((await cleanQueue(operator, { conn: 'main', queue: 'drain' }, { state: 'failed', olderThanMs: 0 })).removed).toBe(20);
    await queue.addBulk(Array.from({ length: 2500 }, (_, i) => ({ name: 'w', data: { i } })));
    await queue.add('later', {}, { delay: 60_000 });
    await expect(drainQueue(operator, { conn: 'main', queue: 'drain' }, { includeDelayed: false })).rejects.toThrow('This needs the admin role; you are operator');
    const out = await drainQueue(admin, { conn: 'main', queue: 'drain' }, { includeDelayed: false });
    expect(out.removed).toBe(2500);
    expect(await queue.getWaitingCount()).toBe(0);
    expect(await queue.getDelayedCount()).toBe(1);
  });

  it('cleans every delayed job older than the age, also behind 1,500 newer ones that run first', async () => {
    const queue = q('clean-delayed');
    const now = Date.now();
    await queue.addBulk(Array.from({ length: 1500 }, (_, i) => ({ name: 'soon', data: { i }, opts: { delay: 60_000 } })));
    // Created two hours ago, due in an hour: after all 1,500 in score (run time) order.
    const old = await queue.addBulk(Array.from({ length: 50 }, (_, i) => ({ name: 'old', data: { i }, opts: { timestamp: now - 2 * 3_600_000, delay: 3 * 3_600_000 } })));
    const operationId = crypto.randomUUID();
    const out = await cleanQueue(admin, { conn: 'main', queue: 'clean-delayed' }, { state: 'delayed', olderThanMs: 3_600_000, operationId });
    expect(out.removed).toBe(50);
    expect(await queue.getDelayedCount()).toBe(1500);
    expect(await client.exists(...old.map((j) => `bull:clean-delayed:${j.id}`))).toBe(0);
    expect(await getOperationProgress(operationId)).toMatchObject({ done: 50, total: 1550, finished: true });
  });

  it('removes old prioritized jobs behind newer ones of a higher priority (bulk remove by age)', async () => {
    const queue = q('clean-prio');
    const now = Date.now();
    await queue.addBulk(Array.from({ length: 1500 }, (_, i) => ({ name: 'new', data: { i }, opts: { priority: 1 } })));
    await queue.addBulk(Array.from({ length: 50 }, (_, i) => ({ name: 'old', data: { i }, opts: { priority: 5, timestamp: now - 2 * 3_600_000 } })));
    const result = await bulkJobAction(admin, { conn: 'main', queue: 'clean-prio' }, { action: 'remove', state: 'prioritized', olderThanMs: 3_600_000 });
    expect(result).toMatchObject({ succeeded: 50, message: '50 prioritized jobs removed' });
    expect(await queue.getPrioritizedCount()).toBe(1500);
    expect((await queue.getJobs(['prioritized'], 0, 1999)).every((j) => j.name === 'new')).toBe(true);
  });

  it('drains past jobs BullMQ skips (a scheduler job in the first batch)', async () => {
    const queue = q('drain-sched');
    await queue.upsertJobScheduler('hourly', { every: 3_600_000 }, { name: 'tick', data: {} });
    await queue.addBulk(Array.from({ length: 3000 }, (_, i) => ({ name: 'w', data: { i } })));
    const out = await drainQueue(admin, { conn: 'main', queue: 'drain-sched' }, { includeDelayed: false });
    expect(out.removed).toBe(3000);
    const left = await queue.getJobs(['waiting'], 0, 10);
    expect(left.map((j) => j.name)).toEqual(['tick']);
  });

  it('obliterates only with the typed name, and not over active jobs unless forced', async () => {
    const queue = q('doomed-queue');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let running: Job | undefined;
    const worker = new Worker('doomed-queue', async (job) => {
      running = job;
      await gate;
    }, { connection: { url: redis.url } });
    redis.track({ close: () => worker.close(true) });
    await queue.add('x', {});
    await queue.add('y', {});
    await waitFor(() => running);
    await expect(obliterateQueue(admin, { conn: 'main', queue: 'doomed-queue' }, { confirm: 'doomed', force: false })).rejects.toThrow('Type the queue name "doomed-queue" exactly to confirm');
    await expect(obliterateQueue(admin, { conn: 'main', queue: 'doomed-queue' }, { confirm: 'doomed-queue', force: false })).rejects.toThrow(
      'Queue doomed-queue has 1 active job: wait for them, cancel them, or force the obliteration',
    );
    release();
    await worker.close();
    await obliterateQueue(admin, { conn: 'main', queue: 'doomed-queue' }, { confirm: 'doomed-queue', force: false });
    expect(await client.exists('bull:doomed-queue:meta', 'bull:doomed-queue:wait')).toBe(0);
  });
});

describe('refusals', () => {
  it('generic actions refuse the dead-letter queue (its own routes keep its indexes right)', async () => {
    await expect(cleanQueue(operator, { conn: 'main', queue: 'dead-letter' }, { state: 'failed', olderThanMs: 0 })).rejects.toThrow(/is the dead-letter queue of connection "main"/);
    await expect(retryJob(operator, { conn: 'main', queue: 'dead-letter', id: 'x' })).rejects.toThrow(/is the dead-letter queue/);
    await expect(bulkJobAction(operator, { conn: 'main', queue: 'dead-letter' }, { action: 'remove', state: 'failed' })).rejects.toThrow(/is the dead-letter queue/);
  });

  it('a read-only connection refuses every change, audited as denied', async () => {
    await expect(pauseQueue(operator, { conn: 'frozen', queue: 'anything' })).rejects.toThrow('Connection "frozen" is read-only: changes are disabled');
    expect(await lastAudit(client)).toMatchObject({ action: 'queue.pause', connection: 'frozen', outcome: 'denied' });
    await expect(bulkJobAction(operator, { conn: 'frozen', queue: 'x' }, { action: 'retry', state: 'failed' })).rejects.toMatchObject({ status: 403 });
  });

  it('a viewer gets 403 from a mutating route, audited as denied; unknown queues and bad input get precise errors', async () => {
    const { token } = await issueApiToken(admin, { name: 'viewer-bot', role: 'viewer' });
    const res = await retryRoute.POST(
      new Request('http://console.test/x', { method: 'POST', headers: { authorization: `Bearer ${token}` } }),
      { params: Promise.resolve({ conn: 'main', queue: 'retry', id: '1' }) },
    );
    expect(res.status).toBe(403);
    expect(await lastAudit(client)).toMatchObject({ action: 'job.retry', outcome: 'denied', actor: 'token:viewer-bot', connection: 'main', queue: 'retry', jobIds: ['1'] });

    const { token: opToken } = await issueApiToken(admin, { name: 'op-bot', role: 'operator' });
    const call = (body: string, params = { conn: 'main', queue: 'adds' }) =>
      jobsRoute.POST(new Request('http://console.test/x', { method: 'POST', body, headers: { authorization: `Bearer ${opToken}` } }), { params: Promise.resolve(params) });
    const malformed = await call('{"name": "x", "data": ');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.message).toMatch(/^Malformed JSON body/);
    const unknownConn = await call(JSON.stringify({ name: 'x' }), { conn: 'nope', queue: 'adds' });
    expect(unknownConn.status).toBe(404);
    expect((await unknownConn.json()).error.message).toBe('Unknown connection "nope"');
    const huge = await call(JSON.stringify({ name: 'x', data: { blob: 'x'.repeat(10 * 1024 * 1024) } }));
    expect(huge.status).toBe(413);
    const ok = await call(JSON.stringify({ name: 'from-api', data: { a: 1 } }));
    expect(ok.status).toBe(201);
  });
});

describe('one meaning per role: removing unprocessed work in bulk is admin, whichever operation does it', () => {
  const target = (queue: string) => ({ conn: 'main', queue });

  it('an operator cannot drain through clean, bulk remove by state, or bulk remove/fail by ids; nothing changes and each refusal is audited', async () => {
    const queue = q('no-drain-by-side-door');
    const waiting = await queue.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'w', data: { i } })));
    await queue.add('later', {}, { delay: 60_000 });
    await queue.add('vip', {}, { priority: 3 });
    const ids = waiting.map((j) => j.id!);

    for (const state of ['waiting', 'delayed', 'prioritized'] as const) {
      await expect(cleanQueue(operator, target(queue.name), { state, olderThanMs: 0 })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/needs the admin role/) });
      await expect(bulkJobAction(operator, target(queue.name), { action: 'remove', state })).rejects.toMatchObject({ status: 403 });
    }
    await expect(bulkJobAction(operator, target(queue.name), { action: 'fail', ids })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/5 have not run.*nothing was changed/) });
    // Repeated refusals of one actor and action share an entry that counts them.
    const denied = (await listAudit(auditQuerySchema.parse({ user: 'op@test', outcome: 'denied' }))).entries;
    expect(denied.find((e) => e.action === 'queue.clean')).toMatchObject({ queue: queue.name, repeats: { count: 3 } });
    // One operation, one audit name: the three bulk removals by state and the bulk fail share an entry.
    expect(denied.find((e) => e.action === 'jobs.bulk')).toMatchObject({ params: { action: 'remove', state: 'waiting' }, repeats: { count: 4 } });
    await expect(bulkJobAction(operator, target(queue.name), { action: 'remove', ids })).rejects.toMatchObject({ status: 403 });
    expect(await queue.getWaitingCount()).toBe(5);
    expect(await queue.getDelayedCount()).toBe(1);
    expect(await queue.getPrioritizedCount()).toBe(1);
    expect(await queue.getFailedCount()).toBe(0);

    // The same through the route handler: 403 before anything changes.
    const { token } = await issueApiToken(admin, { name: 'side-door', role: 'operator' });
    const res = await bulkRoute.POST(
      new Request('http://console.test/x', { method: 'POST', body: JSON.stringify({ action: 'remove', ids }), headers: { authorization: `Bearer ${token}` } }),
      { params: Promise.resolve(target(queue.name)) },
    );
    expect(res.status).toBe(403);
    expect(await queue.getWaitingCount()).toBe(5);
  });

  it('operators still remove one unprocessed job, and finished jobs in bulk; admins do all of it', async () => {
    const queue = q('operator-still-works');
    const [a, b, c] = await queue.addBulk([{ name: 'a', data: {} }, { name: 'b', data: {} }, { name: 'c', data: {} }]);
    expect((await bulkJobAction(operator, target(queue.name), { action: 'remove', ids: [a.id!] })).succeeded).toBe(1);
    await expect(removeJob(operator, { ...target(queue.name), id: b.id! })).resolves.toMatchObject({ message: expect.any(String) });
    const finished = q('operator-finished');
    await failJobs(finished, 4);
    const failedIds = (await finished.getFailed(0, 9)).map((j) => j.id!);
    expect((await bulkJobAction(operator, target(finished.name), { action: 'remove', ids: failedIds.slice(0, 2) })).succeeded).toBe(2);
    expect((await cleanQueue(operator, target(finished.name), { state: 'failed', olderThanMs: 0 })).removed).toBe(2);
    expect((await bulkJobAction(admin, target(queue.name), { action: 'remove', state: 'waiting' })).succeeded).toBe(1);
    expect(await queue.getJob(c.id!)).toBeUndefined();
  });

  it('schedules on the dead-letter queue are refused like every other direct job action there', async () => {
    await expect(upsertSchedule(operator, { conn: 'main', queue: 'dead-letter', schedulerId: 'sneaky' }, scheduleInputSchema.parse({ pattern: '* * * * *', template: { name: 'x' } }))).rejects.toThrow(/is the dead-letter queue of connection "main"/);
    expect(await lastAudit(client)).toMatchObject({ action: 'schedule.upsert', queue: 'dead-letter', outcome: 'refused' });
    expect(await client.exists('bull:dead-letter:repeat')).toBe(0);
  });
});

describe('one meaning per role: a flow parent takes its children with it', () => {
  it('an operator cannot remove a parent whose children have not run, alone or in bulk; an admin can', async () => {
    const flows = redis.track(new FlowProducer({ connection: { url: redis.url } }));
    const kids = q('flow-kids');
    const parents = q('flow-parents');
    const family = async (name: string) =>
      (await flows.add({ name, queueName: 'flow-parents', data: {}, children: Array.from({ length: 5 }, (_, i) => ({ name: `${name}-kid`, queueName: 'flow-kids', data: { i } })) })).job.id!;
    const [p1, p2, p3] = [await family('p1'), await family('p2'), await family('p3')];
    expect(await kids.getWaitingCount()).toBe(15);

    await expect(removeJob(operator, { conn: 'main', queue: 'flow-parents', id: p1 })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/5 child jobs that have not run/) });
    // Failing parents one at a time is allowed; removing them in bulk must not take their children either.
    for (const id of [p2, p3]) await failJob(operator, { conn: 'main', queue: 'flow-parents', id });
    const bulk = await bulkJobAction(operator, { conn: 'main', queue: 'flow-parents' }, { action: 'remove', ids: [p2, p3] });
    expect(bulk).toMatchObject({ succeeded: 0, failed: 2 });
    expect(bulk.errors[0].message).toMatch(/needs the admin role/);
    expect(await kids.getWaitingCount()).toBe(15);
    expect(await parents.getJob(p1)).toBeDefined();

    await removeJob(admin, { conn: 'main', queue: 'flow-parents', id: p1 });
    expect(await kids.getWaitingCount()).toBe(10);
  });
});
