// Redis at maxmemory with noeviction: actions fail with a clear message and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ctxAs, configureRedisUrl } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections } from '@/lib/redis/connections';
import { retryJob } from '@/lib/jobs/retry-job';
import { updateJob } from '@/lib/jobs/update-job';
import { addJob } from '@/lib/jobs/add-job';
import { addJobInputSchema } from '@/lib/jobs/schemas';
import { bulkJobs as bulkJobAction } from '@/lib/jobs/bulk-jobs';
import { pauseQueue } from '@/lib/queues/pause-queue';

let redis: TestRedis;
let client: Redis;
let queue: Queue;
const operator = ctxAs('operator', 'op@oom');

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  await configureRedisUrl(redis.url);
  queue = new Queue('oom', { connection: { url: redis.url } });
  await queue.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'x', data: { i } })));
  const worker = new Worker('oom', async () => {
    throw new Error('nope');
  }, { connection: { url: redis.url } });
  await waitFor(async () => (await queue.getFailedCount()) === 5, { what: '5 failed jobs' });
  await worker.close();
  // Some data, then a maxmemory below what Redis already uses: with noeviction every write is refused.
  const filler = 'f'.repeat(64 * 1024);
  for (let i = 0; i < 64; i++) await client.set(`filler:${i}`, filler);
  const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
  await client.config('SET', 'maxmemory-policy', 'noeviction');
  await client.config('SET', 'maxmemory', String(used - 2 * 1024 * 1024));
  await expect(client.set('one-more', 'x')).rejects.toThrow(/OOM/);
});

afterAll(async () => {
  await client.config('SET', 'maxmemory', '0');
  await queue.close();
  await closeAllConnections();
  await redis.stop();
});

async function snapshot() {
  return {
    failed: await client.zrange('bull:oom:failed', '0', '-1'),
    wait: await client.lrange('bull:oom:wait', 0, -1),
    meta: await client.hgetall('bull:oom:meta'),
    data: await client.hget('bull:oom:1', 'data'),
  };
}

describe('Redis out of memory', () => {
  it('every action fails with "Redis is out of memory" and nothing is partially applied', async () => {
    const before = await snapshot();
    const [first] = before.failed;
    const attempts = [
      () => retryJob(operator, { conn: 'default', queue: 'oom', id: first }),
      () => bulkJobAction(operator, { conn: 'default', queue: 'oom' }, { action: 'retry', state: 'failed' }),
      () => bulkJobAction(operator, { conn: 'default', queue: 'oom' }, { action: 'retry', ids: before.failed }),
      () => addJob(operator, { conn: 'default', queue: 'oom' }, addJobInputSchema.parse({ name: 'new', data: { big: 'y'.repeat(1024 * 1024) } })),
      () => updateJob(operator, { conn: 'default', queue: 'oom', id: '1' }, { data: { replaced: 'z'.repeat(1024 * 1024) } }),
      () => pauseQueue(operator, { conn: 'default', queue: 'oom' }),
    ];
    for (const attempt of attempts) {
      const result = await attempt().then(
        (r) => ({ ok: true as const, r }),
        (e: Error) => ({ ok: false as const, e }),
      );
      if (result.ok) {
        // A bulk call reports per-job failures instead of throwing: each must name the cause.
        const bulk = result.r as { succeeded?: number; errors?: Array<{ message: string }> };
        expect(bulk.succeeded).toBe(0);
        expect(bulk.errors?.every((x) => /out of memory/.test(x.message))).toBe(true);
      } else {
        expect(result.e.message, String(attempt)).toMatch(/^Redis \(connection "default"\) is out of memory \(maxmemory reached with noeviction\): nothing was changed/);
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});
