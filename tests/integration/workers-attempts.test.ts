// The per-job attempt history (lib/attempts): batching, cap and expiry, stalled inference, reused ids.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { AttemptRecorder, ATTEMPTS_CAP, readAttempts, recordAttemptEnd, recordAttemptStart, type AttemptRef } from '@/lib/attempts';
import { KEYS } from '@/lib/keys';

let redis: TestRedis;
let client: Redis;
let queue: Queue;

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  queue = new Queue('history', { connection: client });
});
beforeEach(async () => {
  await client.flushall();
});
afterAll(async () => {
  await queue?.close();
  await redis?.stop();
});

const run = (jobId: string, attempt: number, extra: Partial<AttemptRef> = {}): AttemptRef => ({
  prefix: 'bull',
  queue: 'history',
  jobId,
  attempt,
  startedAt: 1_700_000_000_000 + attempt * 1000,
  worker: `drover@host:${100 + attempt}`,
  ...extra,
});

describe('attempt history', () => {
  it('replaces a run’s "running" record with its end, newest first, and refreshes a 14-day expiry', async () => {
    const job = await queue.add('x', {});
    const first = run(job.id!, 1, { jobTimestamp: job.timestamp });
    const second = run(job.id!, 2, { jobTimestamp: job.timestamp });
    await recordAttemptStart(client, first);
    await recordAttemptEnd(client, first, { endedAt: first.startedAt + 5, outcome: 'failed', error: 'boom' });
    await recordAttemptStart(client, second);
    // The second run is active: its lock exists.
    await client.set(`bull:history:${job.id}:lock`, 'token', 'PX', 10_000);
    expect(await readAttempts(client, 'bull', 'history', job.id!)).toEqual([
      { attempt: 2, startedAt: second.startedAt, worker: 'drover@host:102', outcome: 'running', jobTimestamp: job.timestamp },
      { attempt: 1, startedAt: first.startedAt, endedAt: first.startedAt + 5, worker: 'drover@host:101', outcome: 'failed', error: 'boom', jobTimestamp: job.timestamp },
    ]);
    const ttl = await client.pttl(KEYS.jobAttempts('bull', 'history', job.id!));
    expect(ttl).toBeGreaterThan(13.9 * 24 * 3600 * 1000);
    expect(ttl).toBeLessThanOrEqual(14 * 24 * 3600 * 1000);
  });

  it('reads a run that never ended as stalled: superseded, or its lock gone', async () => {
    const job = await queue.add('x', {});
    const killed = run(job.id!, 1);
    const orphan = run(job.id!, 2);
    await recordAttemptStart(client, killed);
    await recordAttemptStart(client, orphan);
    const outcomes = (await readAttempts(client, 'bull', 'history', job.id!)).map((a) => [a.attempt, a.outcome]);
    // No lock for run 2 (its worker died too) and the job has not finished.
    expect(outcomes).toEqual([
      [2, 'stalled'],
      [1, 'stalled'],
    ]);
  });

  it('keeps the last 25 runs', async () => {
    const recorder = new AttemptRecorder(client);
    for (let i = 1; i <= 30; i++) {
      const ref = run('many', i);
      recorder.start(ref);
      recorder.end(ref, { endedAt: ref.startedAt + 1, outcome: 'failed', error: `try ${i}` });
    }
    await recorder.flush();
    const attempts = await readAttempts(client, 'bull', 'history', 'many');
    expect(attempts).toHaveLength(ATTEMPTS_CAP);
    expect(attempts[0]).toMatchObject({ attempt: 30, error: 'try 30' });
    expect(attempts.at(-1)).toMatchObject({ attempt: 6 });
  });

  it('writes a run that starts and ends within one batch once, and a long run twice', async () => {
    const recorder = new AttemptRecorder(client);
    const short = run('short', 1);
    recorder.start(short);
    recorder.end(short, { endedAt: short.startedAt + 1, outcome: 'completed' });
    await recorder.flush();
    expect(await client.lrange(KEYS.jobAttempts('bull', 'history', 'short'), 0, -1)).toEqual([
      JSON.stringify({ attempt: 1, startedAt: short.startedAt, endedAt: short.startedAt + 1, worker: 'drover@host:101', outcome: 'completed' }),
    ]);
    const long = run('long', 1);
    recorder.start(long);
    await recorder.flush();
    expect(await readAttempts(client, 'bull', 'history', 'long')).toMatchObject([{ outcome: 'stalled' }]);
    recorder.end(long, { endedAt: long.startedAt + 60_000, outcome: 'completed' });
    await recorder.flush();
    expect(await readAttempts(client, 'bull', 'history', 'long')).toMatchObject([{ outcome: 'completed', endedAt: long.startedAt + 60_000 }]);
  });

  it('does not show an earlier job’s runs for a reused job id', async () => {
    const old = await queue.add('x', {}, { jobId: 'invoice-42' });
    await recordAttemptStart(client, run('invoice-42', 1, { jobTimestamp: old.timestamp }));
    await recordAttemptEnd(client, run('invoice-42', 1, { jobTimestamp: old.timestamp }), { endedAt: Date.now(), outcome: 'completed' });
    await old.remove();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const reused = await queue.add('x', {}, { jobId: 'invoice-42' });
    expect(reused.timestamp).not.toBe(old.timestamp);
    expect(await readAttempts(client, 'bull', 'history', 'invoice-42')).toEqual([]);
    await recordAttemptStart(client, run('invoice-42', 1, { startedAt: Date.now(), jobTimestamp: reused.timestamp }));
    expect(await readAttempts(client, 'bull', 'history', 'invoice-42')).toHaveLength(1);
  });
});
