// Costly reads (search, name-filtered lists, raw downloads, exports) are limited per principal and per
// console process: beyond either the caller gets 429 with Retry-After, and slots come back when done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { configureConnections, ctxAs } from '../helpers/console-env';
import { closeAllConnections } from '@/lib/redis/connections';
import { issueApiToken } from '@/lib/users/issue-api-token';
import { acquireExpensiveRead, expensiveReadLimits, expensiveReadsInUse } from '@/lib/limits/expensive-reads';
import { SEARCH_MAX_CALL_MS, listJobsQuerySchema, searchQuerySchema } from '@/lib/jobs/schemas';
import { listDeadLettersQuerySchema } from '@/lib/dlq/list-dead-letters';
import { readOperation } from '@/lib/http/load-page-data';
import { deadLetterOperations } from '@/lib/operations/dead-letters';
import { jobOperations } from '@/lib/operations/jobs';
import type { Principal } from '@/lib/auth/principal';
import { waitFor } from '../helpers/wait';
import * as searchRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/search/route';
import * as jobsRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/jobs/route';
import * as dataRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/jobs/[id]/data/route';
import * as exportRoute from '@/app/api/v1/connections/[conn]/dlq/export/route';

let redis: TestRedis;
let queue: Queue;
let jobId: string;
const admin = ctxAs('admin', 'boss@test');

async function tokenPrincipal(name: string): Promise<{ token: string; principal: Principal }> {
  const { token, record } = await issueApiToken(admin, { name, role: 'viewer' });
  return { token, principal: { kind: 'token', id: record.id, name: `token:${name}`, role: 'viewer' } };
}

