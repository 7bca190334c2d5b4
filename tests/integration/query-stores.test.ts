// The job query language at the store seam (lib/store/search-store.ts: walkChunk by predicate, matchIds)
// against both stores (one suite, parameterized by store): the same jobs built through BullMQ's API on a
// real redis-server and a real PostgreSQL, each clause kind checked against the semantics every store
// implements (lib/jobs/query/ast.ts), not against one store's answer.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Queue } from 'bullmq';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import type { JobState } from '@/lib/jobs/job-states';
import type { JobPredicate, PredicateClause } from '@/lib/jobs/query/ast';
import type { WalkLimits } from '@/lib/store/search-store';

const LIMITS: WalkLimits = { maxScan: 10_000, maxMatches: 10_000, budgetMs: 1_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type PathOp = Extract<PredicateClause, { kind: 'path' }>['op'];
/** A path clause on `<root>.<dotted>` (the root itself for ''). */
const pathClause =
  (root: 'data' | 'returnvalue') =>
  (dotted: string, op: PathOp, value: string | number, negate = false): PredicateClause => ({
    kind: 'path',
    negate,
    root,
    path: dotted === '' ? [] : dotted.split('.'),
    op,
    value,
  });
const data = pathClause('data');
const returned = pathClause('returnvalue');
const time = (field: 'created' | 'processed' | 'finished', min: number | null, max: number | null, negate = false): PredicateClause => ({ kind: 'time', negate, field, min, max });

describe.each(STORE_KINDS)('query on %s', (kind) => {
  let store: TestStore;
  /** Job ids by a name the tests use. */
  const ids: Record<string, string> = {};
  const added: Record<string, number> = {};
  let children: string[] = [];
  let parentId = '';
  /** An instant between the jobs finished first (before it) and the two finished last (after it). */
  let midway = 0;
  const search = () => getConnection('main').store.search;

  /** Follows `next` to the end of the state; every chunk's ids and scanned summed. */
  async function walkAll(queue: string, state: JobState, predicate: JobPredicate, { order = 'desc' as 'desc' | 'asc', limits = LIMITS } = {}) {
    let from: string | null = null;
    const found: string[] = [];
    let scanned = 0;
    let calls = 0;
    do {
      const chunk = await search().walkChunk(queue, state, order, from, predicate, limits);
      found.push(...chunk.ids);
      scanned += chunk.scanned;
      expect(chunk.scanned).toBeLessThanOrEqual(limits.maxScan);
      from = chunk.next;
      calls += 1;
    } while (from !== null && calls < 10_000);
    expect(from).toBeNull();
    return { ids: found, scanned, calls };
  }
  /** The ids of the state's jobs that match, sorted (the walk's order is not what these tests check). */
  const matching = async (queue: string, state: JobState, ...predicate: PredicateClause[]) => (await walkAll(queue, state, predicate)).ids.sort();
  const idsOf = (...names: string[]) => names.map((n) => ids[n]).sort();
  /** The waiting jobs of 'paths'. */
  const waitingPaths = () => idsOf('a', 'b', 'arr', ...children.map((_, i) => `child${i}`));

  async function addTimed(queue: Queue, key: string, name: string, payload: unknown, opts = {}) {
    const job = await queue.add(name, payload, opts);
    ids[key] = job.id!;
    added[key] = job.timestamp;
    // Each job added in a millisecond of its own, so a `created` range can tell them apart.
    await sleep(3);
  }

  beforeAll(async () => {
    store = await startConfiguredStore(kind);

    // 'paths': jobs waiting (and one delayed, one prioritized) whose data the path clauses read.
    const paths = store.queue('paths');
    await addTimed(paths, 'a', 'send-email', {
      user: { plan: 'business', age: 42, ratio: 0.5, tags: ['vip', 'beta'], active: true, nick: null },
      amount: 1200,
      code: '1200',
      note: 'Timeout while Sending',
      items: [{ sku: 'A-1' }, { sku: 'B-2' }],
      '0': 'zero-key',
    });
    await addTimed(paths, 'b', 'send-sms', { user: { plan: 'free', age: '42', active: 'true', nick: 'null' }, amount: '1200', items: { '0': { sku: 'OBJ' } } });
    await addTimed(paths, 'arr', 'Arr-Job', ['first', { k: 'Deep' }], { jobId: 'arr-job' });
    await addTimed(paths, 'later', 'later', { amount: 5 }, { delay: 600_000 });
    await addTimed(paths, 'urgent', 'urgent', { amount: 7 }, { priority: 5 });
    const flow = await store.flowProducer().add({
      name: 'report',
      queueName: 'parents',
      data: {},
      children: [
        { name: 'part', queueName: 'paths', data: { part: 'a' } },
        { name: 'part', queueName: 'paths', data: { part: 'b' } },
      ],
    });
    parentId = flow.job.id!;
    children = (flow.children ?? []).map((c) => c.job.id!);
    children.forEach((id, i) => (ids[`child${i}`] = id));

    // 'q': jobs a worker named api-1 completed or failed, in two rounds around `midway`, then one left waiting.
    const q = store.queue('q');
    const worker = store.worker(
      'q',
      async (job: Job) => {
        if (job.name === 'charge') throw new Error('Card DECLINED');
        if (job.name === 'ship') {
          await job.log('label PRINTED');
          return { receipt: 'R-9', total: 10, ok: true };
        }
        return `${job.name}-${job.data.i}`;
      },
      { name: 'api-1' },
    );
    const counts = async (completed: number, failed: number) => {
      const c = await q.getJobCounts('completed', 'failed');
      return c.completed === completed && c.failed === failed;
    };
    ids.charge = (await q.add('charge', { amount: 50 }, { attempts: 2 })).id!;
    ids.ship = (await q.add('ship', { to: 'x' })).id!;
    for (let i = 0; i < 3; i++) ids[`early${i}`] = (await q.add('early', { i })).id!;
    await waitFor(() => counts(4, 1), { what: 'four completed jobs and one failed', timeout: 30_000 });
    await sleep(30);
    midway = Date.now();
    await sleep(30);
    for (let i = 0; i < 2; i++) ids[`late${i}`] = (await q.add('late', { i })).id!;
    await waitFor(() => counts(6, 1), { what: 'the two late jobs completed', timeout: 30_000 });
    await worker.close();
    ids.idle = (await q.add('idle', { x: 1 })).id!;

    // 'huge': the same needle in a job's data under and over 1 MB stored (base64 of random bytes: it does not compress).
    const huge = store.queue('huge');
    ids.small = (await huge.add('small', { needle: 'big-one' })).id!;
    ids.big = (await huge.add('big', { needle: 'big-one', blob: randomBytes(1_200_000).toString('base64') })).id!;
  });

  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  it('an empty predicate matches every job of the state, each once', async () => {
    const all = await walkAll('paths', 'waiting', []);
    expect(all.ids.sort()).toEqual(waitingPaths());
    expect(all.scanned).toBe(waitingPaths().length);
    expect(await matching('paths', 'delayed')).toEqual(idsOf('later'));
    expect(await matching('paths', 'prioritized')).toEqual(idsOf('urgent'));
  });

  it('name: eq and prefix are case-sensitive, contains folds ASCII case', async () => {
    const name = (op: 'eq' | 'prefix' | 'contains', value: string, negate = false): PredicateClause => ({ kind: 'name', negate, op, value });
    expect(await matching('paths', 'waiting', name('eq', 'send-email'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', name('eq', 'send'))).toEqual([]);
    expect(await matching('paths', 'waiting', name('eq', 'Send-email'))).toEqual([]);
    expect(await matching('paths', 'waiting', name('prefix', 'send-'))).toEqual(idsOf('a', 'b'));
    expect(await matching('paths', 'waiting', name('prefix', 'Send-'))).toEqual([]);
    expect(await matching('paths', 'waiting', name('contains', 'arr-j'))).toEqual(idsOf('arr'));
    expect(await matching('paths', 'waiting', name('contains', 'end-'))).toEqual(idsOf('a', 'b'));
    expect(await matching('paths', 'waiting', name('prefix', 'send-', true))).toEqual(idsOf('arr', 'child0', 'child1'));
    // All clauses must hold.
    expect(await matching('paths', 'waiting', name('prefix', 'send-'), name('contains', 'sms'))).toEqual(idsOf('b'));
  });

  it('id: exact, in the walked state only', async () => {
    expect(await matching('paths', 'waiting', { kind: 'id', negate: false, value: ids.b })).toEqual(idsOf('b'));
    expect(await matching('paths', 'delayed', { kind: 'id', negate: false, value: ids.b })).toEqual([]);
    expect(await matching('paths', 'waiting', { kind: 'id', negate: false, value: 'no-such-id' })).toEqual([]);
    expect(await matching('paths', 'waiting', { kind: 'id', negate: true, value: ids.b })).toEqual(idsOf('a', 'arr', 'child0', 'child1'));
  });

  it('parent: the children of that parent in that queue', async () => {
    expect(children).toHaveLength(2);
    expect(await matching('paths', 'waiting', { kind: 'parent', negate: false, queue: 'parents', id: parentId })).toEqual(idsOf('child0', 'child1'));
    expect(await matching('paths', 'waiting', { kind: 'parent', negate: false, queue: 'paths', id: parentId })).toEqual([]);
    expect(await matching('paths', 'waiting', { kind: 'parent', negate: false, queue: 'parents', id: 'no-such-parent' })).toEqual([]);
    expect(await matching('paths', 'waiting', { kind: 'parent', negate: true, queue: 'parents', id: parentId })).toEqual(idsOf('a', 'b', 'arr'));
  });

  it('worker: the worker that processed the job, eq and prefix, case-sensitive; never processed is missing', async () => {
    const worker = (op: 'eq' | 'prefix', value: string, negate = false): PredicateClause => ({ kind: 'worker', negate, op, value });
    const completed = idsOf('ship', 'early0', 'early1', 'early2', 'late0', 'late1');
    expect(await matching('q', 'completed', worker('eq', 'api-1'))).toEqual(completed);
    expect(await matching('q', 'failed', worker('eq', 'api-1'))).toEqual(idsOf('charge'));
    expect(await matching('q', 'completed', worker('prefix', 'api-'))).toEqual(completed);
    expect(await matching('q', 'completed', worker('eq', 'api'))).toEqual([]);
    expect(await matching('q', 'completed', worker('prefix', 'API'))).toEqual([]);
    expect(await matching('q', 'waiting', worker('prefix', 'api-'))).toEqual([]);
    expect(await matching('q', 'waiting', worker('eq', 'api-1', true))).toEqual(idsOf('idle'));
  });

  it('number: attempts, priority and delay compared numerically, 0 when never set', async () => {
    const number = (field: 'attempts' | 'priority' | 'delay', op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq', value: number, negate = false): PredicateClause => ({ kind: 'number', negate, field, op, value });
    expect(await matching('q', 'failed', number('attempts', 'eq', 2))).toEqual(idsOf('charge'));
    expect(await matching('q', 'failed', number('attempts', 'gte', 2))).toEqual(idsOf('charge'));
    expect(await matching('q', 'failed', number('attempts', 'gt', 2))).toEqual([]);
    expect(await matching('q', 'failed', number('attempts', 'lt', 2))).toEqual([]);
    expect(await matching('q', 'failed', number('attempts', 'lte', 1.5))).toEqual([]);
    expect(await matching('q', 'completed', number('attempts', 'eq', 1))).toHaveLength(6);
    expect(await matching('q', 'waiting', number('attempts', 'eq', 0))).toEqual(idsOf('idle'));
    expect(await matching('paths', 'prioritized', number('priority', 'eq', 5))).toEqual(idsOf('urgent'));
    expect(await matching('paths', 'prioritized', number('priority', 'gt', 5))).toEqual([]);
    expect(await matching('paths', 'waiting', number('priority', 'gt', 0))).toEqual([]);
    expect(await matching('paths', 'waiting', number('priority', 'eq', 0))).toEqual(waitingPaths());
    expect(await matching('paths', 'delayed', number('delay', 'gte', 600_000))).toEqual(idsOf('later'));
    expect(await matching('paths', 'delayed', number('delay', 'gt', 600_000))).toEqual([]);
    expect(await matching('paths', 'waiting', number('delay', 'eq', 0))).toEqual(waitingPaths());
    expect(await matching('paths', 'waiting', number('delay', 'gt', 0, true))).toEqual(waitingPaths());
  });

  it('time: created, processed and finished within inclusive bounds, open when null; missing is false', async () => {
    expect(await matching('paths', 'waiting', time('created', added.a, added.a))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', time('created', added.a, added.b))).toEqual(idsOf('a', 'b'));
    expect(await matching('paths', 'waiting', time('created', null, added.a - 1))).toEqual([]);
    expect(await matching('paths', 'waiting', time('created', added.b, null))).toEqual(idsOf('b', 'arr', 'child0', 'child1'));
    expect(await matching('paths', 'waiting', time('created', added.a, added.a, true))).toEqual(idsOf('b', 'arr', 'child0', 'child1'));
    // A waiting job was never processed: the clause is false, its negation true.
    expect(await matching('q', 'waiting', time('processed', null, null))).toEqual([]);
    expect(await matching('q', 'waiting', time('processed', null, null, true))).toEqual(idsOf('idle'));
    expect(await matching('q', 'waiting', time('finished', null, null))).toEqual([]);
    expect(await matching('q', 'completed', time('processed', null, null))).toHaveLength(6);
    expect(await matching('q', 'completed', time('processed', midway, null))).toEqual(idsOf('late0', 'late1'));
  });

  it('a finished range on completed/failed walks only that stretch of the state: jobs outside it are never examined', async () => {
    const late = idsOf('late0', 'late1');
    const early = idsOf('ship', 'early0', 'early1', 'early2');
    for (const order of ['desc', 'asc'] as const) {
      const after = await walkAll('q', 'completed', [time('finished', midway, null)], { order });
      expect(after.ids.sort()).toEqual(late);
      expect(after.scanned).toBe(2);
      const before = await walkAll('q', 'completed', [time('finished', null, midway)], { order });
      expect(before.ids.sort()).toEqual(early);
      expect(before.scanned).toBe(4);
      // One job per chunk: the walk still goes on through the range to its end.
      const stepwise = await walkAll('q', 'completed', [time('finished', midway, null)], { order, limits: { ...LIMITS, maxScan: 1 } });
      expect(stepwise.ids.sort()).toEqual(late);
      expect(stepwise.scanned).toBe(2);
      const oneMatchAChunk = await walkAll('q', 'completed', [time('finished', null, midway)], { order, limits: { ...LIMITS, maxMatches: 1 } });
      expect(oneMatchAChunk.ids.sort()).toEqual(early);
      expect(oneMatchAChunk.scanned).toBe(4);
    }
    // Two ranges: their intersection.
    const both = await walkAll('q', 'completed', [time('finished', null, midway), time('finished', 0, null)]);
    expect(both.ids.sort()).toEqual(early);
    expect(both.scanned).toBe(4);
    const none = await walkAll('q', 'completed', [time('finished', midway, null), time('finished', null, midway - 1)]);
    expect(none).toMatchObject({ ids: [], scanned: 0 });
    // The failed job finished before midway.
    expect(await walkAll('q', 'failed', [time('finished', midway, null)])).toMatchObject({ ids: [], scanned: 0 });
    // Other clauses still apply inside the range.
    expect(await walkAll('q', 'completed', [time('finished', null, midway), { kind: 'name', negate: false, op: 'eq', value: 'ship' }])).toMatchObject({ ids: [ids.ship], scanned: 4 });
    // A negated range narrows nothing: every job is examined.
    const negated = await walkAll('q', 'completed', [time('finished', midway, null, true)]);
    expect(negated.ids.sort()).toEqual(early);
    expect(negated.scanned).toBe(6);
  });

  it('path eq: a string equal to the text, a number equal to it when it reads as one, a boolean or null spelled so', async () => {
    expect(await matching('paths', 'waiting', data('user.plan', 'eq', 'business'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('user.plan', 'eq', 'Business'))).toEqual([]);
    expect(await matching('paths', 'waiting', data('user.plan', 'eq', 'busi'))).toEqual([]);
    // 42 (a number) and "42" (a string) both equal the text 42.
    expect(await matching('paths', 'waiting', data('user.age', 'eq', '42'))).toEqual(idsOf('a', 'b'));
    expect(await matching('paths', 'waiting', data('amount', 'eq', '1200'))).toEqual(idsOf('a', 'b'));
    // Compared as numbers: 1200.0 and 1.2e3 are the number 1200, not the string "1200".
    expect(await matching('paths', 'waiting', data('amount', 'eq', '1200.0'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('amount', 'eq', '1.2e3'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('user.ratio', 'eq', '0.50'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('code', 'eq', '1200'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('code', 'eq', '1200.0'))).toEqual([]);
    // Booleans by their text, null by "null"; a string spelling them too.
    expect(await matching('paths', 'waiting', data('user.active', 'eq', 'true'))).toEqual(idsOf('a', 'b'));
    expect(await matching('paths', 'waiting', data('user.active', 'eq', 'false'))).toEqual([]);
    expect(await matching('paths', 'waiting', data('user.active', 'eq', 'TRUE'))).toEqual([]);
    expect(await matching('paths', 'waiting', data('user.active', 'eq', '1'))).toEqual([]);
    expect(await matching('paths', 'waiting', data('user.nick', 'eq', 'null'))).toEqual(idsOf('a', 'b'));
    expect(await matching('paths', 'waiting', data('user.nick', 'eq', 'x'))).toEqual([]);
    // Objects and arrays never eq, whatever their text.
    expect(await matching('paths', 'waiting', data('user.tags', 'eq', '["vip","beta"]'))).toEqual([]);
    expect(await matching('paths', 'waiting', data('items.0', 'eq', '{"sku":"A-1"}'))).toEqual([]);
  });

  it('path navigation: object keys, 0-based array indexes (digits only), missing or not navigable is false', async () => {
    expect(await matching('paths', 'waiting', data('user.tags.0', 'eq', 'vip'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('user.tags.1', 'eq', 'beta'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('user.tags.2', 'eq', 'beta'))).toEqual([]);
    expect(await matching('paths', 'waiting', data('user.tags.-1', 'eq', 'beta'))).toEqual([]);
    expect(await matching('paths', 'waiting', data('user.tags.+1', 'eq', 'beta'))).toEqual([]);
    expect(await matching('paths', 'waiting', data('user.tags.first', 'eq', 'vip'))).toEqual([]);
    // "0" is an index in an array and a key in an object.
    expect(await matching('paths', 'waiting', data('items.0.sku', 'eq', 'A-1'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('items.1.sku', 'eq', 'B-2'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('items.0.sku', 'eq', 'OBJ'))).toEqual(idsOf('b'));
    expect(await matching('paths', 'waiting', data('0', 'eq', 'zero-key'))).toEqual(idsOf('a'));
    // A job whose data is an array.
    expect(await matching('paths', 'waiting', data('0', 'eq', 'first'))).toEqual(idsOf('arr'));
    expect(await matching('paths', 'waiting', data('1.k', 'eq', 'Deep'))).toEqual(idsOf('arr'));
    // Through a scalar, or a key that is not there: false, and its negation true.
    expect(await matching('paths', 'waiting', data('user.plan.x', 'eq', 'business'))).toEqual([]);
    expect(await matching('paths', 'waiting', data('missing', 'eq', 'x'))).toEqual([]);
    expect(await matching('paths', 'waiting', data('missing', 'contains', 'x'))).toEqual([]);
    expect(await matching('paths', 'waiting', data('missing', 'gt', 0))).toEqual([]);
    expect(await matching('paths', 'waiting', data('missing', 'eq', 'x', true))).toEqual(waitingPaths());
    expect(await matching('paths', 'waiting', data('user.plan', 'eq', 'business', true))).toEqual(idsOf('b', 'arr', 'child0', 'child1'));
  });

  it('path gt/gte/lt/lte: JSON numbers only, a numeric string never compares', async () => {
    expect(await matching('paths', 'waiting', data('amount', 'gt', 1000))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('amount', 'gte', 1200))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('amount', 'gt', 1200))).toEqual([]);
    expect(await matching('paths', 'waiting', data('amount', 'lte', 1200))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('amount', 'lt', 1200))).toEqual([]);
    expect(await matching('paths', 'waiting', data('user.age', 'gt', 41.5))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('user.ratio', 'lt', 1))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('user.ratio', 'gte', -3))).toEqual(idsOf('a'));
    // Strings, booleans, objects do not compare.
    expect(await matching('paths', 'waiting', data('user.plan', 'gt', 0))).toEqual([]);
    expect(await matching('paths', 'waiting', data('user.active', 'gte', 0))).toEqual([]);
    expect(await matching('paths', 'waiting', data('user', 'gte', 0))).toEqual([]);
    expect(await matching('paths', 'waiting', data('amount', 'gt', 1000, true))).toEqual(idsOf('b', 'arr', 'child0', 'child1'));
    expect(await matching('paths', 'delayed', data('amount', 'lt', 6))).toEqual(idsOf('later'));
    expect(await matching('paths', 'prioritized', data('amount', 'gt', 6))).toEqual(idsOf('urgent'));
  });

  it('path contains: the value as text (a number its digits, a boolean true/false, an object its JSON), ASCII case folded', async () => {
    expect(await matching('paths', 'waiting', data('note', 'contains', 'timeout'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('note', 'contains', 'while sending'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('note', 'contains', 'nowhere'))).toEqual([]);
    expect(await matching('paths', 'waiting', data('amount', 'contains', '120'))).toEqual(idsOf('a', 'b'));
    expect(await matching('paths', 'waiting', data('user.active', 'contains', 'tru'))).toEqual(idsOf('a', 'b'));
    expect(await matching('paths', 'waiting', data('user.tags', 'contains', 'vip'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('user', 'contains', 'business'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('items.1', 'contains', 'b-2'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('1', 'contains', 'deep'))).toEqual(idsOf('arr'));
    expect(await matching('paths', 'waiting', data('note', 'contains', 'timeout', true))).toEqual(idsOf('b', 'arr', 'child0', 'child1'));
    // An empty path: the whole field's text.
    expect(await matching('paths', 'waiting', data('', 'contains', 'timeout while'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('', 'contains', 'zero-key'))).toEqual(idsOf('a'));
    expect(await matching('paths', 'waiting', data('', 'contains', 'obj'))).toEqual(idsOf('b'));
    expect(await matching('paths', 'waiting', data('', 'contains', 'deep'))).toEqual(idsOf('arr'));
  });

  it('returnvalue paths read what the processor returned', async () => {
    expect(await matching('q', 'completed', returned('receipt', 'eq', 'R-9'))).toEqual(idsOf('ship'));
    expect(await matching('q', 'completed', returned('total', 'gt', 5))).toEqual(idsOf('ship'));
    expect(await matching('q', 'completed', returned('total', 'eq', '10'))).toEqual(idsOf('ship'));
    expect(await matching('q', 'completed', returned('ok', 'eq', 'true'))).toEqual(idsOf('ship'));
    expect(await matching('q', 'completed', returned('receipt', 'contains', 'r-'))).toEqual(idsOf('ship'));
    expect(await matching('q', 'completed', returned('', 'contains', 'r-9'))).toEqual(idsOf('ship'));
    expect(await matching('q', 'completed', returned('', 'contains', 'early-'))).toEqual(idsOf('early0', 'early1', 'early2'));
    expect(await matching('q', 'completed', returned('receipt', 'eq', 'R-9', true))).toEqual(idsOf('early0', 'early1', 'early2', 'late0', 'late1'));
    // Never returned anything: missing.
    expect(await matching('q', 'failed', returned('', 'contains', 'r-9'))).toEqual([]);
    expect(await matching('q', 'failed', returned('receipt', 'eq', 'R-9', true))).toEqual(idsOf('charge'));
  });

  it('text: error (failed reason and stack), logs, any (every text field but logs)', async () => {
    const text = (field: 'error' | 'logs' | 'any', needle: string, negate = false): PredicateClause => ({ kind: 'text', negate, field, needle });
    expect(await matching('q', 'failed', text('error', 'card declined'))).toEqual(idsOf('charge'));
    // The stack names this file: the stack trace is searched, too.
    expect(await matching('q', 'failed', text('error', 'query-stores.test'))).toEqual(idsOf('charge'));
    expect(await matching('q', 'failed', text('error', 'declined', true))).toEqual([]);
    expect(await matching('q', 'completed', text('error', 'declined', true))).toHaveLength(6);
    expect(await matching('q', 'completed', text('logs', 'label printed'))).toEqual(idsOf('ship'));
    expect(await matching('q', 'completed', text('logs', 'label printed', true))).toEqual(idsOf('early0', 'early1', 'early2', 'late0', 'late1'));
    expect(await matching('q', 'completed', text('any', 'r-9'))).toEqual(idsOf('ship'));
    expect(await matching('q', 'completed', text('any', 'label printed'))).toEqual([]);
    expect(await matching('q', 'failed', text('any', 'declined'))).toEqual(idsOf('charge'));
    expect(await matching('paths', 'waiting', text('any', 'arr-job'))).toEqual(idsOf('arr'));
    expect(await matching('paths', 'waiting', text('any', 'timeout'))).toEqual(idsOf('a'));
  });

  it('a field over 1 MB stored is never examined: its clause is false, the negation true', async () => {
    expect(await matching('huge', 'waiting', data('needle', 'eq', 'big-one'))).toEqual([ids.small]);
    expect(await matching('huge', 'waiting', data('needle', 'eq', 'big-one', true))).toEqual([ids.big]);
    expect(await matching('huge', 'waiting', data('', 'contains', 'big-one'))).toEqual([ids.small]);
    expect(await matching('huge', 'waiting', { kind: 'text', negate: false, field: 'any', needle: 'big-one' })).toEqual([ids.small]);
    // The name is a field of its own: it is read.
    expect(await matching('huge', 'waiting', { kind: 'name', negate: false, op: 'eq', value: 'big' })).toEqual([ids.big]);
  });

  it('matchIds: the ids that exist in the queue and match, in the order given', async () => {
    const sendPrefix: PredicateClause = { kind: 'name', negate: false, op: 'prefix', value: 'send-' };
    expect(await search().matchIds('paths', [ids.b, 'no-such-id', ids.a, ids.later], [sendPrefix])).toEqual([ids.b, ids.a]);
    expect(await search().matchIds('paths', [ids.a, ids.b], [sendPrefix])).toEqual([ids.a, ids.b]);
    // Any state; an empty predicate keeps every job that exists.
    expect(await search().matchIds('paths', [ids.urgent, 'no-such-id', ids.later, ids.arr], [])).toEqual([ids.urgent, ids.later, ids.arr]);
    expect(await search().matchIds('paths', [], [sendPrefix])).toEqual([]);
    expect(await search().matchIds('paths', ['no-such-id'], [])).toEqual([]);
    // A job of another queue is not one of this queue's.
    expect(await search().matchIds('paths', [ids.arr], [])).toEqual(['arr-job']);
    expect(await search().matchIds('huge', [ids.arr], [])).toEqual([]);
    expect(await search().matchIds('paths', [ids.a, ids.b], [data('user.plan', 'eq', 'business')])).toEqual([ids.a]);
    expect(await search().matchIds('paths', [ids.a, ids.b], [data('user.plan', 'eq', 'business', true)])).toEqual([ids.b]);
    expect(await search().matchIds('q', [ids.idle, ids.charge, ids.ship], [{ kind: 'worker', negate: false, op: 'eq', value: 'api-1' }])).toEqual([ids.charge, ids.ship]);
    expect(await search().matchIds('q', [ids.charge, ids.ship], [{ kind: 'text', negate: false, field: 'logs', needle: 'label printed' }])).toEqual([ids.ship]);
    expect(await search().matchIds('q', [ids.late1, ids.ship, ids.late0], [time('finished', midway, null)])).toEqual([ids.late1, ids.late0]);
  });
});
