// Walks over the dead-letter queue while it changes under them, against real Redis: an export keeps
// every dead letter that existed throughout while others are purged, and the retention pass unindexes
// envelopes removed outside Drover a bounded slice at a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ctxAs, configureConnections } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { bulkJobs as bulkJobAction } from '@/lib/jobs/bulk-jobs';
import { exportDeadLetters } from '@/lib/dlq/export-dead-letters';
import { purgeDeadLetters } from '@/lib/dlq/purge-dead-letters';
import { deadLetterTarget, type DeadLetterFilter } from '@/lib/dlq/filter';
import { enforceRetention } from '@/lib/dlq/sweep';

let redis: TestRedis;
let client: Redis;
const queues: Queue[] = [];
const operator = ctxAs('operator', 'op@test');
const admin = ctxAs('admin', 'boss@test');
const base = KEYS.deadLetters('bull', 'dead-letter');

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  await configureConnections([{ name: 'main', url: redis.url }]);
  // 2,500 dead letters through a plain BullMQ worker and "Send to DLQ".
  const queue = new Queue('exports', { connection: { url: redis.url } });
  queues.push(queue);
  await queue.addBulk(Array.from({ length: 2500 }, (_, i) => ({ name: 'charge', data: { i } })));
  const worker = new Worker('exports', async (job) => {
    throw new Error(`card ${(job.data as { i: number }).i} declined`);
  }, { connection: { url: redis.url }, concurrency: 500 });
  await waitFor(async () => (await queue.getFailedCount()) === 2500, { timeout: 60_000, what: '2,500 failed jobs' });
  await worker.close();
  const sent = await bulkJobAction(operator, { conn: 'main', queue: 'exports' }, { action: 'dead-letter', state: 'failed' });
  expect(sent.succeeded).toBe(2500);
});

afterAll(async () => {
  await Promise.all(queues.map((x) => x.close()));
  await closeAllConnections();
  await redis.stop();
});

describe('export while dead letters are removed', () => {
  it.each<[string, DeadLetterFilter]>([
    ['the whole DLQ (index walk)', {}],
    ['a filter checked per envelope (Lua walk)', { name: 'charge' }],
  ])('exports every dead letter that existed throughout: %s', async (_, filter) => {
    const existing = await client.zrevrange(`${base}:all`, 0, -1);
    expect(existing.length).toBeGreaterThan(1200);
    const reader = exportDeadLetters(getConnection('main'), filter).getReader();
    const decoder = new TextDecoder();
    const exported: string[] = [];
    const readChunk = async () => {
      const { value, done } = await reader.read();
      if (!done) for (const line of decoder.decode(value).trimEnd().split('\n')) exported.push((JSON.parse(line) as { id: string }).id);
      return !done;
    };
    expect(await readChunk()).toBe(true);
    // Meanwhile an admin purges the 600 newest: the ones exported first and the next ones in line.
    const purged = existing.slice(0, 600);
    expect((await purgeDeadLetters(admin, 'main', { ids: purged })).purged).toBe(600);
    while (await readChunk());

    const stayed = existing.filter((id) => !purged.includes(id));
    const got = new Set(exported);
    expect(got.size).toBe(exported.length);
    expect(stayed.filter((id) => !got.has(id))).toEqual([]);
    expect(exported.every((id) => existing.includes(id))).toBe(true);
  });
});

describe('retention and envelopes removed outside Drover', () => {
  it('unindexes them a bounded slice per call, wrapping around, until every one is gone', async () => {
    const t = deadLetterTarget(getConnection('main'));
    const all = await client.zrange(`${base}:all`, '0', '-1');
    expect(all.length).toBeGreaterThan(1000);
    const gone = [all[0], all[Math.floor(all.length / 2)], all[all.length - 1]];
    const dlq = new Queue('dead-letter', { connection: { url: redis.url } });
    queues.push(dlq);
    for (const id of gone) expect(await dlq.remove(id)).toBe(1);

    // 500 index entries per call: the oldest, then the middle, then the newest.
    const found: number[] = [];
    for (let i = 0; i < Math.ceil(all.length / 500); i++) found.push((await enforceRetention(t, undefined, { danglingChecks: 500 })).dangling);
    expect(found.reduce((a, b) => a + b, 0)).toBe(3);
    expect(found[0]).toBe(1);
    expect(await client.zcard(`${base}:all`)).toBe(all.length - 3);
    expect(await Promise.all(gone.map((id) => client.zscore(`${base}:all`, id)))).toEqual([null, null, null]);
    // Nothing left: a full round finds nothing more, and envelopes that exist are never touched.
    expect((await enforceRetention(t, undefined, { danglingChecks: 5000 })).dangling).toBe(0);
    expect(await client.zcard(`${base}:all`)).toBe(all.length - 3);
  });
});
