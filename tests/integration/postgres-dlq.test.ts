// The dead-letter queue's PostgreSQL-only paths (the both-store behaviour is dlq-stores.test.ts): dead
// letters grouped under earlier grouping rules join their current groups with the trigger-kept counts
// following; multi-megabyte payloads go through capture, the page, export and requeue intact; and the
// capture ledger forgets failures whose origin moved on. A real PostgreSQL and a real redis-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import { Pool } from 'pg';
import { startConfiguredStore, type TestStore } from '../helpers/stores';
import { ctxAs } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { errorGroupV1 } from '../helpers/dlq-grouping-v1';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { bulkJobs } from '@/lib/jobs/bulk-jobs';
import { listErrorGroups } from '@/lib/dlq/list-error-groups';
import { listDeadLetters, listDeadLettersQuerySchema } from '@/lib/dlq/list-dead-letters';
import { getDeadLetter } from '@/lib/dlq/get-dead-letter';
import { getDeadLetterSummary } from '@/lib/dlq/get-dead-letter-summary';
import { requeueDeadLetters } from '@/lib/dlq/requeue-dead-letters';
import { exportDeadLettersResponse } from '@/lib/dlq/export-dead-letters';
import { GROUPING_VERSION } from '@/lib/dlq/normalize-error';

const operator = ctxAs('operator', 'op@test');
const query = (q: Record<string, unknown>) => listDeadLettersQuerySchema.parse(q);

let store: TestStore;
let sql: Pool;
const conn = () => getConnection('main');

async function failJobs(queue: Queue, items: Array<{ name?: string; data: Record<string, unknown>; reason: string }>): Promise<string[]> {
  const jobs = await queue.addBulk(items.map((i) => ({ name: i.name ?? 'convert', data: { ...i.data, reason: i.reason }, opts: { attempts: 1 } })));
  const worker = store.worker(queue.name, async (job) => {
    throw new Error((job.data as { reason: string }).reason);
  }, { concurrency: 10 });
  const ids = jobs.map((j) => j.id!);
  await waitFor(async () => (await Promise.all(ids.map((id) => queue.getJobState(id)))).every((s) => s === 'failed'), { timeout: 60_000, what: `${ids.length} failed jobs` });
  await worker.close();
  return ids;
}

/** The trigger-kept counts against the rows themselves. */
async function countsAgree(): Promise<void> {
  const { rows: groups } = await sql.query(`SELECT group_id, count(*)::int AS n FROM drover.dead_letter GROUP BY group_id ORDER BY group_id`);
  const { rows: kept } = await sql.query(`SELECT group_id, count::int AS n FROM drover.dead_letter_group_count ORDER BY group_id`);
  expect(kept).toEqual(groups);
  const { rows: queues } = await sql.query(`SELECT queue, count(*)::int AS n FROM drover.dead_letter GROUP BY queue ORDER BY queue`);
  const { rows: keptQueues } = await sql.query(`SELECT queue, count::int AS n FROM drover.dead_letter_queue_count ORDER BY queue`);
  expect(keptQueues).toEqual(queues);
}

beforeAll(async () => {
  store = await startConfiguredStore('postgres');
  sql = new Pool({ connectionString: store.connection.url, max: 2 });
});

afterAll(async () => {
  await sql?.end();
  await closeAllConnections();
  await store?.stop();
});

