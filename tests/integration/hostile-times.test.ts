// A producer chooses a job's `timestamp` (BullMQ's opts.timestamp) and anything that writes to Redis can
// set the others: an instant outside what a JavaScript Date holds (±8.64e15 ms) would make every
// page that shows it throw RangeError. The console reads such instants as unknown (null).
import { describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { redisForThisFile } from '../helpers/console-env';
import { getConnection } from '@/lib/redis/connections';
import { listJobs } from '@/lib/jobs/list-jobs';
import { listJobsQuerySchema } from '@/lib/jobs/schemas';
import { getJob } from '@/lib/jobs/get-job';
import { validInstant } from '@/lib/time/instant';

const redis = redisForThisFile((url) => [{ name: 'main', url }]);

describe('instants a Date cannot hold', () => {
  it('are null in job lists and job details; real instants pass through', async () => {
    const queue = redis.track(new Queue('clock', { connection: { url: redis.url } }));
    const far = await queue.add('far', {}, { timestamp: 9e15 });
    const normal = await queue.add('normal', {});
    await redis.client().hset(`bull:clock:${normal.id}`, 'processedOn', '1e300', 'finishedOn', '-9e15');
    const page = await listJobs(getConnection('main'), 'clock', listJobsQuerySchema.parse({ state: 'waiting' }));
    const byName = Object.fromEntries(page.jobs.map((j) => [j.name, j]));
    expect(byName.far.timestamp).toBeNull();
    expect(byName.normal.timestamp).toBe(normal.timestamp);
    expect(byName.normal.processedOn).toBeNull();
    expect(byName.normal.finishedOn).toBeNull();
    const detail = await getJob(getConnection('main'), 'clock', far.id!);
    expect(detail.timestamp).toBeNull();
    expect(detail.delayedUntil).toBeNull();
    const other = await getJob(getConnection('main'), 'clock', normal.id!);
    expect([other.timestamp, other.processedOn, other.finishedOn]).toEqual([normal.timestamp, null, null]);
  });

  it('validInstant keeps what a Date holds and drops the rest', () => {
    expect(validInstant(0)).toBe(0);
    expect(validInstant(1_765_000_000_000)).toBe(1_765_000_000_000);
    expect(validInstant(8.64e15)).toBe(8.64e15);
    for (const bad of [8.64e15 + 1, -1, 1e300, Number.NaN, Infinity]) expect(validInstant(bad)).toBeNull();
    expect(validInstant(null)).toBeNull();
  });
});
