// The job query language at scale (issue 16): a queue of 1,000,000 jobs (900,000 completed, 100,000
// failed, ~300-byte payloads) built through BullMQ's API and real Workers, then through Drover's HTTP API:
// a compound query's first page and full scan with the longest Redis command meanwhile (SLOWLOG), the
// dry-run count of a 100,000-match query, and the bulk retry of those 100,000 at the default rate, checked
// by id. Bull Board cannot run these queries: its failed page of the same queue is the closest peer row.
import path from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { measureAb } from './ab';
import { droverOnlyRow, round, type BenchContext } from './context';
import { abRow } from './phase-reads';
import { startProcess, waitForLine } from './processes';
import type { HttpClient } from './http';
import type { Row } from './report';
import { addInChunks } from './seed';
import { summarize } from './stats';

export const MILLION = 'million';
export const MILLION_PROCESSED = 1_000_000;
/** Every 10th job fails: 100,000 failed, 900,000 completed. */
export const MILLION_FAILED = 100_000;
const SEED_WORKERS = 2;
const SEED_CONCURRENCY = 300;

export const QUERY = 'state:failed error:~ECONNREFUSED data.user.plan:business';
/** 100,000 matches: every failed job (all were named process-order). */
export const COUNT_QUERY = 'state:failed name:process-order';
const Q = `/api/v1/connections/default/queues/${MILLION}`;
const SLOWLOG_THRESHOLD_US = 100;

/**
 * ~300 bytes of JSON. Job i fails when i % 10 === 9, with ECONNREFUSED when i % 20 === 9 (50,000) and a
 * declined payment otherwise; its user is on the business plan when i % 3 === 0 — so the query matches
 * the failed jobs with i % 60 === 9: 16,667 of them.
 */
function millionPayload(i: number) {
  const fails = i % 10 === 9;
  return {
    orderId: `ord-${String(i).padStart(7, '0')}`,
    user: { id: `cus-${(i * 7919) % 100_000}`, plan: i % 3 === 0 ? 'business' : 'free', email: `user${i % 5000}@example.com`, country: ['DE', 'FR', 'US', 'JP'][i % 4] },
    items: [{ sku: `SKU-${i % 977}`, qty: 1 + (i % 5), price: 19.99 }],
    note: 'customer asked for gift wrap; deliver after 5pm',
    ...(fails ? { fail: true, error: i % 20 === 9 ? `connect ECONNREFUSED 10.0.${i % 256}.7:443` : `payment declined for ord-${i}` } : {}),
  };
}
export const QUERY_MATCHES = Math.ceil((MILLION_PROCESSED - 9) / 60);

