// The dead-letter queue on both stores (one suite, parameterized by store): jobs failed through BullMQ's
// API on a real redis-server and a real PostgreSQL, captured by the worker runtime's capture (live path
// and sweep) and by the console's "Send to DLQ", then read, filtered, grouped, requeued with edited
// data, purged, exported and trimmed through Drover's verbs, which only know the store seam. On
// PostgreSQL the dead letters live in Drover's own schema of the queues' database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Job, Queue } from 'bullmq';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { ctxAs } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { lastAudit } from '../helpers/audit';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { bulkJobs } from '@/lib/jobs/bulk-jobs';
import { factsFromJob } from '@/lib/dlq/capture';
import { parseEnvelope } from '@/lib/dlq/envelope';
import { errorGroupOf } from '@/lib/dlq/normalize-error';
import { listErrorGroups } from '@/lib/dlq/list-error-groups';
import { listDeadLetters, listDeadLettersQuerySchema } from '@/lib/dlq/list-dead-letters';
import { getDeadLetter } from '@/lib/dlq/get-dead-letter';
import { getDeadLetterSummary } from '@/lib/dlq/get-dead-letter-summary';
import { requeueDeadLetters } from '@/lib/dlq/requeue-dead-letters';
import { purgeDeadLetters } from '@/lib/dlq/purge-dead-letters';
import { exportDeadLettersResponse } from '@/lib/dlq/export-dead-letters';
import { DeadLetterCapture } from '@/workers/runtime/dead-letters';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { defineJobKind } from '@/lib/job-kinds/kind';
import { z } from 'zod';

const operator = ctxAs('operator', 'op@test');
const admin = ctxAs('admin', 'boss@test');
const query = (q: Record<string, unknown>) => listDeadLettersQuerySchema.parse(q);

