// Cancelling an active job from the console side (requestJobCancel) while the runtime runs it.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { settledAttempts, startHttpPeer, waitFor, waitForFinished } from '../helpers/workers';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { bundledProcessors, selectKinds } from '@/workers/runtime/bundled-processors';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { enqueue } from '@/workers/enqueue';
import { requestJobCancel } from '@/lib/cancellation';
import { KEYS } from '@/lib/keys';

const settings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000 };
let redis: TestRedis;
let client: Redis;
let runtime: Runtime;
let second: Runtime;
let webhook: Queue;
let peer: Awaited<ReturnType<typeof startHttpPeer>>;
const logs: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  // The test receivers listen on 127.0.0.1, which the egress policy refuses by default (lib/egress).
  process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
  redis = await startTestRedis();
  client = redis.client();
  peer = await startHttpPeer(() => ({ status: 200, hang: true }));
  const logger = createWorkerLogger({}, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const { processors } = bundledProcessors({ webhookSecret: 's', mailFrom: 'drover@example.com' });
  const connection = { name: 'default', url: redis.url, prefix: 'bull' };
  // Two worker processes' worth of runtimes on the same queue: only the one running the job aborts it.
  runtime = await startRuntime({ connection, kinds: selectKinds(['webhook'], processors), settings, logger, workerName: 'drover@test-a:1' });
  second = await startRuntime({ connection, kinds: selectKinds(['webhook'], processors), settings, logger, workerName: 'drover@test-b:2', schedulers: false });
  webhook = new Queue('webhook', { connection: client });
});

afterAll(async () => {
  await runtime?.close();
  await second?.close();
  await webhook?.close();
  await peer?.close();
  await redis?.stop();
});

async function startHangingJob(path: string) {
  const job = await enqueue('webhook', { url: `${peer.url}${path}`, payload: {}, timeoutMs: 60_000 }, { attempts: 3, backoff: { type: 'fixed', delay: 10 } }, { redis: client, prefix: 'bull' });
  const request = await waitFor(() => peer.requests.find((r) => r.url === path), `the request to ${path}`);
  return { job, request };
}

describe('cancelling an active job', () => {
  it('aborts the run: the processor stops and the job fails "cancelled by <user>" without retry', async () => {
    const { job, request } = await startHangingJob('/cancel-me');
    const result = await requestJobCancel({ redis: client, prefix: 'bull', queue: 'webhook', jobId: job.id!, requestedBy: 'alice@example.com' });
    const runner = (await webhook.getJob(job.id!))!.processedBy;
    expect(result).toEqual({
      delivered: true,
      cancelledBy: runner,
      listeners: 2,
      failedReason: 'cancelled by alice@example.com',
      message: `Cancellation delivered: worker ${runner} aborted job ${job.id}`,
    });
    const done = await waitForFinished(webhook, job.id!);
    expect(await done.getState()).toBe('failed');
    expect(done.failedReason).toBe('cancelled by alice@example.com');
    expect(done.attemptsMade).toBe(1);
    // The processor received the AbortSignal: its HTTP request was aborted.
    await waitFor(() => request.closedAt, 'the aborted request to close', 2_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(peer.requests.filter((r) => r.url === '/cancel-me')).toHaveLength(1);
    const attempts = await settledAttempts(client, 'bull', 'webhook', job.id!);
    expect(attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'cancelled', error: 'cancelled by alice@example.com', worker: runner })]);
    expect(logs.find((l) => l.event === 'cancel.request' && l.jobId === job.id && l.cancelled === true)).toMatchObject({ requestedBy: 'alice@example.com', queue: 'webhook' });
  });

  it('"fail permanently" aborts with its own reason, recorded as a failed attempt', async () => {
    const { job } = await startHangingJob('/fail-me');
    const result = await requestJobCancel({ redis: client, prefix: 'bull', queue: 'webhook', jobId: job.id!, requestedBy: 'bob', reason: 'stuck on a dead host', mode: 'fail' });
    expect(result.delivered).toBe(true);
    expect(result.message).toMatch(new RegExp(`^Failure delivered: worker drover@test-[ab]:[12] failed job ${job.id} \\(it fails permanently, no retry\\)$`));
    const done = await waitForFinished(webhook, job.id!);
    expect([await done.getState(), done.failedReason, done.attemptsMade]).toEqual(['failed', 'failed permanently by bob: stuck on a dead host', 1]);
    const [attempt] = await settledAttempts(client, 'bull', 'webhook', job.id!);
    expect(attempt).toMatchObject({ outcome: 'failed', error: 'failed permanently by bob: stuck on a dead host' });
  });

  it('says so when no listening worker runs the job', async () => {
    const result = await requestJobCancel({ redis: client, prefix: 'bull', queue: 'webhook', jobId: '424242', requestedBy: 'alice' });
    expect(result).toMatchObject({
      delivered: false,
      listeners: 2,
      message: 'No Drover worker is running job 424242 (2 listening workers answered): it may run on a worker that does not listen for cancellation',
    });
    // Acks expire on their own.
    const [, ackKeys] = await client.scan('0', 'MATCH', `${KEYS.cancelAck('')}*`, 'COUNT', 1000);
    expect(ackKeys.length).toBeGreaterThan(0);
    for (const key of ackKeys) expect(await client.ttl(key)).toBeGreaterThan(0);
  });

  it('says so when no Drover worker listens on the queue', async () => {
    const result = await requestJobCancel({ redis: client, prefix: 'bull', queue: 'reports-elsewhere', jobId: '7', requestedBy: 'alice' });
    expect(result).toEqual({
      delivered: false,
      listeners: 0,
      failedReason: 'cancelled by alice',
      message: 'No Drover worker listens on queue "reports-elsewhere": the job runs on a worker that does not listen for cancellation',
    });
  });
});