export async function seedMillion(url: string, log: (line: string) => void): Promise<{ seconds: number; payloadBytes: number }> {
  const started = performance.now();
  const connection = new IORedis(url, { maxRetriesPerRequest: null, connectionName: 'bench-seed-million' });
  connection.on('error', () => {});
  const queue = new Queue(MILLION, { connection });
  queue.on('error', () => {});
  const workers = Array.from({ length: SEED_WORKERS }, (_, w) =>
    startProcess(`seed-million-${w}`, process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'seed-worker.ts'), url, MILLION, String(SEED_CONCURRENCY)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await Promise.all(workers.map((w) => waitForLine(w, /READY/, 30_000)));
  await addInChunks(queue, MILLION_PROCESSED, (i) => ({ name: 'process-order', data: millionPayload(i) }));
  log(`  added ${MILLION_PROCESSED.toLocaleString('en')} jobs to "${MILLION}" in ${((performance.now() - started) / 1000).toFixed(0)} s; workers processing…`);
  for (;;) {
    const [completed, failed] = await Promise.all([connection.zcard(`bull:${MILLION}:completed`), connection.zcard(`bull:${MILLION}:failed`)]);
    if (completed + failed >= MILLION_PROCESSED) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await Promise.all(workers.map((w) => w.stop()));
  const counts = await queue.getJobCounts('completed', 'failed');
  await queue.close();
  connection.disconnect();
  if (counts.failed !== MILLION_FAILED || counts.completed !== MILLION_PROCESSED - MILLION_FAILED) {
    throw new Error(`seeding "${MILLION}" gave ${counts.completed} completed and ${counts.failed} failed, expected ${MILLION_PROCESSED - MILLION_FAILED} and ${MILLION_FAILED}`);
  }
  return { seconds: (performance.now() - started) / 1000, payloadBytes: JSON.stringify(millionPayload(9)).length };
}

type SearchChunk = { matches: Array<{ id: string }>; cursor: string | null; scannedSoFar: number };
type CountAnswer = { matched: number; cursor: string | null };
type Status = { phase: string; matched: number; succeeded: number; skipped: number; failed: number; done: number; message: string };
type SlowlogEntry = [id: number, at: number, durationUs: number, args: string[], addr: string, name: string];

/**
 * One query search as the page runs it, through `client`'s search API of `queuePath`: the time to the first
 * page (25 matches) and to the end of the cursor loop. Shared by the Redis and the PostgreSQL rows.
 */
export async function scanQuery(client: HttpClient, queuePath: string, q: string): Promise<{ firstPage: number; full: number; matches: number; requests: number }> {
  const started = performance.now();
  let firstPage: number | null = null;
  let cursor: string | null = null;
  let matches = 0;
  let requests = 0;
  do {
    const r: { body: SearchChunk } = await client.get<SearchChunk>(`${queuePath}/search?q=${encodeURIComponent(q)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    requests += 1;
    matches += r.body.matches.length;
    if (firstPage === null && matches >= 25) firstPage = performance.now() - started;
    cursor = r.body.cursor;
  } while (cursor);
  const full = performance.now() - started;
  return { firstPage: firstPage ?? full, full, matches, requests };
}

async function countOnce(ctx: BenchContext, q: string): Promise<{ ms: number; matched: number; requests: number }> {
  const started = performance.now();
  let cursor: string | null = null;
  let matched = 0;
  let requests = 0;
  do {
    const r: { body: CountAnswer } = await ctx.drover.get<CountAnswer>(`${Q}/count?q=${encodeURIComponent(q)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    requests += 1;
    matched = r.body.matched;
    cursor = r.body.cursor;
  } while (cursor);
  return { ms: performance.now() - started, matched, requests };
}

export async function measureQuery(ctx: BenchContext, samples: number, opts: { retry: boolean }): Promise<Row[]> {
  const { redis, log } = ctx;
  const rows: Row[] = [];

  // 1. The compound query: first page, full scan, the longest Redis command meanwhile.
  log(`query "${QUERY}" on ${MILLION_PROCESSED.toLocaleString('en')} jobs (${ctx.warmup} warm-up + ${samples} samples, SLOWLOG ≥ ${SLOWLOG_THRESHOLD_US} µs)…`);
  for (let i = 0; i < ctx.warmup; i++) await scanQuery(ctx.drover, Q, QUERY);
  const [, oldThreshold] = (await redis.config('GET', 'slowlog-log-slower-than')) as string[];
  const [, oldMaxLen] = (await redis.config('GET', 'slowlog-max-len')) as string[];
  await redis.config('SET', 'slowlog-max-len', '100000');
  await redis.config('SET', 'slowlog-log-slower-than', String(SLOWLOG_THRESHOLD_US));
  await redis.slowlog('RESET');
  const runs: Array<{ firstPage: number; full: number; matches: number; requests: number }> = [];
  const cpuBefore = await ctx.redisCpuMs();
  try {
    for (let i = 0; i < samples; i++) runs.push(await scanQuery(ctx.drover, Q, QUERY));
  } finally {
    await redis.config('SET', 'slowlog-log-slower-than', oldThreshold);
  }
  const cpuMs = ((await ctx.redisCpuMs()) - cpuBefore) / samples;
  const slowlog = (await redis.call('SLOWLOG', 'GET', '-1')) as SlowlogEntry[];
  await redis.config('SET', 'slowlog-max-len', oldMaxLen);
  await redis.slowlog('RESET');
  for (const r of runs) if (r.matches !== QUERY_MATCHES) throw new Error(`the query found ${r.matches} jobs, expected ${QUERY_MATCHES}`);
  const first = summarize(runs.map((r) => r.firstPage));
  const full = summarize(runs.map((r) => r.full));
  const longest = slowlog.reduce((a, b) => (b[2] > a[2] ? b : a), [0, 0, 0, ['(none)'], '', ''] as SlowlogEntry);
  const over25 = slowlog.filter((e) => e[2] >= 25_000).length;
  log(`  first page p50 ${first.p50.toFixed(0)} ms, full scan p50 ${full.p50.toFixed(0)} ms (${runs[0].requests} requests, redis-server CPU ${cpuMs.toFixed(0)} ms per scan); longest command ${(longest[2] / 1000).toFixed(2)} ms, ${over25} ≥ 25 ms`);
  rows.push(
    droverOnlyRow({ operation: `query "${QUERY}" on 1M jobs: first page of 25 (Drover only)`, summary: first, value: round(first.p50), unit: 'ms', target: 300, notes: `${QUERY_MATCHES.toLocaleString('en')} matches among 100,000 failed jobs` }),
    droverOnlyRow({ operation: `query "${QUERY}" on 1M jobs: full scan (Drover only)`, summary: full, value: round(full.p50), unit: 'ms', target: 3000, notes: `${runs[0].requests} HTTP requests per scan; redis-server CPU ${cpuMs.toFixed(0)} ms per scan` }),
    droverOnlyRow({
      operation: 'query on 1M jobs: longest single Redis command during the scans (SLOWLOG)',
      value: round(longest[2] / 1000, 3),
      unit: 'ms',
      target: 25,
      notes: `${String(longest[3].slice(0, 3).join(' ')).slice(0, 80)}…; ${slowlog.length} commands ≥ ${SLOWLOG_THRESHOLD_US} µs over ${samples} scans, ${over25} ≥ 25 ms (wall-clock: a redis-server waiting for a CPU counts)`,
    }),
  );

  // 2. The closest peer operation: the first page of the failed state (what `state:failed` alone is), A/B.
  const r = await measureAb(
    'failed page of 1M-job queue',
    {
      drover: { run: async () => (await ctx.drover.get(`${Q}/search?q=state%3Afailed`)).ms },
      peer: { run: async () => (await ctx.peer.get(`/api/queues?activeQueue=${MILLION}&status=failed&page=1&jobsPerPage=25`)).ms },
    },
    { warmup: ctx.warmup, samples: Math.max(samples, 10), log, probe: ctx.redisCpuMs },
  );
  rows.push({ ...abRow(`"state:failed" first answer vs Bull Board's failed page (1M-job queue)`, r, 1.5), notes: 'Bull Board cannot run the compound query; its per-state page is the closest operation' });

  // 3. The dry-run count of a 100,000-match query.
  log(`dry-run count of "${COUNT_QUERY}" (100,000 matches)…`);
  const counts: number[] = [];
  let countRequests = 0;
  for (let i = 0; i < ctx.warmup + samples; i++) {
    const c = await countOnce(ctx, COUNT_QUERY);
    if (c.matched !== MILLION_FAILED) throw new Error(`the count found ${c.matched}, expected ${MILLION_FAILED}`);
    if (i >= ctx.warmup) counts.push(c.ms);
    countRequests = c.requests;
  }
  const count = summarize(counts);
  log(`  count p50 ${count.p50.toFixed(0)} ms (${countRequests} requests)`);
  rows.push(droverOnlyRow({ operation: 'dry-run count of a 100,000-match query on 1M jobs (Drover only)', summary: count, value: round(count.p50), unit: 'ms', target: 2000, notes: `${countRequests} HTTP requests (cursor loop)` }));

  // 4. The bulk retry of those 100,000 at the default rate, checked by id.
  if (opts.retry) {
    const failedIds = new Set(await redis.zrange(`bull:${MILLION}:failed`, '0', '-1'));
    log(`bulk retry of the ${failedIds.size.toLocaleString('en')} matches at the default rate (500 jobs/s: about ${Math.round(failedIds.size / 500)} s)…`);
    const operationId = crypto.randomUUID();
    const started = performance.now();
    await ctx.drover.timed('POST', `${Q}/bulk-query`, { q: COUNT_QUERY, action: 'retry', operationId });
    let status: Status;
    for (;;) {
      await new Promise((res) => setTimeout(res, 1000));
      status = (await ctx.drover.get<Status>(`/api/v1/bulk-operations/${operationId}`)).body;
      if (['done', 'cancelled', 'failed'].includes(status.phase)) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const waiting = await redis.lrange(`bull:${MILLION}:wait`, '0', '-1');
    const waitingSet = new Set(waiting);
    const exactlyOnce = waiting.length === failedIds.size && waitingSet.size === waiting.length && [...failedIds].every((id) => waitingSet.has(id));
    const leftFailed = await redis.zcard(`bull:${MILLION}:failed`);
    log(`  ${status.message} in ${seconds.toFixed(0)} s (${(status.succeeded / seconds).toFixed(0)} jobs/s); every job retried exactly once: ${exactlyOnce}; failed left ${leftFailed}`);
    if (status.phase !== 'done' || !exactlyOnce) throw new Error(`bulk retry on the query: ${status.phase}, ${status.message}; exactly once: ${exactlyOnce}`);
    rows.push(
      droverOnlyRow({
        operation: 'bulk retry of a 100,000-match query at the default rate (500 jobs/s): jobs per second (Drover only)',
        value: round(status.succeeded / seconds, 1),
        unit: 'jobs/s',
        target: null,
        notes: `${status.succeeded.toLocaleString('en')} retried, ${status.skipped} skipped, ${status.failed} failed in ${seconds.toFixed(0)} s including the collection; each of the 100,000 ids is in waiting exactly once`,
      }),
    );
  }
  return rows;
}