describe.each(STORE_KINDS)('the dead-letter queue on %s', (kind) => {
  let store: TestStore;
  let consoleRedis: Redis;
  const conn = () => getConnection('main');
  const captures: DeadLetterCapture[] = [];
  /** Job ids of the "payments" jobs, by their data's order number. */
  let paymentIds: string[] = [];

  /** `items` jobs of `queue` failed for good (attempts 1) by a worker that logs a line and throws `reason(data)`. */
  async function failJobs(queue: Queue, items: Array<Record<string, unknown>>, reason: (data: Record<string, unknown>) => string, onFailed?: (job: Job) => void): Promise<string[]> {
    const jobs = await queue.addBulk(items.map((data) => ({ name: 'charge', data, opts: { attempts: 1 } })));
    const worker = store.worker(queue.name, async (job) => {
      await job.log(`charging ${Object.values(job.data as object).join(' ')}`);
      throw new Error(reason(job.data as Record<string, unknown>));
    }, { concurrency: 20 });
    if (onFailed) worker.on('failed', (job) => job && onFailed(job as Job));
    const ids = jobs.map((j) => j.id!);
    await waitFor(async () => (await Promise.all(ids.map((id) => queue.getJobState(id)))).every((s) => s === 'failed'), { timeout: 60_000, what: `${ids.length} failed jobs in ${queue.name}` });
    await worker.close();
    return ids;
  }

  /** The runtime's capture of one queue on this store (sweeps run only when called). */
  function runtimeCapture(queue: string, removeOrigin = false): DeadLetterCapture {
    const definition = defineJobKind({ kind: `k-${queue}`, queue, jobNames: ['charge'], description: 'fails', dataSchema: z.record(z.string(), z.unknown()), defaultJobOptions: {}, concurrency: 1, deadLetter: { removeOrigin } });
    const c = new DeadLetterCapture({
      store: conn().store.deadLetters,
      queueFor: (name) => conn().queue(name),
      retention: { maxAgeDays: 30, maxCount: 100_000 },
      kinds: [definition],
      workerName: 'drover@test:1',
      logger: createWorkerLogger({ worker: 'test' }, { write: () => {} }, 'silent'),
      sweepIntervalMs: 600_000,
    });
    captures.push(c);
    return c;
  }

  beforeAll(async () => {
    store = await startConfiguredStore(kind);
    consoleRedis = new Redis(store.consoleUrl);
  });

  afterAll(async () => {
    await Promise.allSettled(captures.map((c) => c.stop()));
    consoleRedis?.disconnect();
    await closeAllConnections();
    await store?.stop();
  });

  it('captures each failure exactly once: the live path, then two sweeps over the same jobs', async () => {
    const queue = store.queue('payments');
    const live: Job[] = [];
    const capture = runtimeCapture('payments');
    const ids = (paymentIds = await failJobs(queue, Array.from({ length: 40 }, (_, i) => ({ order: i, plan: i % 2 ? 'business' : 'free' })), (d) => (Number(d.order) % 4 === 0 ? `connect ECONNREFUSED 10.0.0.${d.order}:5432` : 'card declined'), (job) => live.push(job)));
    // The live path for the first ten (as the runtime's 'failed' listener does), then sweeps for everything.
    for (const job of live.slice(0, 10)) capture.onFailed(job);
    await waitFor(async () => (await getDeadLetterSummary(conn())).total === 10, { what: 'ten live captures' });
    await capture.sweep();
    await capture.sweep();
    const summary = await getDeadLetterSummary(conn());
    expect([summary.total, summary.stats.captured]).toEqual([40, 40]);
    expect(summary.queues).toEqual([{ queue: 'payments', count: 40 }]);
    // A failure captured again (a retried console call, a second worker) is a duplicate, not a second letter.
    const again = await conn().store.deadLetters.capture(factsFromJob(live[0], 'drover@test:1'), { capturedBy: 'runtime:drover@test:1', allowMissingOrigin: true });
    expect(again.outcome).toBe('duplicate');
    expect((await getDeadLetterSummary(conn())).stats.captured).toBe(40);
    // Their origin jobs stay in failed (removeOrigin is off for this kind).
    expect(await queue.getFailedCount()).toBe(40);
    expect(new Set((await listDeadLetters(conn(), query({ size: 200 }))).rows.map((r) => r.jobId))).toEqual(new Set(ids));
  });

  it('lists newest first, filters by queue, group, name and text (data included), and groups by error', async () => {
    const all = await listDeadLetters(conn(), query({ size: 25 }));
    expect([all.total, all.rows.length, all.hasNext]).toEqual([40, 25, true]);
    const times = all.rows.map((r) => r.failedAt!);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const second = await listDeadLetters(conn(), query({ size: 25, page: 2 }));
    expect(second.rows.length).toBe(15);
    expect(new Set([...all.rows, ...second.rows].map((r) => r.id)).size).toBe(40);

    const groups = await listErrorGroups(conn());
    expect([groups.total, groups.groupCount, groups.regrouping]).toEqual([40, 2, false]);
    const refused = errorGroupOf('connect ECONNREFUSED 10.0.0.4:5432');
    expect(groups.groups.map((g) => [g.id, g.count])).toEqual([
      [errorGroupOf('card declined').id, 30],
      [refused.id, 10],
    ]);
    expect(groups.groups[1]).toMatchObject({ pattern: refused.pattern, sample: expect.stringMatching(/^connect ECONNREFUSED 10\.0\.0\.\d+:5432$/) });
    expect(groups.groups[1].firstSeen).toBeLessThanOrEqual(groups.groups[1].lastSeen!);

    const byGroup = await listDeadLetters(conn(), query({ group: refused.id, size: 100 }));
    expect([byGroup.total, byGroup.rows.every((r) => r.failedReason.startsWith('connect ECONNREFUSED'))]).toEqual([10, true]);
    // A name filter walks on Redis (its total is exact once the walk reached the end).
    expect((await listDeadLetters(conn(), query({ queue: 'payments', name: 'charge', size: 100 }))).total).toBe(40);
    expect((await listDeadLetters(conn(), query({ name: 'refund' }))).total).toBe(0);
    // Text in the data: half the jobs are on the business plan.
    const business = await listDeadLetters(conn(), query({ q: 'BUSINESS', size: 100 }));
    expect([business.total, business.rows.length]).toEqual([20, 20]);
    // Every fourth order failed with ECONNREFUSED, and those are all on the free plan.
    expect((await listDeadLetters(conn(), query({ q: 'free', group: refused.id, size: 100 }))).total).toBe(10);
    expect((await listDeadLetters(conn(), query({ q: 'business', group: refused.id, size: 100 }))).total).toBe(0);
  });

  it("shows one dead letter whole: the failure, the origin's log copied at capture, its data, and whether the origin is still there", async () => {
    const row = (await listDeadLetters(conn(), query({ size: 100 }))).rows.find((r) => r.jobId === paymentIds[8])!;
    const detail = await getDeadLetter(conn(), row.id, { includeData: true });
    expect(detail).toMatchObject({
      id: row.id,
      connection: 'main',
      queue: 'payments',
      name: 'charge',
      failedReason: 'connect ECONNREFUSED 10.0.0.8:5432',
      attemptsMade: 1,
      originPresent: true,
      data: { order: 8, plan: 'free' },
      logs: { count: 1, lines: [expect.stringMatching(/^charging (8 free|free 8)$/)] },
    });
    expect(detail.stacktrace[0]).toMatch(/^Error: connect ECONNREFUSED/);
    expect(detail.envelopeSize).toBeGreaterThan(100);
    await expect(getDeadLetter(conn(), 'dl-00000000000000000000000000000000')).rejects.toMatchObject({ status: 404 });
  });

  it('requeues one with edited data as a fresh job of its queue, once, and audits it', async () => {
    const queue = store.queue('payments');
    const row = (await listDeadLetters(conn(), query({ size: 100 }))).rows.find((r) => r.jobId === paymentIds[2])!;
    const out = await requeueDeadLetters(operator, 'main', { ids: [row.id], data: '{"order": 2, "plan": "business", "fixed": true}' });
    expect(out.requeued).toBe(1);
    const job = await queue.getJob(out.jobs[0].jobId);
    expect([job?.name, job?.data, job?.attemptsMade]).toEqual(['charge', { order: 2, plan: 'business', fixed: true }, 0]);
    expect(['waiting', 'prioritized']).toContain(await queue.getJobState(out.jobs[0].jobId));
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'dlq.requeue', actor: 'op@test', outcome: 'ok', connection: 'main', count: 1 });
    await expect(getDeadLetter(conn(), row.id)).rejects.toMatchObject({ status: 404 });
    await expect(requeueDeadLetters(operator, 'main', { ids: [row.id] })).rejects.toThrow(`Dead letter ${row.id} not found (requeued or purged meanwhile)`);
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'dlq.requeue', outcome: 'refused' });
    const summary = await getDeadLetterSummary(conn());
    expect([summary.total, summary.stats.requeued]).toEqual([39, 1]);
  });

  it('two operators requeuing the same dead letters at once requeue each exactly once', async () => {
    const queue = store.queue('payments');
    const before = await queue.getWaitingCount();
    const ids = (await listDeadLetters(conn(), query({ name: 'charge', q: 'free', size: 10 }))).rows.map((r) => r.id);
    expect(ids.length).toBe(10);
    const [a, b] = await Promise.all([requeueDeadLetters(operator, 'main', { ids }), requeueDeadLetters(operator, 'main', { ids })]);
    expect(a.requeued + b.requeued).toBe(10);
    expect(await queue.getWaitingCount()).toBe(before + 10);
    expect(await conn().store.deadLetters.exists(ids)).toEqual(ids.map(() => false));
  });

  it('requeue claims: renewed by the same token, refused to another until they expire', async () => {
    const d = conn().store.deadLetters;
    const ids = (await listDeadLetters(conn(), query({ size: 10 }))).rows.slice(0, 2).map((r) => r.id).sort();
    const at = Date.now();
    const claim = async (token: string, offset: number) => (await d.claim(ids, token, at + offset, 60_000)).sort();
    expect(await claim('a', 0)).toEqual(ids);
    expect(await claim('b', 1_000)).toEqual([]);
    expect(await claim('a', 30_000)).toEqual(ids); // renewed: held until +90 s
    expect(await claim('b', 70_000)).toEqual([]);
    expect(await claim('b', 100_000)).toEqual(ids); // expired: taken over
    await d.release(ids, 'a'); // not a's any more: nothing released
    expect(await claim('a', 101_000)).toEqual([]);
    await d.release(ids, 'b');
    expect(await claim('a', 102_000)).toEqual(ids);
    await d.release(ids, 'a');
  });

  it('exports every match as NDJSON, envelope data byte for byte', async () => {
    const refused = errorGroupOf('connect ECONNREFUSED 10.0.0.4:5432');
    const response = await exportDeadLettersResponse(conn(), { group: refused.id });
    expect(response.headers.get('Content-Type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = (await response.text()).trim().split('\n').map((l) => JSON.parse(l) as { id: string; group: string; envelope: unknown });
    const expected = await listDeadLetters(conn(), query({ group: refused.id, size: 100 }));
    expect(lines.map((l) => l.id).sort()).toEqual(expected.rows.map((r) => r.id).sort());
    for (const line of lines) {
      const envelope = parseEnvelope(JSON.stringify(line.envelope));
      expect([line.group, envelope.queue, envelope.failedReason.startsWith('connect ECONNREFUSED')]).toEqual([refused.id, 'payments', true]);
      expect(envelope.data).toEqual({ order: expect.any(Number), plan: expect.any(String) });
    }
  });

  it('sends failed jobs from the console by ids and by state, skipping what is not failed', async () => {
    const queue = store.queue('invoices');
    const failed = await failJobs(queue, Array.from({ length: 12 }, (_, i) => ({ invoice: `inv-${i}` })), () => 'template missing');
    const waiting = await queue.add('draft', { invoice: 'inv-99' });
    const byIds = await bulkJobs(operator, { conn: 'main', queue: 'invoices' }, { action: 'dead-letter', ids: [failed[0], failed[1], waiting.id!] });
    expect(byIds).toMatchObject({ succeeded: 2, failed: 1, errors: [{ id: waiting.id, message: `Job ${waiting.id} is not failed (only failed jobs go to the dead-letter queue)` }] });
    const byState = await bulkJobs(operator, { conn: 'main', queue: 'invoices' }, { action: 'dead-letter', state: 'failed' });
    expect(byState).toMatchObject({ requested: 12, succeeded: 12, failed: 0, message: '10 of 12 jobs sent to the dead-letter queue "dead-letter"; 2 already there' });
    expect((await listDeadLetters(conn(), query({ queue: 'invoices' }))).total).toBe(12);
    expect(await lastAudit(consoleRedis)).toMatchObject({ actor: 'op@test', outcome: 'ok', count: 10 });
  });

  it('requeues and purges by filter, counting each', async () => {
    // inv-1, inv-10 and inv-11
    const requeued = await requeueDeadLetters(operator, 'main', { filter: { queue: 'invoices', q: 'INV-1' } });
    expect(requeued.requeued).toBe(3);
    expect((await store.queue('invoices').getJobs(['waiting'], 0, 100)).map((j) => j.data.invoice).sort()).toEqual(['inv-1', 'inv-10', 'inv-11', 'inv-99']);
    const purged = await purgeDeadLetters(admin, 'main', { filter: { queue: 'invoices' } });
    expect(purged.purged).toBe(9);
    expect(await lastAudit(consoleRedis)).toMatchObject({ action: 'dlq.purge', actor: 'boss@test', outcome: 'ok', count: 9 });
    const summary = await getDeadLetterSummary(conn());
    expect(summary.queues.map((q) => q.queue)).toEqual(['payments']);
    expect(summary.stats).toMatchObject({ captured: 52, purged: 9 });
  });

  it('a requeued or purged dead letter is not captured again while its origin stays failed (sweeps, Send to DLQ by state)', async () => {
    const queue = store.queue('ledger');
    const capture = runtimeCapture('ledger');
    await failJobs(queue, [{ n: 1 }, { n: 2 }, { n: 3 }], () => 'ledger closed');
    await capture.sweep();
    const rows = (await listDeadLetters(conn(), query({ queue: 'ledger' }))).rows;
    expect(rows.length).toBe(3);
    await requeueDeadLetters(operator, 'main', { ids: [rows[0].id] });
    await purgeDeadLetters(admin, 'main', { ids: [rows[1].id] });
    const before = await getDeadLetterSummary(conn());
    // The origins are still failed by the same attempt: their failures were captured once, and stay so.
    expect(await queue.getFailedCount()).toBe(3);
    await capture.sweep();
    const again = await bulkJobs(operator, { conn: 'main', queue: 'ledger' }, { action: 'dead-letter', state: 'failed' });
    expect(again).toMatchObject({ requested: 3, message: '0 of 3 jobs sent to the dead-letter queue "dead-letter"; 3 already there' });
    const after = await getDeadLetterSummary(conn());
    expect([after.total, after.stats.captured]).toEqual([before.total, before.stats.captured]);
    expect((await listDeadLetters(conn(), query({ queue: 'ledger' }))).rows.map((r) => r.id)).toEqual([rows[2].id]);
    // A new failure of a retried origin is a new dead letter.
    const origin = await queue.getJob(rows[1].jobId);
    await origin!.retry();
    const worker = store.worker('ledger', async () => {
      throw new Error('ledger closed again');
    });
    await waitFor(async () => (await queue.getJobState(rows[1].jobId)) === 'failed', { what: 'the retried origin failed again' });
    await worker.close();
    await capture.sweep();
    const newest = (await listDeadLetters(conn(), query({ queue: 'ledger', size: 10 }))).rows;
    expect(newest.find((r) => r.jobId === rows[1].jobId)).toMatchObject({ failedReason: 'ledger closed again', attemptsMade: 2 });
  });

  it('jobs retried with "retry all" that fail again are new dead letters (PostgreSQL\'s retry_jobs resets attempt counts)', async () => {
    const queue = store.queue('ledger');
    const before = (await listDeadLetters(conn(), query({ queue: 'ledger', size: 10 }))).rows;
    const failedIds = (await queue.getJobs(['failed'], 0, 100)).map((j) => j.id!).sort();
    // The three origins of the test above, and the job one of their requeues made, which failed there too.
    expect(failedIds.length).toBe(4);
    const retried = await bulkJobs(operator, { conn: 'main', queue: 'ledger' }, { action: 'retry', state: 'failed' });
    expect(retried.succeeded).toBe(4);
    const worker = store.worker('ledger', async () => {
      throw new Error('ledger closed for the night');
    });
    await waitFor(async () => (await Promise.all(failedIds.map((id) => queue.getJobState(id)))).every((st) => st === 'failed'), { what: 'the retried jobs failed again' });
    await worker.close();
    await runtimeCapture('ledger').sweep();
    const after = (await listDeadLetters(conn(), query({ queue: 'ledger', size: 10 }))).rows;
    const again = after.filter((r) => r.failedReason === 'ledger closed for the night' && failedIds.includes(r.jobId));
    expect(again.map((r) => r.jobId).sort()).toEqual(failedIds);
    // The earlier dead letters stay as they were.
    for (const row of before) expect(after.find((r) => r.id === row.id)).toMatchObject({ failedReason: row.failedReason });
  });

  it('retention keeps the newest maxCount and counts the rest as expired', async () => {
    const before = await getDeadLetterSummary(conn());
    const kept = (await listDeadLetters(conn(), query({ size: 10 }))).rows.slice(0, 5).map((r) => r.id);
    const result = await conn().store.deadLetters.enforceRetention({ maxAgeDays: 30, maxCount: 5 }, { batch: 7 });
    expect([result.expired, result.caughtUp]).toEqual([before.total - 5, true]);
    const after = await getDeadLetterSummary(conn());
    expect([after.total, after.stats.expired]).toEqual([5, before.total - 5]);
    expect((await listDeadLetters(conn(), query({ size: 10 }))).rows.map((r) => r.id)).toEqual(kept);
  });

  it('a removeOrigin kind removes the origin job once its dead letter exists', async () => {
    const queue = store.queue('cleanup');
    const capture = runtimeCapture('cleanup', true);
    const ids = await failJobs(queue, [{ n: 1 }, { n: 2 }, { n: 3 }], () => 'gone for good');
    await capture.sweep();
    expect((await listDeadLetters(conn(), query({ queue: 'cleanup' }))).total).toBe(3);
    expect(await Promise.all(ids.map((id) => queue.getJobState(id)))).toEqual(['unknown', 'unknown', 'unknown']);
  });
});
