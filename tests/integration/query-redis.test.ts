// The Redis store's walk by job query (lib/store/redis/redis-search.ts, its plan and Lua): every clause
// kind and op on jobs built through BullMQ's API, read through the store seam directly (walkChunk,
// matchIds), with the walk's bounds: time budget, max scan, max matches, the finished range's rank window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import IORedis from 'ioredis';
import type { Job } from 'bullmq';
import { startConfiguredStore, type TestStore } from '../helpers/stores';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { JOB_STATES, type JobState } from '@/lib/jobs/job-states';
import type { JobPredicate, PredicateClause } from '@/lib/jobs/query/ast';
import type { WalkLimits } from '@/lib/store/search-store';

const WIDE: WalkLimits = { maxScan: 100_000, maxMatches: 100_000, budgetMs: 1000 };

describe('job query on redis', () => {
  let store: TestStore;
  const ids: Record<string, string> = {};
  const labelOf = new Map<string, string>();
  const search = () => getConnection('main').store.search;

  /** Walks a state to its end from `from`, chunk by chunk, keeping every chunk. */
  async function walk(queue: string, state: JobState, predicate: JobPredicate, opts: { order?: 'desc' | 'asc'; limits?: WalkLimits; from?: string | null } = {}) {
    const chunks = [];
    let from = opts.from ?? null;
    do {
      const chunk = await search().walkChunk(queue, state, opts.order ?? 'desc', from, predicate, opts.limits ?? WIDE);
      chunks.push(chunk);
      from = chunk.next;
    } while (from !== null && chunks.length < 10_000);
    return { ids: chunks.flatMap((c) => c.ids), scanned: chunks.reduce((n, c) => n + c.scanned, 0), chunks };
  }

  /** The labels of queue q's jobs that match, in every state, sorted. */
  async function find(...predicate: PredicateClause[]): Promise<string[]> {
    const found: string[] = [];
    for (const state of JOB_STATES) found.push(...(await walk('q', state, predicate)).ids);
    return found.map((id) => labelOf.get(id) ?? id).sort();
  }
  const all = () => [...labelOf.values()].sort();
  const except = (...labels: string[]) => all().filter((l) => !labels.includes(l));

  const name = (op: 'eq' | 'prefix' | 'contains', value: string, negate = false): PredicateClause => ({ kind: 'name', negate, op, value });
  const path = (root: 'data' | 'returnvalue', p: string, op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains', value: string | number, negate = false): PredicateClause => ({
    kind: 'path', negate, root, path: p === '' ? [] : p.split('.'), op, value,
  });
  const text = (field: 'error' | 'logs' | 'any', needle: string, negate = false): PredicateClause => ({ kind: 'text', negate, field, needle });

  beforeAll(async () => {
    store = await startConfiguredStore('redis');
    const q = store.queue('q');
    const label = (l: string, job: Job) => {
      ids[l] = job.id!;
      labelOf.set(job.id!, l);
    };
    // Processed first, by a named worker: a failure (one attempt) and a completion with a log line.
    label('charge', await q.add('charge', { amount: 1200 }, { attempts: 1 }));
    label('ship', await q.add('ship', { to: 'a@example.com' }));
    const done = new Set<string>();
    const worker = store.worker('q', async (job: Job) => {
      if (job.name === 'charge') throw new Error('Card DECLINED: Needle-Reason');
      await job.log('label PRINTED for Needle-Log');
      return { receipt: 'Needle-Return', n: 7 };
    }, { name: 'api-worker-1' });
    worker.on('completed', (job) => done.add(job.id!));
    worker.on('failed', (job) => job && done.add(job.id!));
    await waitFor(() => done.size === 2, { what: 'the worker to finish two jobs', timeout: 30_000 });
    await worker.close();
    label('email', await q.add('send-email', {
      user: { plan: 'business', tags: ['vip', 'x'], age: 42, code: '42', active: true, nick: null },
      note: 'Needle-Data',
      0: 'key-zero',
    }));
    label('sms', await q.add('Send-SMS', { user: { plan: 'free', age: 17 }, list: [{ id: 'zero' }, { id: 'one' }], amount: 100, note: 'business' }));
    label('later', await q.add('later', { x: 1 }, { delay: 600_000 }));
    label('urgent', await q.add('urgent', { x: 2, path: 'a/b\\c "q" é' }, { priority: 5 }));
    label('big', await q.add('big', { blob: `${'y'.repeat(1_100_000)}Needle-Big` }));
    label('odd', await q.add('odd', { x: 3 }));
    // Data that is not JSON cannot come through BullMQ's API (it serializes): another producer wrote it.
    const raw = new IORedis(store.connection.url);
    await raw.hset(`bull:q:${ids.odd}`, 'data', '{not json Needle-Odd');
    await raw.quit();
    const flow = await store.flowProducer().add({ name: 'report', queueName: 'reports', data: {}, children: [{ name: 'part', queueName: 'q', data: { x: 4 } }] });
    label('part', flow.children![0].job);
    ids.report = flow.job.id!;
  });

  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  it('an empty predicate matches every job of every state', async () => {
    expect(await find()).toEqual(all());
  });

  it('name: eq and prefix case-sensitive, contains ASCII folded; negation flips one clause', async () => {
    expect(await find(name('eq', 'send-email'))).toEqual(['email']);
    expect(await find(name('eq', 'Send-email'))).toEqual([]);
    expect(await find(name('prefix', 'send-'))).toEqual(['email']);
    expect(await find(name('prefix', 'Send-'))).toEqual(['sms']);
    expect(await find(name('contains', 'send-'))).toEqual(['email', 'sms']);
    expect(await find(name('contains', 'send-', true))).toEqual(except('email', 'sms'));
    expect(await find(name('contains', 'send-'), name('eq', 'Send-SMS', true))).toEqual(['email']);
  });

  it('id, parent and worker; a missing field is false and its negation true', async () => {
    expect(await find({ kind: 'id', negate: false, value: ids.sms })).toEqual(['sms']);
    expect(await find({ kind: 'id', negate: false, value: 'no-such-id' })).toEqual([]);
    expect(await find({ kind: 'parent', negate: false, queue: 'reports', id: ids.report })).toEqual(['part']);
    expect(await find({ kind: 'parent', negate: false, queue: 'other', id: ids.report })).toEqual([]);
    expect(await find({ kind: 'parent', negate: true, queue: 'reports', id: ids.report })).toEqual(except('part'));
    expect(await find({ kind: 'worker', negate: false, op: 'eq', value: 'api-worker-1' })).toEqual(['charge', 'ship']);
    expect(await find({ kind: 'worker', negate: false, op: 'eq', value: 'api-worker' })).toEqual([]);
    expect(await find({ kind: 'worker', negate: false, op: 'prefix', value: 'api-' })).toEqual(['charge', 'ship']);
    expect(await find({ kind: 'worker', negate: false, op: 'prefix', value: 'API-' })).toEqual([]);
    expect(await find({ kind: 'worker', negate: true, op: 'prefix', value: 'api-' })).toEqual(except('charge', 'ship'));
  });

  it('numbers: attempts (0 when never run), priority and delay compared numerically', async () => {
    const num = (field: 'attempts' | 'priority' | 'delay', op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq', value: number, negate = false): PredicateClause => ({ kind: 'number', negate, field, op, value });
    expect(await find(num('attempts', 'gte', 1))).toEqual(['charge', 'ship']);
    expect(await find(num('attempts', 'eq', 0))).toEqual(except('charge', 'ship'));
    expect(await find(num('attempts', 'lt', 1))).toEqual(except('charge', 'ship'));
    expect(await find(num('attempts', 'gt', 1))).toEqual([]);
    expect(await find(num('priority', 'gt', 0))).toEqual(['urgent']);
    expect(await find(num('priority', 'lte', 5), num('priority', 'gte', 5))).toEqual(['urgent']);
    expect(await find(num('delay', 'gt', 0))).toEqual(['later']);
    expect(await find(num('delay', 'gt', 600_000))).toEqual([]);
    expect(await find(num('delay', 'eq', 600_000, true))).toEqual(except('later'));
  });

  it('times: inclusive ranges, open ends, a missing time is false', async () => {
    const q = store.queue('q');
    const charge = (await q.getJob(ids.charge))!;
    const ship = (await q.getJob(ids.ship))!;
    const time = (field: 'created' | 'processed' | 'finished', min: number | null, max: number | null, negate = false): PredicateClause => ({ kind: 'time', negate, field, min, max });
    expect(await find(time('created', charge.timestamp, charge.timestamp))).toEqual(['charge']);
    expect(await find(time('created', null, null))).toEqual(all());
    expect(await find(time('processed', null, null))).toEqual(['charge', 'ship']);
    expect(await find(time('processed', null, null, true))).toEqual(except('charge', 'ship'));
    expect(await find(time('finished', ship.finishedOn!, ship.finishedOn!))).toEqual(ship.finishedOn === charge.finishedOn ? ['charge', 'ship'] : ['ship']);
    expect(await find(time('finished', 0, Math.min(charge.finishedOn!, ship.finishedOn!) - 1))).toEqual([]);
    expect(await find(time('finished', Math.max(charge.finishedOn!, ship.finishedOn!) + 1, null))).toEqual([]);
  });

  it('text: error is the failed reason or stack trace, logs the log lines, any every text field but logs', async () => {
    expect(await find(text('error', 'card declined'))).toEqual(['charge']);
    expect(await find(text('error', 'needle-reason', true))).toEqual(except('charge'));
    // The stack trace names the processor's file.
    expect(await find(text('error', 'query-redis.test'))).toEqual(['charge']);
    expect(await find(text('logs', 'printed for needle-log'))).toEqual(['ship']);
    expect(await find(text('any', 'needle-log'))).toEqual([]);
    expect(await find(text('any', 'needle-return'))).toEqual(['ship']);
    expect(await find(text('any', 'needle-reason'))).toEqual(['charge']);
    expect(await find(text('any', 'needle-data'))).toEqual(['email']);
    expect(await find(text('any', 'send-sms'))).toEqual(['sms']);
  });

  it('logs: the newest 1,000 lines only', async () => {
    const logged = store.queue('logged');
    const long = await logged.add('long', {});
    await long.log('Oldest-Needle');
    for (let i = 0; i < 1000; i++) await long.log(`filler ${i}`);
    const logs = async (needle: string) => (await walk('logged', 'waiting', [text('logs', needle)])).ids;
    expect(await logs('filler 0')).toEqual([long.id]);
    expect(await logs('filler 999')).toEqual([long.id]);
    expect(await logs('oldest-needle')).toEqual([]);
  });

  it('paths: object keys and 0-based array indexes; missing or not navigable is false', async () => {
    expect(await find(path('data', 'user.plan', 'eq', 'business'))).toEqual(['email']);
    expect(await find(path('data', 'user.plan', 'eq', 'Business'))).toEqual([]);
    // Text JSON escapes is compared decoded; plain text found elsewhere in the raw JSON is not a match.
    expect(await find(path('data', 'path', 'eq', 'a/b\\c "q" é'))).toEqual(['urgent']);
    expect(await find(path('data', 'note', 'eq', 'business'))).toEqual(['sms']);
    expect(await find(path('data', 'to', 'eq', 'a@example.com'))).toEqual(['ship']);
    // A needle that is not well-formed UTF-16 (a lone surrogate) finds nothing, and breaks nothing.
    expect(await find(path('data', 'to', 'eq', '\uD800'), text('any', 'x\uDC00'))).toEqual([]);
    expect(await find(path('data', 'user.plan', 'eq', 'business', true))).toEqual(except('email'));
    expect(await find(path('data', 'user.tags.0', 'eq', 'vip'))).toEqual(['email']);
    expect(await find(path('data', 'user.tags.1', 'eq', 'x'))).toEqual(['email']);
    expect(await find(path('data', 'user.tags.2', 'eq', 'x'))).toEqual([]);
    expect(await find(path('data', 'user.tags.01', 'eq', 'x'))).toEqual([]);
    expect(await find(path('data', 'user.tags.-1', 'eq', 'x'))).toEqual([]);
    expect(await find(path('data', 'list.1.id', 'eq', 'one'))).toEqual(['sms']);
    expect(await find(path('data', 'list.id', 'eq', 'one'))).toEqual([]);
    // "0" on an object is its key "0".
    expect(await find(path('data', '0', 'eq', 'key-zero'))).toEqual(['email']);
    // Through a string, a number or null: not navigable.
    expect(await find(path('data', 'user.plan.x', 'eq', 'business'))).toEqual([]);
    expect(await find(path('data', 'user.age.x', 'contains', '4'))).toEqual([]);
    expect(await find(path('data', 'user.nick.x', 'eq', 'null'))).toEqual([]);
    expect(await find(path('data', 'nowhere', 'contains', 'a', true))).toEqual(all());
  });

  it('paths: eq takes numbers, booleans and null by their text; gt/lt compare JSON numbers only', async () => {
    expect(await find(path('data', 'user.age', 'eq', '42'))).toEqual(['email']);
    expect(await find(path('data', 'user.age', 'eq', '42.0'))).toEqual(['email']);
    expect(await find(path('data', 'user.code', 'eq', '42'))).toEqual(['email']);
    expect(await find(path('data', 'user.code', 'eq', '42.0'))).toEqual([]);
    expect(await find(path('data', 'user.active', 'eq', 'true'))).toEqual(['email']);
    expect(await find(path('data', 'user.active', 'eq', 'false'))).toEqual([]);
    expect(await find(path('data', 'user.nick', 'eq', 'null'))).toEqual(['email']);
    expect(await find(path('data', 'user', 'eq', '{}'))).toEqual([]);
    expect(await find(path('data', 'user.tags', 'eq', 'vip'))).toEqual([]);
    expect(await find(path('data', 'user.age', 'gt', 40))).toEqual(['email']);
    expect(await find(path('data', 'user.age', 'gte', 17))).toEqual(['email', 'sms']);
    expect(await find(path('data', 'user.age', 'lt', 42))).toEqual(['sms']);
    expect(await find(path('data', 'user.age', 'lte', 42))).toEqual(['email', 'sms']);
    expect(await find(path('data', 'user.age', 'eq', 17))).toEqual(['sms']);
    expect(await find(path('data', 'user.code', 'gt', 40))).toEqual([]);
    expect(await find(path('data', 'user.plan', 'gt', 0))).toEqual([]);
    expect(await find(path('data', 'amount', 'gte', 100))).toEqual(['charge', 'sms']);
    expect(await find(path('returnvalue', 'n', 'gt', 5))).toEqual(['ship']);
    expect(await find(path('returnvalue', 'n', 'eq', '7'))).toEqual(['ship']);
  });

  it('paths: contains is the value’s text (JSON text for objects and arrays), ASCII folded; an empty path the raw field', async () => {
    expect(await find(path('data', 'user.plan', 'contains', 'busi'))).toEqual(['email']);
    expect(await find(path('data', 'user.age', 'contains', '4'))).toEqual(['email']);
    expect(await find(path('data', 'user.active', 'contains', 'tru'))).toEqual(['email']);
    expect(await find(path('data', 'user', 'contains', 'business'))).toEqual(['email']);
    expect(await find(path('data', 'user.tags', 'contains', '"vip"'))).toEqual(['email']);
    expect(await find(path('data', 'note', 'contains', 'needle-data'))).toEqual(['email']);
    expect(await find(path('data', '', 'contains', 'needle-data'))).toEqual(['email']);
    expect(await find(path('data', '', 'contains', '"plan":"free"'))).toEqual(['sms']);
    expect(await find(path('returnvalue', '', 'contains', 'needle-return'))).toEqual(['ship']);
    expect(await find(path('returnvalue', 'receipt', 'contains', 'needle-return'))).toEqual(['ship']);
  });

  it('data that is not JSON: its raw text is searched, its paths are false', async () => {
    expect(await find(path('data', '', 'contains', 'needle-odd'))).toEqual(['odd']);
    expect(await find(path('data', 'x', 'eq', '3'))).toEqual([]);
    expect(await find(path('data', 'x', 'eq', '3', true))).toEqual(all());
  });

  it('a field over 1 MB is never examined: false, its negation true', async () => {
    expect(await find(path('data', '', 'contains', 'needle-big'))).toEqual([]);
    expect(await find(path('data', 'blob', 'contains', 'needle-big'))).toEqual([]);
    expect(await find(text('any', 'needle-big'))).toEqual([]);
    expect(await find(text('any', 'big'))).toEqual(['big']);
    expect(await find(path('data', 'blob', 'contains', 'y', true))).toEqual(all());
  });

  it('matchIds: the given ids that exist and match, in the given order', async () => {
    const order = [ids.sms, 'no-such-id', ids.email, ids.charge, ids.big, ids.ship];
    expect(await search().matchIds('q', order, [])).toEqual([ids.sms, ids.email, ids.charge, ids.big, ids.ship]);
    expect(await search().matchIds('q', order, [path('data', 'user.age', 'gte', 0)])).toEqual([ids.sms, ids.email]);
    expect(await search().matchIds('q', [ids.ship, ids.charge], [{ kind: 'worker', negate: false, op: 'eq', value: 'api-worker-1' }])).toEqual([ids.ship, ids.charge]);
    expect(await search().matchIds('q', ['no-such-id'], [name('eq', 'x', true)])).toEqual([]);
    expect(await search().matchIds('q', [], [])).toEqual([]);
  });

  it('on completed, a finished range walks only its rank window; positions stay absolute ranks', async () => {
    const timed = store.queue('timed');
    await timed.addBulk(Array.from({ length: 40 }, (_, i) => ({ name: 'tick', data: { i } })));
    let completed = 0;
    const worker = store.worker('timed', async () => {
      await new Promise((r) => setTimeout(r, 3));
      return 'ok';
    });
    worker.on('completed', () => completed++);
    await waitFor(() => completed === 40, { what: '40 completed jobs', timeout: 30_000 });
    await worker.close();
    const jobs = await timed.getJobs(['completed'], 0, -1);
    const times = jobs.map((j) => j.finishedOn!).sort((a, b) => a - b);
    const [min, max] = [times[10], times[29]];
    const inRange = jobs.filter((j) => j.finishedOn! >= min && j.finishedOn! <= max).map((j) => j.id!).sort();
    expect(inRange.length).toBeGreaterThanOrEqual(20);
    expect(inRange.length).toBeLessThan(40);
    const finished = (negate = false): PredicateClause => ({ kind: 'time', negate, field: 'finished', min, max });
    for (const order of ['desc', 'asc'] as const) {
      const narrowed = await walk('timed', 'completed', [finished()], { order });
      expect([...narrowed.ids].sort()).toEqual(inRange);
      expect(narrowed.scanned).toBe(inRange.length);
      // In small chunks, each goes on from the last; a position before the window jumps to its start.
      const chunked = await walk('timed', 'completed', [finished()], { order, limits: { maxScan: 3, maxMatches: 100, budgetMs: 1000 } });
      expect(chunked.ids).toEqual(narrowed.ids);
      expect(chunked.scanned).toBe(inRange.length);
      const windowStart = jobs.filter((j) => (order === 'desc' ? j.finishedOn! > max : j.finishedOn! < min)).length;
      expect(chunked.chunks[0].next).toBe(String(windowStart + 3));
      // A negated range narrows nothing: every job is examined.
      const negated = await walk('timed', 'completed', [finished(true)], { order });
      expect(negated.scanned).toBe(40);
      expect(negated.ids.length).toBe(40 - inRange.length);
    }
    // An empty range: nothing examined. Outside completed/failed no window applies.
    const none = await search().walkChunk('timed', 'completed', 'desc', null, [{ kind: 'time', negate: false, field: 'finished', min: max + 1, max: min - 1 }], WIDE);
    expect(none).toEqual({ ids: [], scanned: 0, next: null });
    const past = await search().walkChunk('timed', 'completed', 'desc', '39', [finished()], WIDE);
    expect(past.scanned).toBeLessThanOrEqual(1);
    expect(past.next).toBeNull();
  });

  it('stops at its time budget, max scan or max matches, and goes on from its position', async () => {
    const many = store.queue('many');
    await many.addBulk(Array.from({ length: 100 }, (_, i) => ({ name: i % 10 === 0 ? 'hit' : 'hay', data: { i } })));
    const hits = (await many.getJobs(['waiting'], 0, -1)).filter((j) => j.name === 'hit').map((j) => j.id!).sort();
    const predicate = [name('eq', 'hit')];
    // A budget of 0 µs: the clock is read after 16 jobs, and each chunk stops there.
    const first = await search().walkChunk('many', 'waiting', 'desc', null, predicate, { maxScan: 1000, maxMatches: 1000, budgetMs: 0 });
    expect(first.scanned).toBe(16);
    expect(first.next).toBe('16');
    const budgeted = await walk('many', 'waiting', predicate, { limits: { maxScan: 1000, maxMatches: 1000, budgetMs: 0 } });
    expect(budgeted.chunks.length).toBe(7);
    expect(budgeted.scanned).toBe(100);
    expect([...budgeted.ids].sort()).toEqual(hits);
    const scanCapped = await walk('many', 'waiting', predicate, { order: 'asc', limits: { maxScan: 30, maxMatches: 1000, budgetMs: 1000 } });
    expect(scanCapped.chunks.map((c) => c.scanned)).toEqual([30, 30, 30, 10]);
    expect(scanCapped.ids).toEqual([...budgeted.ids].reverse());
    const matchCapped = await walk('many', 'waiting', predicate, { limits: { maxScan: 1000, maxMatches: 4, budgetMs: 1000 } });
    expect(matchCapped.chunks.map((c) => c.ids.length)).toEqual([4, 4, 2]);
    expect(matchCapped.ids).toEqual(budgeted.ids);
    expect(matchCapped.scanned).toBe(100);
    const resumed = await search().walkChunk('many', 'waiting', 'desc', '95', [], WIDE);
    expect(resumed).toMatchObject({ scanned: 5, next: null });
    expect(await search().walkChunk('many', 'waiting', 'desc', '100', [], WIDE)).toEqual({ ids: [], scanned: 0, next: null });
    await expect(search().walkChunk('many', 'waiting', 'desc', 'x1', [], WIDE)).rejects.toThrow(/Invalid search cursor/);
  });

  it('reads the clock at once after a big field: a chunk of 100 KB payloads stops after one', async () => {
    const heavy = store.queue('heavy');
    await heavy.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'h', data: { blob: 'z'.repeat(100_000), i } })));
    const chunk = await search().walkChunk('heavy', 'waiting', 'desc', null, [path('data', '', 'contains', 'needle')], { maxScan: 1000, maxMatches: 1000, budgetMs: 0 });
    expect(chunk.scanned).toBe(1);
    expect(chunk.next).toBe('1');
    // A cheap clause that fails first spares the read: the five are examined in one chunk.
    const spared = await search().walkChunk('heavy', 'waiting', 'desc', null, [path('data', '', 'contains', 'needle'), name('eq', 'other')], { maxScan: 1000, maxMatches: 1000, budgetMs: 0 });
    expect(spared).toEqual({ ids: [], scanned: 5, next: null });
  });
});
