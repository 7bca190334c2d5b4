// The runtime's dead-letter sweep is bounded per run (a backlog is worked off by runs back to back, not
// one unbounded loop) and removes captured origin jobs with concurrent commands, not one at a time.
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { waitFor } from '../helpers/workers';
import { DeadLetterCapture } from '@/workers/runtime/dead-letters';
import { RedisDeadLetters } from '@/lib/store/redis/redis-dead-letters';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { defineJobKind } from '@/lib/job-kinds/kind';

let redis: TestRedis;
let client: Redis;
const queues: Queue[] = [];
const captures: DeadLetterCapture[] = [];

function q(name: string) {
  const queue = new Queue(name, { connection: client });
  queues.push(queue);
  return queue;
}

/** A kind whose captured failures leave their queue (deadLetter.removeOrigin) unless told to stay. */
function kindOn(queue: string, removeOrigin = true) {
  return defineJobKind({ kind: queue, queue, jobNames: ['charge'], description: 'fails', dataSchema: z.object({ n: z.number() }), defaultJobOptions: {}, concurrency: 1, deadLetter: { removeOrigin } });
}

/** `count` jobs failed for good by a real BullMQ worker (nothing captured them yet). */
async function failedJobs(name: string, count: number): Promise<Queue> {
  const queue = q(name);
  await queue.addBulk(Array.from({ length: count }, (_, n) => ({ name: 'charge', data: { n } })));
  const worker = new Worker(
    name,
    async () => {
      throw new Error('card declined');
    },
    { connection: client, concurrency: 50 },
  );
  await waitFor(async () => (await queue.getFailedCount()) === count, `${count} failed jobs`);
  await worker.close();
  return queue;
}

function capture(queue: string, deadLetterQueue: string, sweepMaxJobs: number, removeOrigin = true): DeadLetterCapture {
  const c = new DeadLetterCapture({
    store: new RedisDeadLetters(client, 'bull', deadLetterQueue),
    queueFor: (name) => new Queue(name, { connection: client, prefix: 'bull', skipMetasUpdate: true }),
    retention: { maxAgeDays: 30, maxCount: 100_000 },
    kinds: [kindOn(queue, removeOrigin)],
    workerName: 'drover@test:1',
    logger: createWorkerLogger({ worker: 'test' }, { write: () => {} }, 'silent'),
    // Long: only the start sweep and its catch-up runs happen during a test.
    sweepIntervalMs: 600_000,
    sweepMaxJobs,
  });
  captures.push(c);
  return c;
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await Promise.allSettled(captures.map((c) => c.stop()));
  await Promise.allSettled(queues.map((x) => x.close()));
  await redis?.stop();
});

describe('the dead-letter sweep', () => {
  it('looks at no more than sweepMaxJobs failed jobs per run and says a backlog is left', async () => {
    const origin = await failedJobs('backlog', 120);
    const dlq = q('dlq-a');
    const c = capture('backlog', 'dlq-a', 50);
    const first = await c.sweep();
    expect(await dlq.getFailedCount()).toBe(50);
    expect(await origin.getFailedCount()).toBe(70);
    expect(first).toBe(true);
    expect(await c.sweep()).toBe(true);
    expect(await dlq.getFailedCount()).toBe(100);
    // The last run catches up: nothing left, no further run asked for.
    expect(await c.sweep()).toBe(false);
    expect(await dlq.getFailedCount()).toBe(120);
    expect(await origin.getFailedCount()).toBe(0);
  });

  it('moves past a re-read minute holding more than sweepMaxJobs failures that stay in the failed set', async () => {
    // All failed within the sweep's one-minute look-back, and captured origins are kept (removeOrigin off).
    const origin = await failedJobs('kept', 120);
    const dlq = q('dlq-kept');
    const c = capture('kept', 'dlq-kept', 50, false);
    // 120 failures, 50 counted beyond the watermark per sweep: three sweeps, or two when failures that
    // share the millisecond of a batch's last one are captured without counting (concurrency 50 makes
    // such ties likely on a busy machine). Never stuck re-reading the minute behind the mark.
    const behind: boolean[] = [await c.sweep()];
    while (behind[behind.length - 1] && behind.length < 5) behind.push(await c.sweep());
    expect(behind[0]).toBe(true);
    expect(behind.length).toBeLessThanOrEqual(3);
    expect(await c.sweep()).toBe(false);
    expect(await dlq.getFailedCount()).toBe(120);
    expect(await origin.getFailedCount()).toBe(120);
  });

  it('works a backlog off with runs back to back once started, without waiting for the interval', async () => {
    const origin = await failedJobs('catch-up', 130);
    const dlq = q('dlq-b');
    capture('catch-up', 'dlq-b', 40).start();
    await waitFor(async () => (await dlq.getFailedCount()) === 130, 'every failed job captured', 10_000);
    await waitFor(async () => (await origin.getFailedCount()) === 0, 'every origin removed', 10_000);
  });

  it('removes the captured origin jobs with concurrent commands', async () => {
    const origin = await failedJobs('concurrent', 150);
    const remove = Queue.prototype.remove;
    let inFlight = 0;
    let most = 0;
    vi.spyOn(Queue.prototype, 'remove').mockImplementation(async function (this: Queue, ...args: Parameters<Queue['remove']>) {
      most = Math.max(most, ++inFlight);
      try {
        return await remove.apply(this, args);
      } finally {
        inFlight--;
      }
    });
    await capture('concurrent', 'dlq-c', 500).sweep();
    expect(await origin.getFailedCount()).toBe(0);
    expect(await q('dlq-c').getFailedCount()).toBe(150);
    expect(most).toBeGreaterThan(1);
    // Chunks of at most 100.
    expect(most).toBeLessThanOrEqual(100);
  });
});
