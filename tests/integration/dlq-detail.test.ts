// A dead letter read back as its page shows it, on a real Redis with Drover's runtime: the original
// job's data, the attempts the runtime recorded and its log lines — also once the original job is gone
// (deadLetter.removeOrigin) and once its attempt history has expired.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { startTestRedis, type TestRedis, deadLetterIdOf } from '../helpers/redis';
import { configureConnections } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { defineJobKind } from '@/lib/job-kinds/kind';
import { getDeadLetter } from '@/lib/dlq/get-dead-letter';
import { DEAD_LETTER_LOG_LINE_BYTES, DEAD_LETTER_LOG_LINES } from '@/lib/dlq/capture';

let redis: TestRedis;
let client: Redis;
let runtime: Runtime;
const queues: Queue[] = [];

function kind(queue: string, removeOrigin: boolean) {
  return defineJobKind({ kind: queue, queue, jobNames: ['convert'], description: 'fails', dataSchema: z.object({ file: z.string(), lines: z.number().default(1) }), defaultJobOptions: {}, concurrency: 2, deadLetter: { removeOrigin } });
}

const convert = async ({ job, data }: { job: import('bullmq').Job; data: { file: string; lines: number } }) => {
  for (let i = 1; i <= data.lines; i++) await job.log(`converting ${data.file} (${i}) ${i === data.lines && data.lines > 1 ? 'x'.repeat(5000) : ''}`);
  throw new Error(`source file ${data.file} does not exist`);
};

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  await configureConnections([{ name: 'main', url: redis.url }]);
  runtime = await startRuntime({
    connection: { name: 'main', url: redis.url, prefix: 'bull' },
    kinds: [
      { definition: kind('kept', false), processor: { type: 'inline', process: convert } },
      { definition: kind('removed', true), processor: { type: 'inline', process: convert } },
    ],
    settings: { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000 },
    logger: createWorkerLogger({ worker: 'test' }, { write: () => {} }, 'silent'),
    schedulers: false,
    cancellation: false,
  });
});

afterAll(async () => {
  await runtime?.close();
  await Promise.all(queues.map((x) => x.close()));
  await closeAllConnections();
  await redis.stop();
});

async function failedThroughRuntime(queueName: string, data: Record<string, unknown>, attempts: number) {
  const queue = new Queue(queueName, { connection: { url: redis.url } });
  queues.push(queue);
  const job = await queue.add('convert', data, { attempts });
  const id = await deadLetterIdOf(client, queueName, job.id!, attempts);
  await waitFor(async () => (await client.exists(`bull:dead-letter:${id}`)) === 1, { timeout: 30_000, what: `the dead letter of ${queueName} #${job.id}` });
  return { queue, job, id };
}

describe("a dead letter's detail", () => {
  it("shows the original job's data, the runtime's attempts and its log lines, like the original job", async () => {
    const { queue, job, id } = await failedThroughRuntime('kept', { file: '/srv/in/a.png' }, 2);
    const original = (await queue.getJob(job.id!))!;
    const originalLogs = await queue.getJobLogs(job.id!);
    const d = await getDeadLetter(getConnection('main'), id, { inlineDataUpTo: 256 * 1024 });

    expect(d.data).toEqual({ file: '/srv/in/a.png' });
    expect(d.attempts.map((a) => [a.attempt, a.outcome, a.worker, a.error])).toEqual([
      [2, 'failed', original.processedBy, 'source file /srv/in/a.png does not exist'],
      [1, 'failed', original.processedBy, 'source file /srv/in/a.png does not exist'],
    ]);
    expect(d.ranByDroverRuntime).toBe(true);
    // The processor's line and the runtime's line per attempt, as the original job has them.
    expect(originalLogs.count).toBe(4);
    expect(d.logs).toEqual({ count: originalLogs.count, lines: originalLogs.logs });
  });

  it('keeps attempts and logs when the original job is removed and its attempt history has expired', async () => {
    const lines = DEAD_LETTER_LOG_LINES + 20;
    const { queue, job, id } = await failedThroughRuntime('removed', { file: '/srv/in/b.png', lines }, 1);
    await waitFor(async () => (await queue.getJob(job.id!)) === undefined, { timeout: 10_000, what: 'the original job removed' });
    // The runtime's attempt history expires after 14 days: gone here, the copy in the envelope remains.
    await client.del(KEYS.jobAttempts('bull', 'removed', job.id!));

    const d = await getDeadLetter(getConnection('main'), id, { inlineDataUpTo: 256 * 1024 });
    expect(d.originPresent).toBe(false);
    expect(d.data).toEqual({ file: '/srv/in/b.png', lines });
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0]).toMatchObject({ attempt: 1, outcome: 'failed', error: 'source file /srv/in/b.png does not exist' });
    // Every line counted, the last DEAD_LETTER_LOG_LINES kept, each cut to a bounded size.
    expect(d.logs!.count).toBe(lines + 1);
    expect(d.logs!.lines).toHaveLength(DEAD_LETTER_LOG_LINES);
    expect(d.logs!.lines.at(-1)).toBe('attempt 1 failed: source file /srv/in/b.png does not exist');
    const long = d.logs!.lines.at(-2)!;
    expect(long.startsWith(`converting /srv/in/b.png (${lines}) xxx`)).toBe(true);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(DEAD_LETTER_LOG_LINE_BYTES + 3);
  });
});
