// Data columns (issue 16, part 5) on both stores (one suite, parameterized by store): the values at JSON
// paths of jobs' data and return values read on the store's side (SearchStore.extractPaths), a search
// answering them per match, and the API refusing a bad column with a clear 400. Data built through
// BullMQ's API on a real redis-server and a real PostgreSQL.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { ctxAs } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { searchJobs } from '@/lib/jobs/search-jobs';
import { searchQuerySchema } from '@/lib/jobs/schemas';
import { DATA_COLUMN_MAX_CHARS } from '@/lib/jobs/query/data-columns';
import { issueApiToken } from '@/lib/users/issue-api-token';
import type { ExtractPath } from '@/lib/store/search-store';
import * as searchRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/search/route';

/** `data.a.b` / `returnvalue.x` as the store takes it. */
const at = (dotted: string): ExtractPath => {
  const [root, ...path] = dotted.split('.');
  return { root: root as ExtractPath['root'], path };
};

describe.each(STORE_KINDS)('data columns on %s', (kind) => {
  let store: TestStore;
  const ids: Record<string, string> = {};
  const search = () => getConnection('main').store.search;
  const extract = (queue: string, names: string[], paths: string[], maxChars = 100) =>
    search().extractPaths(queue, names.map((n) => ids[n] ?? n), paths.map(at), maxChars);

  beforeAll(async () => {
    store = await startConfiguredStore(kind);
    const cols = store.queue('cols');
    const add = async (key: string, data: unknown, opts = {}) => (ids[key] = (await cols.add(key, data, opts)).id!);
    await add('a', {
      customerId: 'cus_42',
      user: { plan: 'business', age: 42, ratio: 0.5, active: true, nick: null, tags: ['vip', 'beta'] },
      items: [{ sku: 'A-1' }, { sku: 'B-2' }],
      long: 'é'.repeat(50) + 'x'.repeat(400),
      emoji: '😀😀😀',
      '0': 'zero-key',
    });
    await add('b', { customerId: 7, user: { plan: 'free' }, items: { '0': { sku: 'OBJ' } } });
    await add('arr', ['first', { k: 'Deep' }]);
    await add('big', { customerId: 'cus_big', blob: randomBytes(1_200_000).toString('base64') });

    // A completed job with a return value.
    const done = store.queue('done');
    const worker = store.worker('done', async (job: Job) => ({ receipt: `R-${job.data.n}`, total: 10, ok: job.data.n === 1, lines: [{ id: 'L1' }] }));
    ids.r1 = (await done.add('ship', { n: 1 })).id!;
    ids.r2 = (await done.add('ship', { n: 2 })).id!;
    await waitFor(async () => (await done.getJobCounts('completed')).completed === 2, { what: 'two completed jobs', timeout: 30_000 });
    await worker.close();
  });

  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  it('reads nested keys, strings as they are, numbers and booleans as text', async () => {
    expect(await extract('cols', ['a', 'b'], ['data.customerId', 'data.user.plan', 'data.user.age', 'data.user.ratio', 'data.user.active'])).toEqual([
      ['cus_42', 'business', '42', '0.5', 'true'],
      ['7', 'free', null, null, null],
    ]);
  });

  it('takes array indexes 0-based, in digits only, and an object key that looks like one as a key', async () => {
    expect(await extract('cols', ['a', 'b', 'arr'], ['data.items.1.sku', 'data.items.0.sku', 'data.0', 'data.1.k', 'data.user.tags.0'])).toEqual([
      ['B-2', 'A-1', 'zero-key', null, 'vip'],
      [null, 'OBJ', null, null, null],
      [null, null, 'first', 'Deep', null],
    ]);
    // Not an index on either store: a sign, a space, a leading zero, past the end.
    expect(await extract('cols', ['a', 'arr'], ['data.items.-1.sku', 'data.items.01.sku', 'data.items. 1.sku', 'data.items.2.sku', 'data.+1.k'])).toEqual([
      [null, null, null, null, null],
      [null, null, null, null, null],
    ]);
  });

  it('reads an index with a leading 0 in a search as it does in a column: not an index, on either store', async () => {
    const eq = (dotted: string, value: string) => [{ kind: 'path' as const, negate: false, root: 'data' as const, path: dotted.split('.'), op: 'eq' as const, value }];
    expect(await search().matchIds('cols', [ids.a], eq('items.1.sku', 'B-2'))).toEqual([ids.a]);
    expect(await search().matchIds('cols', [ids.a], eq('items.01.sku', 'B-2'))).toEqual([]);
  });

    it('gives objects and arrays as JSON text and JSON null, missing paths and scalars navigated into as null', async () => {
    const [[items, tags, nick, missing, through]] = await extract('cols', ['a'], ['data.items', 'data.user.tags', 'data.user.nick', 'data.nope.deeper', 'data.customerId.x']);
    // Formatting differs between stores (cjson, jsonb's text): the JSON is the same.
    expect(JSON.parse(items!)).toEqual([{ sku: 'A-1' }, { sku: 'B-2' }]);
    expect(JSON.parse(tags!)).toEqual(['vip', 'beta']);
    expect([nick, missing, through]).toEqual([null, null, null]);
  });

  it('reads the return value the same way', async () => {
    expect(await extract('done', ['r1', 'r2'], ['returnvalue.receipt', 'returnvalue.total', 'returnvalue.ok', 'returnvalue.lines.0.id', 'data.n'])).toEqual([
      ['R-1', '10', 'true', 'L1', '1'],
      ['R-2', '10', 'false', 'L1', '2'],
    ]);
    // A job not finished has no return value.
    expect(await extract('cols', ['a'], ['returnvalue.receipt', 'returnvalue'])).toEqual([[null, null]]);
  });

  it('cuts each value to maxChars characters (not bytes)', async () => {
    const [[long, emoji, plan]] = await extract('cols', ['a'], ['data.long', 'data.emoji', 'data.user.plan'], 52);
    expect(long).toBe('é'.repeat(50) + 'xx');
    expect(emoji).toBe('😀😀😀');
    expect(plan).toBe('business');
    const [[short, shortEmoji]] = await extract('cols', ['a'], ['data.long', 'data.emoji'], 2);
    expect(short).toBe('éé');
    expect(shortEmoji).toBe('😀😀');
    const [[object]] = await extract('cols', ['a'], ['data.user'], 10);
    expect(object).toHaveLength(10);
  });

  it('never decodes a field over 1 MB stored: its columns are null', async () => {
    expect(await extract('cols', ['big', 'a'], ['data.customerId'])).toEqual([[null], ['cus_42']]);
  });

  it('keeps the order of the ids given, repeated ones too, and answers null for unknown ids', async () => {
    const names = ['b', 'no-such-job', 'a', 'arr', 'b'];
    expect(await extract('cols', names, ['data.customerId', 'data.0'])).toEqual([
      ['7', null],
      [null, null],
      ['cus_42', 'zero-key'],
      [null, 'first'],
      ['7', null],
    ]);
    expect(await extract('other-queue', ['a'], ['data.customerId'])).toEqual([[null]]);
    expect(await search().extractPaths('cols', [], [at('data.customerId')], 10)).toEqual([]);
  });

  it('takes 200 ids and 8 paths in one call, and refuses more', async () => {
    const many = Array.from({ length: 200 }, (_, i) => (i % 2 ? ids.a : ids.b));
    const paths = ['data.customerId', 'data.user.plan', 'data.user.age', 'data.items.0.sku', 'data.0', 'data.long', 'data.emoji', 'data.user.tags'].map(at);
    const rows = await search().extractPaths('cols', many, paths, 300);
    expect(rows).toHaveLength(200);
    expect(rows[1].slice(0, 2)).toEqual(['cus_42', 'business']);
    expect(rows[198].slice(0, 2)).toEqual(['7', 'free']);
    await expect(search().extractPaths('cols', [...many, ids.a], paths, 10)).rejects.toThrow(/at most 200/);
    await expect(search().extractPaths('cols', [ids.a], [...paths, at('data.x')], 10)).rejects.toThrow(/at most 8/);
    await expect(search().extractPaths('cols', [ids.a], paths, 301)).rejects.toThrow(/maxChars/);
  });

  it('a search with columns answers each match with its columns by key, only when asked', async () => {
    const chunk = await searchJobs(getConnection('main'), 'cols', searchQuerySchema.parse({ q: 'data.user.plan:~e', columns: 'data.customerId,data.user.plan,data.items.1.sku' }));
    const byId = Object.fromEntries(chunk.matches.map((m) => [m.id, m.columns]));
    expect(byId).toEqual({
      [ids.a]: { 'data.customerId': 'cus_42', 'data.user.plan': 'business', 'data.items.1.sku': 'B-2' },
      [ids.b]: { 'data.customerId': '7', 'data.user.plan': 'free', 'data.items.1.sku': null },
    });
    const long = await searchJobs(getConnection('main'), 'cols', searchQuerySchema.parse({ q: `id:${ids.a}`, columns: 'data.long' }));
    expect([...long.matches[0].columns!['data.long']!]).toHaveLength(DATA_COLUMN_MAX_CHARS);
    const plain = await searchJobs(getConnection('main'), 'cols', searchQuerySchema.parse({ q: `id:${ids.a}` }));
    expect(plain.matches[0].columns).toBeUndefined();
  });

  it('the API refuses a bad column with 400 and a message naming it', async () => {
    const { token } = await issueApiToken(ctxAs('admin'), { name: `cols-${kind}`, role: 'viewer' });
    const get = async (columns: string) => {
      const res = await searchRoute.GET(new Request(`http://console.test/x?${new URLSearchParams({ q: 'name:a', columns })}`, { headers: { authorization: `Bearer ${token}` } }), {
        params: Promise.resolve({ conn: 'main', queue: 'cols' }),
      });
      return { status: res.status, text: await res.text() };
    };
    const ok = await get('data.customerId,returnvalue.id');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).matches[0].columns).toEqual({ 'data.customerId': 'cus_42', 'returnvalue.id': null });
    for (const [columns, message] of [
      ['customerId', /must be data\.<key>… or returnvalue\.<key>…/],
      ['data..x', /empty path segment/],
      ['data.a b', /cannot hold spaces/],
      [`data.${'k'.repeat(65)}`, /longer than 64 characters/],
      [`data.${Array(9).fill('k').join('.')}`, /9 path segments: at most 8/],
      [Array.from({ length: 9 }, (_, i) => `data.c${i}`).join(','), /at most 8 columns/],
    ] as const) {
      const res = await get(columns);
      expect(res.status, columns).toBe(400);
      expect(res.text, columns).toMatch(message);
    }
  });
});
