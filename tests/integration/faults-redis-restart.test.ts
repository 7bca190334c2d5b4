// Redis killed (SIGKILL) and restarted on its AOF while the worker runtime processes 10,000 jobs:
// every job ends completed or failed exactly once, none vanish (the ids are counted).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { z } from 'zod';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { waitFor } from '../helpers/wait';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { defineJobKind } from '@/lib/job-kinds/kind';

const TOTAL = 10_000;
let redis: TestRedis;
let runtime: Runtime | undefined;
let queue: Queue;
const processed = new Map<string, number>();

// A kind of this test only: no-op jobs, one in 50 fails its first attempt (so retries cross the outage).
const faultKind = defineJobKind({
  kind: 'fault-test',
  queue: 'fault-10k',
  jobNames: ['work'],
  description: 'fault test',
  dataSchema: z.object({ n: z.number() }),
  defaultJobOptions: { attempts: 3, backoff: { type: 'fixed', delay: 200 } },
  concurrency: 50,
});

beforeAll(async () => {
  redis = await startTestRedis({ persistent: true });
  queue = new Queue('fault-10k', { connection: { url: redis.url, maxRetriesPerRequest: null, retryStrategy: () => 100 } });
  queue.on('error', () => {});
  for (let i = 0; i < TOTAL; i += 2000) {
    await queue.addBulk(Array.from({ length: 2000 }, (_, j) => ({ name: 'work', data: { n: i + j }, opts: { jobId: `job-${i + j}`, attempts: 3, backoff: { type: 'fixed', delay: 200 } } })));
  }
  // appendfsync everysec: let the adds reach the AOF before anything is killed.
  await new Promise((r) => setTimeout(r, 1500));
});

afterAll(async () => {
  await runtime?.close();
  await queue?.close();
  await redis?.stop();
});

describe('Redis restart under load', () => {
  it('loses no job and finishes each exactly once', async () => {
    runtime = await startRuntime({
      connection: { name: 'default', url: redis.url, prefix: 'bull' },
      kinds: [
        {
          definition: faultKind,
          processor: {
            type: 'inline',
            process: async ({ job, data }) => {
              processed.set(job.id!, (processed.get(job.id!) ?? 0) + 1);
              if (data.n % 50 === 0 && job.attemptsMade === 0) throw new Error(`first attempt of ${job.id} fails`);
              return { n: data.n };
            },
          },
        },
      ],
      settings: { lockDurationMs: 2000, stalledIntervalMs: 1000, maxStalledCount: 5, shutdownTimeoutMs: 5000 },
      logger: createWorkerLogger({}, { write: () => {} }, 'fatal'),
      workerName: 'drover@fault:1',
      schedulers: false,
      cancellation: false,
    });
    await waitFor(() => processed.size > 2500, { timeout: 30_000, what: 'a quarter of the jobs to run' });

    // Kill Redis for real, and bring it back on the same port from its AOF.
    await redis.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 1500));
    redis = await startTestRedis({ persistent: true, dir: redis.dir, port: redis.port });

    const check = redis.client();
    await waitFor(async () => (await check.zcard('bull:fault-10k:completed')) + (await check.zcard('bull:fault-10k:failed')) === TOTAL, {
      timeout: 90_000,
      interval: 250,
      what: 'every job to finish after the restart',
    });
    const completed = await check.zrange('bull:fault-10k:completed', '0', '-1');
    const failed = await check.zrange('bull:fault-10k:failed', '0', '-1');
    const ids = [...completed, ...failed];
    const idSet = new Set(ids);
    expect(idSet.size).toBe(TOTAL);
    expect(ids.length).toBe(TOTAL);
    const missing = Array.from({ length: TOTAL }, (_, n) => `job-${n}`).filter((id) => !idSet.has(id));
    expect(missing).toEqual([]);
    expect(await check.llen('bull:fault-10k:wait')).toBe(0);
    expect(await check.llen('bull:fault-10k:active')).toBe(0);
    // Every one of the planned first-attempt failures was retried and completed.
    expect(failed).toEqual([]);
    // Processing is at-least-once: runs whose completion Redis lost in the kill ran again.
    const reruns = [...processed.values()].filter((count) => count > 1).length;
    expect(reruns).toBeGreaterThanOrEqual(TOTAL / 50);
  }, 180_000);
});