describe('the dead-letter queue on PostgreSQL', () => {
  it('moves dead letters grouped by earlier rules into their current groups; the counts follow', async () => {
    const legacy = store.queue('legacy');
    const old = ['connect ECONNREFUSED 10.0.0.5:5432', 'connect ECONNREFUSED 10.0.0.6:5432', 'input file /in/a-1.png is missing', 'input file /in/b-22.png is missing'];
    const ids = await failJobs(legacy, old.map((reason, i) => ({ data: { i }, reason })));
    // Captured by a Drover of the earlier rules: their groups, and their grouping version in the rows.
    for (const [i, id] of ids.entries()) {
      expect(await conn().store.deadLetters.captureByIds('legacy', [id], { capturedBy: 'console:before-upgrade', group: errorGroupV1(old[i]) })).toMatchObject({ captured: [id] });
    }
    await sql.query(`UPDATE drover.dead_letter SET grouping_version = $1`, [GROUPING_VERSION - 1]);
    // The earlier rules split the two paths (three groups); the current ones do not (two).
    expect(new Set(old.map((r) => errorGroupV1(r).id)).size).toBe(3);
    expect(await conn().store.deadLetters.isRegrouped()).toBe(false);
    await countsAgree();

    const { groups, groupCount, regrouping, total } = await listErrorGroups(conn(), { limit: 50 });
    expect([regrouping, total, groupCount]).toEqual([false, 4, 2]);
    expect(groups.map((g) => [g.pattern, g.count]).sort()).toEqual([
      ['connect ECONNREFUSED <ip>:5432', 2],
      ['input file <path> is missing', 2],
    ]);
    const paths = groups.find((g) => g.pattern === 'input file <path> is missing')!;
    await countsAgree();
    // A group filter finds every member; the emptied groups' patterns go with the next retention pass.
    expect((await listDeadLetters(conn(), query({ group: paths.id }))).total).toBe(2);
    await conn().store.deadLetters.enforceRetention({ maxAgeDays: 30, maxCount: 100_000 });
    const { rows: patterns } = await sql.query(`SELECT pattern FROM drover.dead_letter_group ORDER BY pattern`);
    expect(patterns.map((p) => p.pattern)).toEqual(['connect ECONNREFUSED <ip>:5432', 'input file <path> is missing']);
  });

  it('carries multi-megabyte payloads through capture, the page, export and requeue intact', async () => {
    const big = store.queue('big');
    const blob = (c: string) => c.repeat(3 * 1024 * 1024);
    const ids = await failJobs(big, [
      { data: { blob: blob('a') }, reason: 'too big to convert' },
      { data: { blob: blob('b') }, reason: 'too big to convert' },
      { data: { blob: blob('c') }, reason: 'too big to convert' },
    ]);
    const sent = await bulkJobs(operator, { conn: 'main', queue: 'big' }, { action: 'dead-letter', ids });
    expect(sent).toMatchObject({ succeeded: 3, failed: 0 });
    const page = await listDeadLetters(conn(), query({ queue: 'big' }));
    expect(page.rows.length).toBe(3);
    // The page carries no payload; the detail says how big it is and refuses an edit over the limit.
    expect(JSON.stringify(page).length).toBeLessThan(10_000);
    const detail = await getDeadLetter(conn(), page.rows[0].id);
    expect(detail.envelopeSize).toBeGreaterThan(3 * 1024 * 1024);
    expect(detail.data).toBeUndefined();
    const lines = (await (await exportDeadLettersResponse(conn(), { queue: 'big' })).text()).trim().split('\n');
    expect(lines.length).toBe(3);
    const blobs = lines.map((l) => (JSON.parse(l) as { envelope: { data: { blob: string } } }).envelope.data.blob);
    expect(blobs.map((b) => [b.length, b[0]]).sort()).toEqual([[3 * 1024 * 1024, 'a'], [3 * 1024 * 1024, 'b'], [3 * 1024 * 1024, 'c']]);
    const requeued = await requeueDeadLetters(operator, 'main', { ids: page.rows.map((r) => r.id) });
    expect(requeued.requeued).toBe(3);
    const fresh = await Promise.all(requeued.jobs.map((j) => big.getJob(j.jobId)));
    expect(fresh.map((j) => (j!.data as { blob: string }).blob.length)).toEqual([3, 3, 3].map((n) => n * 1024 * 1024));
    await countsAgree();
  });

  it('re-grouping, claims, removals and captures of one DLQ at once: none fails, the counts agree', async () => {
    const busy = store.queue('busy');
    const ids = await failJobs(busy, Array.from({ length: 60 }, (_, i) => ({ data: { i }, reason: `disk /data/${i % 3}/x is full` })));
    const d = conn().store.deadLetters;
    await d.captureByIds('busy', ids.slice(0, 40), { capturedBy: 'test' });
    await sql.query(`UPDATE drover.dead_letter SET grouping_version = $1 WHERE queue = 'busy'`, [GROUPING_VERSION - 1]);
    const letters = (await listDeadLetters(conn(), query({ queue: 'busy', size: 50 }))).rows.map((r) => r.id);
    const results = await Promise.allSettled([
      d.regroup({ budgetMs: 2000, batch: 5 }),
      d.regroup({ budgetMs: 2000, batch: 7 }),
      ...letters.slice(0, 20).map((id, k) => d.claim([id, letters[39 - (k % 20)]], `t${k}`, Date.now(), 60_000)),
      d.remove(letters.slice(0, 10), 'purged'),
      d.remove(letters.slice(30, 40).reverse(), 'purged'),
      d.captureByIds('busy', ids.slice(40, 50), { capturedBy: 'test' }),
      d.captureByIds('busy', ids.slice(50, 60), { capturedBy: 'test' }),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await d.regroup({ budgetMs: 5000 });
    expect(await d.isRegrouped()).toBe(true);
    await countsAgree();
    expect((await getDeadLetterSummary(conn())).queues.find((q) => q.queue === 'busy')?.count).toBe(40);
  });

  it('refuses a page past the first 100,000 dead letters of a filter with what to do instead', async () => {
    await expect(listDeadLetters(conn(), query({ page: 501, size: 200 }))).rejects.toMatchObject({
      status: 400,
      message: 'page 501 starts past the first 100,000 dead letters of this filter: narrow it (by failure time, queue or error group) to reach older ones',
    });
  });

  it('forgets a capture once its origin is gone (the retention pass), keeping its dead letter', async () => {
    const reused = store.queue('reused');
    const [id] = await failJobs(reused, [{ data: { n: 1 }, reason: 'first failure' }]);
    expect(await conn().store.deadLetters.captureByIds('reused', [id], { capturedBy: 'test' })).toMatchObject({ captured: [id] });
    const { rows: before } = await sql.query(`SELECT count(*)::int AS n FROM drover.dead_letter_capture WHERE queue = 'reused'`);
    expect(before[0].n).toBe(1);
    // The origin is removed: the ledger entry stays for ten minutes (a live capture of the same failure
    // may still be on its way), then the retention pass drops it (reported as dangling).
    await reused.remove(id);
    await conn().store.deadLetters.enforceRetention({ maxAgeDays: 30, maxCount: 100_000 });
    const { rows: kept } = await sql.query(`SELECT count(*)::int AS n FROM drover.dead_letter_capture WHERE queue = 'reused'`);
    expect(kept[0].n).toBe(1);
    const retention = await conn().store.deadLetters.enforceRetention({ maxAgeDays: 30, maxCount: 100_000 }, { now: Date.now() + 11 * 60_000 });
    expect(retention.dangling).toBeGreaterThanOrEqual(1);
    const { rows: after } = await sql.query(`SELECT count(*)::int AS n FROM drover.dead_letter_capture WHERE queue = 'reused'`);
    expect(after[0].n).toBe(0);
    // Its dead letter stays until requeued, purged or expired.
    expect((await getDeadLetterSummary(conn())).queues.find((q) => q.queue === 'reused')?.count).toBe(1);
  });
});
