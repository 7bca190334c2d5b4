// Every job page, action and bulk id asks for a job's state: that lookup must cost the same whatever the
// queue holds, so a viewer asking for unknown ids cannot make Redis walk a backlog of millions.
import { describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import { redisForThisFile } from '../helpers/console-env';
import { getConnection } from '@/lib/redis/connections';
import { waitFor } from '../helpers/wait';

const redis = redisForThisFile((url) => [{ name: 'main', url }]);

/** Redis CPU time (ms, user + sys) used so far. */
async function redisCpuMs(): Promise<number> {
  const info = await redis.client().info('cpu');
  const value = (name: string) => Number(new RegExp(`\\b${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return (value('used_cpu_user') + value('used_cpu_sys')) * 1000;
}

describe('job state lookups', () => {
  it('cost no more with 500,000 waiting jobs than with none, for unknown ids and for the oldest waiting job', async () => {
    const queue = redis.track(new Queue('backlog', { connection: { url: redis.url } }));
    const oldest = await queue.add('first', {});
    // A backlog built in bulk: ids in the wait list (the lookup only needs them there) behind the first job.
    const client = redis.client();
    for (let i = 0; i < 500_000; i += 50_000) await client.lpush('bull:backlog:wait', ...Array.from({ length: 50_000 }, (_, j) => `filler-${i + j}`));
    const conn = getConnection('main');
    const prefix = conn.queuePrefix('backlog');
    expect(await conn.redis.droverJobState(prefix, oldest.id!)).toBe('waiting');
    expect(await conn.redis.droverJobState(prefix, 'no-such-job')).toBe('missing');

    const before = await redisCpuMs();
    const lookups = 200;
    const pipeline = conn.redis.pipeline();
    for (let i = 0; i < lookups; i++) pipeline.droverJobState(prefix, i % 2 ? `missing-${i}` : oldest.id!);
    await pipeline.exec();
    const perLookup = ((await redisCpuMs()) - before) / lookups;
    // A walk of the 500k list costs ~15-30 ms a call; the bounded lookup costs microseconds. The bound
    // is generous (busy machine), the old code is two orders of magnitude above it.
    expect(perLookup).toBeLessThan(1);
  });

  it('still tells running jobs from waiting ones, and finished ones by their sets', async () => {
    const queue = redis.track(new Queue('states', { connection: { url: redis.url } }));
    const conn = getConnection('main');
    const prefix = conn.queuePrefix('states');
    let release = () => {};
    const running = new Promise<void>((resolve) => (release = resolve));
    const worker = redis.track(new Worker('states', async () => running, { connection: { url: redis.url } }));
    const active = await queue.add('run', {});
    await waitFor(async () => (await conn.redis.droverJobState(prefix, active.id!)) === 'active', { what: 'the job to run' });
    const later = await queue.add('later', {}, { delay: 60_000 });
    expect(await conn.redis.droverJobState(prefix, later.id!)).toBe('delayed');
    release();
    await waitFor(async () => (await conn.redis.droverJobState(prefix, active.id!)) === 'completed', { what: 'the job to complete' });
    await worker.close();
  });
});
