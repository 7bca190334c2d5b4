// The explorer and the single-job actions against both stores (one suite, parameterized by store): the
// same data built through BullMQ's API on a real redis-server and a real PostgreSQL, read and changed
// through Drover's verbs, which only know the store seam (lib/store).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Worker } from 'bullmq';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { ctxAs } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { getOverview } from '@/lib/queues/get-overview';
import { getQueue } from '@/lib/queues/get-queue';
import { listJobs } from '@/lib/jobs/list-jobs';
import { listJobsQuerySchema } from '@/lib/jobs/schemas';
import { getJob } from '@/lib/jobs/get-job';
import { getJobField } from '@/lib/jobs/get-job-field';
import { getJobLogs } from '@/lib/jobs/get-job-logs';
import { retryJob } from '@/lib/jobs/retry-job';
import { promoteJob } from '@/lib/jobs/promote-job';
import { removeJob } from '@/lib/jobs/remove-job';
import { readBusyConnection } from '@/lib/workers/get-busy';

const operator = ctxAs('operator', 'op@test');
const admin = ctxAs('admin', 'boss@test');

describe.each(STORE_KINDS)('explorer on %s', (kind) => {
  let store: TestStore;
  let worker: Worker;
  let release: () => void = () => {};
  let activeId = '';
  const ids: Record<string, string> = {};
  const conn = () => getConnection('main');
  const list = (queue: string, raw: Record<string, unknown>) => listJobs(conn(), queue, listJobsQuerySchema.parse(raw));

  beforeAll(async () => {
    store = await startConfiguredStore(kind, { queues: ['configured-only'] });
    const mail = store.queue('mail');
    ids.later = (await mail.add('later', { to: 'b@example.com' }, { delay: 600_000 })).id!;
    ids.ok = (await mail.add('ok', { to: 'd@example.com', big: 'x'.repeat(5000) })).id!;
    ids.broken = (await mail.add('broken', { to: 'e@example.com' }, { attempts: 1 })).id!;
    ids.hold = (await mail.add('hold', { to: 'f@example.com' })).id!;
    const blocker = new Promise<void>((resolve) => (release = resolve));
    const done = new Set<string>();
    worker = store.worker(
      'mail',
      async (job: Job) => {
        if (job.name === 'broken') throw new Error('SMTP 550 mailbox unavailable for e@example.com');
        if (job.name === 'hold') {
          activeId = job.id!;
          await job.updateProgress(42);
          for (let i = 0; i < 5; i++) await job.log(`line ${i}`);
          await blocker;
        }
        return { sent: true };
      },
      { concurrency: 5, name: 'drover-test-1' },
    );
    worker.on('completed', (job) => done.add(job.id!));
    worker.on('failed', (job) => job && done.add(job.id!));
    await waitFor(() => done.has(ids.ok) && done.has(ids.broken) && activeId, { what: 'the worker to finish two jobs and hold one', timeout: 30_000 });
    await mail.pause();
    ids.queued = (await mail.add('queued', { to: 'g@example.com' })).id!;
    ids.vip = (await mail.add('vip', { to: 'h@example.com' }, { priority: 3 })).id!;
    // 30 finished jobs for paging: completed through the worker would take a while on PostgreSQL; failed ones
    // are made by a second queue's worker that fails every job at once.
    const bulk = store.queue('bulk');
    await bulk.addBulk(Array.from({ length: 30 }, (_, i) => ({ name: `job-${i}`, data: { i } })));
    let failedCount = 0;
    const failer = store.worker('bulk', async () => {
      throw new Error('nope');
    }, { concurrency: 10 });
    failer.on('failed', () => failedCount++);
    await waitFor(() => failedCount >= 30, { what: '30 failed jobs', timeout: 30_000 });
    await failer.close();
  });

  afterAll(async () => {
    release();
    await closeAllConnections();
    await store?.stop();
  });

  it('discovers the queues, plus configured ones', async () => {
    const { queues, complete } = await discoverQueues(conn(), { refresh: true });
    expect(complete).toBe(true);
    expect(queues).toEqual(expect.arrayContaining(['bulk', 'configured-only', 'mail']));
    expect(queues).not.toContain('__schema');
  });

  it('counts every state, the paused flag and the workers in the overview', async () => {
    const overview = await getOverview({ refresh: true });
    const main = overview.connections.find((c) => c.name === 'main')!;
    expect(main.error).toBeNull();
    const mail = main.queues.find((q) => q.name === 'mail')!;
    expect(mail.counts).toEqual({ waiting: 1, active: 1, delayed: 1, prioritized: 1, 'waiting-children': 0, completed: 1, failed: 1 });
    expect(mail.paused).toBe(true);
    expect(mail.workers).toBe(1);
    expect(mail.recentFailed).toBe(1);
    expect(mail.oldestWaitingAt).toBeGreaterThan(Date.now() - 120_000);
    expect(main.queues.find((q) => q.name === 'configured-only')!.exists).toBe(false);
    expect(main.queues.find((q) => q.name === 'bulk')!.counts.failed).toBe(30);
  });

  it('answers the queue page header and 404 for an unknown queue', async () => {
    const detail = await getQueue(conn(), 'mail');
    expect(detail.paused).toBe(true);
    expect(detail.workers.map((w) => w.name)).toEqual(['drover-test-1']);
    await expect(getQueue(conn(), 'nope')).rejects.toThrow('Queue "nope" not found on connection "main"');
    await expect(list('nope', { state: 'failed' })).rejects.toThrow('Queue "nope" not found');
  });

  it('lists each state with summary fields only, never the payload', async () => {
    const failed = await list('mail', { state: 'failed' });
    expect(failed.total).toBe(1);
    expect(failed.jobs[0]).toMatchObject({ id: ids.broken, name: 'broken', attemptsMade: 1, failedReason: 'SMTP 550 mailbox unavailable for e@example.com' });
    expect(failed.jobs[0]).not.toHaveProperty('data');
    expect((await list('mail', { state: 'delayed' })).jobs.map((j) => j.id)).toEqual([ids.later]);
    expect((await list('mail', { state: 'prioritized' })).jobs.map((j) => j.id)).toEqual([ids.vip]);
    expect((await list('mail', { state: 'waiting' })).jobs.map((j) => j.id)).toEqual([ids.queued]);
    const active = await list('mail', { state: 'active' });
    expect(active.jobs.map((j) => [j.id, j.progress])).toEqual([[activeId, 42]]);
    const completed = await list('mail', { state: 'completed' });
    // Redis: the JSON's length; PostgreSQL: the stored (compressed) size of the jsonb, read without the value.
    expect(completed.jobs[0].dataSize).toBeGreaterThan(100);
  });

  it('pages a state both ways and from both ends with the same rows as one read', async () => {
    const all = (await list('bulk', { state: 'failed', size: 100 })).jobs.map((j) => j.id);
    expect(all).toHaveLength(30);
    const pages: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const p = await list('bulk', { state: 'failed', size: 10, page });
      expect(p.hasNext).toBe(page < 3);
      pages.push(...p.jobs.map((j) => j.id));
    }
    expect(pages).toEqual(all);
    // The last page (read from the other end on PostgreSQL) and the other order.
    const last = await list('bulk', { state: 'failed', size: 10, page: 3 });
    expect(last.jobs.map((j) => j.id)).toEqual(all.slice(20));
    const partial = await list('bulk', { state: 'failed', size: 25, page: 2 });
    expect(partial.jobs.map((j) => j.id)).toEqual(all.slice(25));
    const oldest = await list('bulk', { state: 'failed', size: 100, order: 'oldest' });
    expect(oldest.jobs.map((j) => j.id)).toEqual([...all].reverse());
    expect((await list('bulk', { state: 'failed', size: 10, page: 9 })).jobs).toEqual([]);
  });

  it('lists the worker and the job it runs on Busy', async () => {
    const busy = await readBusyConnection(conn());
    expect(busy.error).toBeNull();
    const running = busy.processes.flatMap((p) => p.jobs.map((j) => [p.name, j.id, j.queue]));
    expect(running).toContainEqual(['drover-test-1', activeId, 'mail']);
  });

  it('opens a job: fields, state, progress, error and logs, without the payload', async () => {
    const broken = await getJob(conn(), 'mail', ids.broken);
    expect(broken).toMatchObject({ id: ids.broken, queue: 'mail', connection: 'main', name: 'broken', state: 'failed', attemptsMade: 1, failedReason: 'SMTP 550 mailbox unavailable for e@example.com' });
    expect(broken.stacktrace[0]).toMatch(/SMTP 550/);
    expect(broken.opts).toMatchObject({ attempts: 1 });
    const hold = await getJob(conn(), 'mail', activeId);
    expect(hold).toMatchObject({ state: 'active', progress: 42, processedBy: expect.any(String) });
    const later = await getJob(conn(), 'mail', ids.later);
    expect(later.state).toBe('delayed');
    expect(later.delayedUntil).toBeGreaterThan(Date.now() + 500_000);
    await expect(getJob(conn(), 'mail', 'no-such-job')).rejects.toThrow('Job no-such-job not found in queue "mail"');
    const logs = await getJobLogs(conn(), 'mail', activeId, 1, 2);
    expect(logs).toMatchObject({ count: 5, logs: ['line 1', 'line 2'] });
    expect((await getJobLogs(conn(), 'mail', activeId, -2, -1)).logs).toEqual(['line 3', 'line 4']);
  });

  it('reads data and the return value cut at a limit', async () => {
    const data = await getJobField(conn(), 'mail', ids.ok, 'data', 100);
    expect(data.truncated).toBe(true);
    expect(data.size).toBeGreaterThan(5000);
    expect(Buffer.byteLength(data.text)).toBeLessThanOrEqual(100);
    const whole = await getJobField(conn(), 'mail', ids.ok, 'data', -1);
    expect(JSON.parse(whole.text)).toEqual({ to: 'd@example.com', big: 'x'.repeat(5000) });
    const value = await getJobField(conn(), 'mail', ids.ok, 'returnvalue');
    expect(JSON.parse(value.text)).toEqual({ sent: true });
  });

  it('retries, promotes and removes jobs through BullMQ, refusing what the state does not allow', async () => {
    await expect(retryJob(operator, { conn: 'main', queue: 'mail', id: ids.queued })).rejects.toThrow(`Job ${ids.queued} is waiting: only failed or completed jobs can be retried`);
    const retried = await retryJob(operator, { conn: 'main', queue: 'mail', id: ids.broken });
    expect(retried.state).toBe('waiting');
    expect((await getJob(conn(), 'mail', ids.broken)).state).toBe('waiting');
    await promoteJob(operator, { conn: 'main', queue: 'mail', id: ids.later });
    expect((await getJob(conn(), 'mail', ids.later)).state).toBe('waiting');
    await removeJob(admin, { conn: 'main', queue: 'mail', id: ids.vip });
    await expect(getJob(conn(), 'mail', ids.vip)).rejects.toThrow('not found');
    await expect(removeJob(admin, { conn: 'main', queue: 'mail', id: ids.vip })).rejects.toThrow(`Job ${ids.vip} no longer exists in queue "mail"`);
  });
});
