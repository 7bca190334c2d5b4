// Whole-queue search, the name filter of job lists and a flow parent's children against both stores (one
// suite, parameterized by store): the same data built through BullMQ's API on a real redis-server and a
// real PostgreSQL, read through Drover's verbs, which only know the store seam (lib/store/search-store.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { searchJobs, type SearchChunk, type SearchMatch } from '@/lib/jobs/search-jobs';
import { FILTER_MAX_SCAN, listJobs } from '@/lib/jobs/list-jobs';
import { getJobChildren } from '@/lib/jobs/get-job-children';
import { listJobsQuerySchema, searchQuerySchema } from '@/lib/jobs/schemas';

describe.each(STORE_KINDS)('search on %s', (kind) => {
  let store: TestStore;
  const ids: Record<string, string> = {};
  const bulkIds = new Set<string>();
  const conn = () => getConnection('main');
  const search = (queue: string, raw: Record<string, unknown>) => searchJobs(conn(), queue, searchQuerySchema.parse(raw));
  const list = (queue: string, raw: Record<string, unknown>) => listJobs(conn(), queue, listJobsQuerySchema.parse(raw));

  /** Follows the cursor to the end; every call's answer is kept. */
  async function searchAll(queue: string, raw: Record<string, unknown>): Promise<{ matches: SearchMatch[]; calls: SearchChunk[] }> {
    const calls: SearchChunk[] = [];
    let cursor: string | undefined;
    do {
      const chunk = await search(queue, { ...raw, cursor });
      calls.push(chunk);
      cursor = chunk.cursor ?? undefined;
    } while (cursor && calls.length < 1000);
    return { matches: calls.flatMap((c) => c.matches), calls };
  }

  beforeAll(async () => {
    store = await startConfiguredStore(kind);
    const shop = store.queue('shop');
    ids.ship = (await shop.add('ship', { to: 'a@example.com' })).id!;
    ids.charge = (await shop.add('charge', { amount: 1200 }, { attempts: 1 })).id!;
    const done = new Set<string>();
    const worker = store.worker('shop', async (job: Job) => {
      if (job.name === 'charge') throw new Error('Card DECLINED: Needle-Reason-3');
      await job.log('label PRINTED for Needle-Log-7');
      return { receipt: 'Needle-Return-9' };
    });
    worker.on('completed', (job) => done.add(job.id!));
    worker.on('failed', (job) => job && done.add(job.id!));
    await waitFor(() => done.has(ids.ship) && done.has(ids.charge), { what: 'the worker to finish two jobs', timeout: 30_000 });
    await worker.close();
    ids.invoice = (await shop.add('invoice', { customer: 'ACME', note: 'Needle-Data-5', city: 'ÉCOLE' })).id!;
    ids.named = (await shop.add('Needle-Name-Job', { x: 1 })).id!;
    ids.later = (await shop.add('later', { tag: 'bulk-hit' }, { delay: 600_000 })).id!;
    for (let i = 0; i < 450; i += 150) {
      const jobs = await shop.addBulk(Array.from({ length: 150 }, (_, k) => ({ name: 'bulk', data: { tag: 'bulk-hit', i: i + k } })));
      for (const job of jobs) bulkIds.add(job.id!);
    }
  });

  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  it('finds text in data, ignoring ASCII case only (as Redis Lua folds), in any state', async () => {
    const { matches } = await searchAll('shop', { q: 'needle-DATA-5', field: 'data' });
    expect(matches.map((m) => [m.id, m.name, m.state])).toEqual([[ids.invoice, 'invoice', 'waiting']]);
    expect((await searchAll('shop', { q: 'École', field: 'data' })).matches.map((m) => m.id)).toEqual([ids.invoice]);
    expect((await searchAll('shop', { q: 'école', field: 'data' })).matches).toEqual([]);
  });

  it('finds a failed reason, a name, a log line and a return value, each in its field', async () => {
    const find = async (q: string, field: string) => (await searchAll('shop', { q, field })).matches.map((m) => [m.id, m.state]);
    expect(await find('needle-reason-3', 'failedReason')).toEqual([[ids.charge, 'failed']]);
    expect(await find('needle-name', 'name')).toEqual([[ids.named, 'waiting']]);
    expect(await find('needle-log-7', 'logs')).toEqual([[ids.ship, 'completed']]);
    expect(await find('needle-return-9', 'returnvalue')).toEqual([[ids.ship, 'completed']]);
    expect(await find('needle-return-9', 'any')).toEqual([[ids.ship, 'completed']]);
    // 'any' is every text field of the job, not its logs (as on Redis).
    expect(await find('needle-log-7', 'any')).toEqual([]);
    expect(await find('needle-reason-3', 'data')).toEqual([]);
  });

  it('finds a job by id, in its state only', async () => {
    const hit = await search('shop', { q: ids.charge, field: 'id' });
    expect(hit.matches.map((m) => [m.id, m.state])).toEqual([[ids.charge, 'failed']]);
    expect(hit.cursor).toBeNull();
    expect((await search('shop', { q: ids.charge, field: 'id', state: 'waiting' })).matches).toEqual([]);
    expect((await search('shop', { q: 'no-such-id', field: 'id' })).matches).toEqual([]);
  });

  it('searches the asked state only', async () => {
    const delayed = await searchAll('shop', { q: 'bulk-hit', field: 'data', state: 'delayed' });
    expect(delayed.matches.map((m) => [m.id, m.state])).toEqual([[ids.later, 'delayed']]);
    expect(delayed.calls[0].total).toBe(1);
  });

  it('walks the whole queue through the cursor: at most 200 matches a call, each job once, the same as state by state', async () => {
    const all = await searchAll('shop', { q: 'BULK-HIT', field: 'data' });
    expect(all.calls.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...all.calls.map((c) => c.matches.length))).toBeLessThanOrEqual(200);
    const found = all.matches.map((m) => m.id);
    expect(new Set(found).size).toBe(found.length);
    expect(new Set(found)).toEqual(new Set([...bulkIds, ids.later]));
    const last = all.calls[all.calls.length - 1];
    expect(last.cursor).toBeNull();
    expect(last.scannedSoFar).toBe(last.total);
    expect(last.total).toBe(bulkIds.size + 5);
    const waiting = await searchAll('shop', { q: 'bulk-hit', field: 'data', state: 'waiting' });
    expect(new Set(waiting.matches.map((m) => m.id))).toEqual(bulkIds);
    expect(waiting.matches.every((m) => m.state === 'waiting')).toBe(true);
  });

  it('refuses a cursor it did not make', async () => {
    await expect(search('shop', { q: 'x', cursor: 'not-a-cursor' })).rejects.toThrow(/Invalid search cursor/);
  });

  it('filters a list by job name across pages in both orders, going on from the cursor', async () => {
    const named = store.queue('named');
    await named.addBulk(Array.from({ length: 60 }, (_, i) => ({ name: i % 3 === 0 ? 'send-email' : 'other', data: { i } })));
    for (const order of ['newest', 'oldest'] as const) {
      const page1 = await list('named', { state: 'waiting', size: 10, name: 'send-email', order });
      expect(page1.jobs.map((j) => j.name)).toEqual(Array(10).fill('send-email'));
      expect(page1.filter).toMatchObject({ complete: false, from: 0, maxScan: FILTER_MAX_SCAN });
      expect(page1.total).toBe(60);
      const pages = [page1];
      while (pages[pages.length - 1].filter!.nextCursor !== null && pages.length < 5) {
        const cursor = pages[pages.length - 1].filter!.nextCursor;
        const page = await list('named', { state: 'waiting', size: 10, name: 'send-email', order, cursor });
        expect(page.filter!.from).toBe(cursor);
        pages.push(page);
      }
      const jobs = pages.flatMap((p) => p.jobs);
      expect(jobs.map((j) => j.name)).toEqual(Array(20).fill('send-email'));
      expect(new Set(jobs.map((j) => j.id)).size).toBe(20);
      expect(pages[pages.length - 1].filter).toMatchObject({ complete: true, nextCursor: null });
      expect(pages.reduce((sum, p) => sum + p.filter!.scanned, 0)).toBe(60);
      const added = jobs.map((j) => j.timestamp ?? 0);
      expect(added).toEqual([...added].sort((a, b) => (order === 'newest' ? b - a : a - b)));
    }
  });

  it('a name-filtered list examines at most FILTER_MAX_SCAN jobs per request and goes on from its cursor', async () => {
    const sparse = store.queue('sparse');
    // The only matches are the oldest jobs: behind 60,000 newer ones.
    await sparse.addBulk(Array.from({ length: 3 }, (_, i) => ({ name: 'needle', data: { i } })));
    for (let i = 0; i < 60_000; i += 10_000) await sparse.addBulk(Array.from({ length: 10_000 }, (_, j) => ({ name: 'hay', data: { j } })));
    const first = await list('sparse', { state: 'waiting', size: 10, name: 'needle' });
    expect(first.jobs).toEqual([]);
    expect(first.filter).toMatchObject({ scanned: FILTER_MAX_SCAN, complete: false, nextCursor: FILTER_MAX_SCAN });
    const next = await list('sparse', { state: 'waiting', size: 10, name: 'needle', cursor: first.filter!.nextCursor });
    expect(next.jobs.map((j) => j.name)).toEqual(['needle', 'needle', 'needle']);
    expect(next.filter).toMatchObject({ complete: true, from: FILTER_MAX_SCAN, scanned: 60_003 - FILTER_MAX_SCAN });
    const past = await list('sparse', { state: 'waiting', size: 10, name: 'needle', cursor: 70_000 });
    expect(past.jobs).toEqual([]);
    expect(past.filter).toMatchObject({ complete: true, scanned: 0, nextCursor: null });
  });

  it('lists a flow parent’s children with their state: pending ones, and at most 100 processed ones', async () => {
    const flows = store.flowProducer();
    const waitingFlow = await flows.add({
      name: 'report',
      queueName: 'reports',
      data: {},
      children: [
        { name: 'part-a', queueName: 'parts', data: {} },
        { name: 'part-b', queueName: 'parts', data: {} },
      ],
    });
    const children = await getJobChildren(conn(), 'reports', waitingFlow.job.id!);
    expect(children.map((c) => [c.queue, c.name, c.state, c.group]).sort()).toEqual([
      ['parts', 'part-a', 'waiting', 'pending'],
      ['parts', 'part-b', 'waiting', 'pending'],
    ]);
    expect(children.every((c) => c.key === `bull:parts:${c.id}`)).toBe(true);
    const batch = await flows.add({
      name: 'batch',
      queueName: 'batches',
      data: {},
      children: Array.from({ length: 105 }, (_, i) => ({ name: `kid-${i}`, queueName: 'kids', data: { i } })),
    });
    let processed = 0;
    const kids = store.worker('kids', async () => 'r'.repeat(10_000), { concurrency: 20 });
    kids.on('completed', () => processed++);
    await waitFor(() => processed >= 105, { what: '105 processed children', timeout: 60_000 });
    await waitFor(async () => (await getJobChildren(conn(), 'batches', batch.job.id!)).every((c) => c.group === 'processed'), { what: 'children recorded as processed', timeout: 10_000 });
    await kids.close();
    const done = await getJobChildren(conn(), 'batches', batch.job.id!);
    expect(done).toHaveLength(100);
    expect(done.every((c) => c.group === 'processed' && c.queue === 'kids' && c.state === 'completed' && /^kid-\d+$/.test(c.name ?? ''))).toBe(true);
    expect(await getJobChildren(conn(), 'reports', 'no-such-parent')).toEqual([]);
  });
});
