// The report processor walks a queue's completed set by score: BullMQ trimming the oldest jobs while a
// report reads (removeOnComplete) does not make it skip later ones, and jobs sharing a finish time are
// each read once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { RedisConnectionRecords } from '@/lib/store/redis/connection-records';
import { waitFor } from '../helpers/workers';
import { createReportProcessor } from '@/workers/processors/report';
import { reportDataSchema } from '@/lib/job-kinds/report';
import { createWorkerLogger } from '@/workers/runtime/logger';

let redis: TestRedis;
let client: Redis;
let reportsDir: string;
const queues: Queue[] = [];

function q(name: string) {
  const queue = new Queue(name, { connection: client });
  queues.push(queue);
  return queue;
}

/** `count` jobs of `name` completed by a real worker; their ids oldest first (by finish time). */
async function completedJobs(name: string, count: number, concurrency: number): Promise<string[]> {
  const queue = q(name);
  await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'work', data: { i } })));
  const worker = new Worker(name, async () => 'ok', { connection: client, concurrency });
  await waitFor(async () => (await queue.getCompletedCount()) === count, `${count} completed jobs`);
  await worker.close();
  return client.zrange(`bull:${name}:completed`, '0', '-1');
}

/** Runs the processor on a real report job, reading through `redis`. */
async function runReport(redis: Redis, data: unknown, pageSize: number) {
  const job = (await q('report').add('queue-report', data)) as Job;
  const process = createReportProcessor({ reportsDir, pageSize });
  const result = await process({
    job,
    data: reportDataSchema.parse(data),
    signal: new AbortController().signal,
    logger: createWorkerLogger({ worker: 'test' }, { write: () => {} }, 'silent'),
    connection: { redis, prefix: 'bull', store: 'redis', records: new RedisConnectionRecords(redis, 'bull') },
    worker: 'test',
  });
  const ids = fs.readFileSync(result.file, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[0]);
  return { result, ids };
}

const lastHour = () => ({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 1_000).toISOString() });

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  reportsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-reports-'));
});

afterAll(async () => {
  await Promise.allSettled(queues.map((x) => x.close()));
  await redis?.stop();
  fs.rmSync(reportsDir, { recursive: true, force: true });
});

describe('report over a queue BullMQ trims while it reads', () => {
  it('still includes every remaining job when the oldest are removed between pages', async () => {
    const ids = await completedJobs('trimmed', 12, 1);
    const trimmed = q('trimmed');
    let pages = 0;
    // The client the processor reads through: before its second page, the two oldest jobs go, as
    // removeOnComplete would remove them when newer jobs complete.
    const trimming = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop !== 'zrangebyscore') return Reflect.get(target, prop, receiver);
        return async (...args: unknown[]) => {
          if (++pages === 2) await Promise.all(ids.slice(0, 2).map((id) => trimmed.remove(id)));
          return (target.zrangebyscore as (...a: unknown[]) => Promise<string[]>)(...args);
        };
      },
    });
    const { result, ids: reported } = await runReport(trimming, { queue: 'trimmed', states: ['completed'], ...lastHour() }, 3);
    expect(pages).toBeGreaterThan(2);
    // Every job still there is in the report; the two removed ones were read on the first page.
    expect(reported).toEqual(expect.arrayContaining(ids.slice(2)));
    expect(result).toMatchObject({ rows: 12, truncated: false });
    expect([...reported].sort()).toEqual([...ids].sort());
  });

  it('reads each job once when many share a finish time across pages', async () => {
    const ids = await completedJobs('burst', 40, 40);
    const { result, ids: reported } = await runReport(client, { queue: 'burst', states: ['completed'], ...lastHour() }, 2);
    expect(result.rows).toBe(40);
    expect(new Set(reported).size).toBe(40);
    expect([...reported].sort()).toEqual([...ids].sort());
  });
});