const get = (route: { GET: (r: Request, c: never) => Promise<Response> }, token: string, params: Record<string, string>, qs = '') =>
  route.GET(new Request(`http://console.test/x${qs}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve(params) } as never);

beforeAll(async () => {
  redis = await startTestRedis();
  await configureConnections([{ name: 'main', url: redis.url }]);
  queue = new Queue('reads', { connection: { url: redis.url } });
  const job = await queue.add('big', { blob: 'x'.repeat(2 * 1024 * 1024) });
  jobId = job.id!;
});

afterAll(async () => {
  await queue.close();
  await closeAllConnections();
  await redis.stop();
});

describe('per principal and per process', () => {
  it('a third concurrent search by the same token gets 429 with Retry-After; another token is not affected; the slot comes back', async () => {
    expect(expensiveReadLimits('search')).toEqual({ perPrincipal: 2, total: 6 });
    const a = await tokenPrincipal('searcher-a');
    const b = await tokenPrincipal('searcher-b');
    const held = [acquireExpensiveRead(a.principal, 'search'), acquireExpensiveRead(a.principal, 'search')];
    const refused = await get(searchRoute, a.token, { conn: 'main', queue: 'reads' }, '?q=big');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await refused.json()).error.message).toMatch(/at most 2 at a time/);
    // A name-filtered list is a search too; an unfiltered page is not.
    expect((await get(jobsRoute, a.token, { conn: 'main', queue: 'reads' }, '?name=big')).status).toBe(429);
    expect((await get(jobsRoute, a.token, { conn: 'main', queue: 'reads' })).status).toBe(200);
    expect((await get(searchRoute, b.token, { conn: 'main', queue: 'reads' }, '?q=big')).status).toBe(200);
    held.forEach((release) => release());
    expect((await get(searchRoute, a.token, { conn: 'main', queue: 'reads' }, '?q=big')).status).toBe(200);
    expect(expensiveReadsInUse('search')).toBe(0);
  });

  it('the process-wide limit holds across principals', async () => {
    const principals = await Promise.all(Array.from({ length: 7 }, (_, i) => tokenPrincipal(`crowd-${i}`)));
    const held = principals.slice(0, 6).map((p) => acquireExpensiveRead(p.principal, 'search'));
    const refused = await get(searchRoute, principals[6].token, { conn: 'main', queue: 'reads' }, '?q=big');
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.message).toMatch(/console is busy with 6/);
    held.forEach((release) => release());
  });
});

describe('pages read through the same operations and limits', () => {
  it('a filtered dead-letter list or a name-filtered job list for a page takes a search slot like the API', async () => {
    const { principal } = await tokenPrincipal('page-reader');
    const held = [acquireExpensiveRead(principal, 'search'), acquireExpensiveRead(principal, 'search')];
    await expect(readOperation(principal, deadLetterOperations.list, { params: { conn: 'main' }, query: listDeadLettersQuerySchema.parse({ q: 'zzz' }) })).rejects.toMatchObject({ status: 429 });
    await expect(readOperation(principal, jobOperations.listJobs, { params: { conn: 'main', queue: 'reads' }, query: listJobsQuerySchema.parse({ name: 'big' }) })).rejects.toMatchObject({ status: 429 });
    // Unfiltered, they are ordinary reads.
    await expect(readOperation(principal, deadLetterOperations.list, { params: { conn: 'main' }, query: listDeadLettersQuerySchema.parse({}) })).resolves.toMatchObject({ rows: [] });
    held.forEach((release) => release());
    await expect(readOperation(principal, jobOperations.listJobs, { params: { conn: 'main', queue: 'reads' }, query: listJobsQuerySchema.parse({ name: 'big' }) })).resolves.toMatchObject({ jobs: [expect.objectContaining({ name: 'big' })] });
  });
});

describe('downloads hold their slot until the body is sent', () => {
  it('a raw download keeps one slot until it is read; a second one by the same token meanwhile is 429', async () => {
    const { token } = await tokenPrincipal('downloader');
    const res = await get(dataRoute, token, { conn: 'main', queue: 'reads', id: jobId }, '?raw=1');
    expect(res.status).toBe(200);
    expect(expensiveReadsInUse('download')).toBe(1);
    expect((await get(dataRoute, token, { conn: 'main', queue: 'reads', id: jobId }, '?raw=1')).status).toBe(429);
    // The bounded inline view is not a download.
    expect((await get(dataRoute, token, { conn: 'main', queue: 'reads', id: jobId })).status).toBe(200);
    expect((await res.text()).length).toBeGreaterThan(2 * 1024 * 1024);
    expect(expensiveReadsInUse('download')).toBe(0);
  });

  it('hands a download over as the client reads it, and drops a client that stops reading', async () => {
    process.env.DROVER_DOWNLOAD_STALL_MS = '500';
    try {
      const { token } = await tokenPrincipal('slow-reader');
      const res = await get(dataRoute, token, { conn: 'main', queue: 'reads', id: jobId }, '?raw=1');
      const reader = res.body!.getReader();
      const first = await reader.read();
      // Part of the 2 MB value, not all of it at once: the slot is held while the rest waits.
      expect(first.value!.byteLength).toBeLessThan(256 * 1024);
      expect(expensiveReadsInUse('download')).toBe(1);
      await waitFor(async () => expensiveReadsInUse('download') === 0, { timeout: 10_000, what: 'the stalled download to be dropped' });
      await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
      // The inline view over 256 KB is a download too: it takes a slot.
      const inline = await get(dataRoute, token, { conn: 'main', queue: 'reads', id: jobId }, '?limit=4194304');
      expect(expensiveReadsInUse('download')).toBe(1);
      expect(JSON.parse(await inline.text()).text.length).toBe(2 * 1024 * 1024 + 11);
      expect(expensiveReadsInUse('download')).toBe(0);
    } finally {
      delete process.env.DROVER_DOWNLOAD_STALL_MS;
    }
  });

  it('an export the client abandons gives its slot back', async () => {
    const { token } = await tokenPrincipal('exporter');
    const res = await get(exportRoute, token, { conn: 'main' });
    expect(res.status).toBe(200);
    expect(expensiveReadsInUse('download')).toBe(1);
    await res.body!.cancel();
    expect(expensiveReadsInUse('download')).toBe(0);
  });
});

it('the search budget per Redis call is clamped on the server, whatever the client asks', () => {
  expect(searchQuerySchema.parse({ q: 'x', budget: '50' }).budget).toBe(SEARCH_MAX_CALL_MS);
  expect(searchQuerySchema.parse({ q: 'x', budget: '100000' }).budget).toBe(SEARCH_MAX_CALL_MS);
  expect(searchQuerySchema.parse({ q: 'x', budget: '3' }).budget).toBe(3);
});
