// Dead-letter capture by the real worker runtime: exhausted attempts, UnrecoverableError on the first
// failure, the per-kind "remove the origin" option, and exactly-once capture when the worker process
// is killed between BullMQ's move to failed and the capture (the restart sweep captures it, once).
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis, deadLetterIdOf } from '../helpers/redis';
import { killIfRunning, spawnWorkers, startHttpPeer, waitFor, type SpawnedWorkers } from '../helpers/workers';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { bundledProcessors, selectKinds } from '@/workers/runtime/bundled-processors';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { defineJobKind } from '@/lib/job-kinds/kind';
import { enqueue } from '@/workers/enqueue';
import { KEYS } from '@/lib/keys';
import { deadLetterId, parseEnvelope } from '@/lib/dlq/envelope';
import { errorGroupOf } from '@/lib/dlq/normalize-error';
import { isDroverWorkerName } from '@/lib/workers/worker-name';
import { TEST_CRASH_BEFORE_CAPTURE_ENV } from '@/workers/runtime/dead-letters';
import { startTestCluster } from '../helpers/redis-cluster';
import { createRedisClient } from '@/lib/redis/create-client';
import { removeEnvelopes } from '@/lib/dlq/remove-envelopes';

const settings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000 };

let redis: TestRedis;
let client: Redis;
let peer: Awaited<ReturnType<typeof startHttpPeer>>;
const queues: Queue[] = [];

function queue(name: string, prefix = 'bull'): Queue {
  const q = new Queue(name, { connection: client, prefix });
  queues.push(q);
  return q;
}

/** The envelope job of one failure, once it exists. */
async function envelopeOf(dlq: Queue, originQueue: string, job: { id?: string; timestamp: number }, attemptsMade: number) {
  const jobId = job.id!;
  const id = deadLetterId(originQueue, jobId, attemptsMade, job.timestamp);
  return waitFor(async () => (await dlq.getJob(id)) ?? undefined, `dead letter of ${originQueue}/${jobId}`, 15_000);
}

beforeAll(async () => {
  // The test receivers listen on 127.0.0.1, which the egress policy refuses by default (lib/egress).
  process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
  redis = await startTestRedis();
  client = redis.client();
  peer = await startHttpPeer((req) => {
    if (req.url.startsWith('/down')) return { status: 503 };
    if (req.url.startsWith('/gone')) return { status: 404 };
    return { status: 200 };
  });
});

afterAll(async () => {
  await Promise.allSettled(queues.map((q) => q.close()));
  await peer?.close();
  await redis?.stop();
});

describe('the runtime captures permanently failed jobs', () => {
  let runtime: Runtime;
  let closeProcessors = () => {};
  const logs: Array<Record<string, unknown>> = [];

  // A kind whose failed jobs leave their queue once captured (deadLetter.removeOrigin).
  const doomedKind = defineJobKind({
    kind: 'doomed',
    queue: 'doomed',
    jobNames: ['charge'],
    description: 'always fails',
    dataSchema: z.object({ order: z.number() }),
    defaultJobOptions: {},
    concurrency: 5,
    deadLetter: { removeOrigin: true },
  });

  beforeAll(async () => {
    const bundled = bundledProcessors({ webhookSecret: 's', mailFrom: 'drover@example.com' });
    closeProcessors = () => bundled.close();
    const logger = createWorkerLogger({ worker: 'test' }, { write: (line: string) => void logs.push(JSON.parse(line)) }, 'debug');
    runtime = await startRuntime({
      connection: { name: 'default', url: redis.url, prefix: 'bull' },
      kinds: [
        ...selectKinds(['webhook'], bundled.processors),
        {
          definition: doomedKind,
          processor: {
            type: 'inline',
            process: async ({ data }) => {
              throw new Error(`card declined for order ${(data as { order: number }).order}`);
            },
          },
        },
      ],
      settings,
      logger,
    });
  });

  afterAll(async () => {
    await runtime?.close();
    closeProcessors();
  });

  it('a job that exhausts its attempts lands in the DLQ once, as a full envelope in the failed set', async () => {
    const webhook = queue('webhook');
    const dlq = queue('dead-letter');
    const job = await enqueue('webhook', { url: `${peer.url}/down`, payload: { order: 7, note: '<b>hi</b>' } }, { attempts: 3, backoff: { type: 'fixed', delay: 20 } }, { redis: client, prefix: 'bull' });
    const envelopeJob = await envelopeOf(dlq, 'webhook', job, 3);
    const origin = (await webhook.getJob(job.id!))!;
    expect(await origin.getState()).toBe('failed');

    // The envelope is a job of the DLQ queue kept in its failed set, where no worker takes it.
    expect(await envelopeJob.getState()).toBe('failed');
    expect(envelopeJob.name).toBe('deliver');
    expect(envelopeJob.failedReason).toBe(origin.failedReason);
    expect(envelopeJob.stacktrace).toEqual(origin.stacktrace);
    expect(envelopeJob.finishedOn).toBe(origin.finishedOn);
    const envelope = parseEnvelope(JSON.stringify(envelopeJob.data));
    expect(envelope).toMatchObject({
      queue: 'webhook',
      jobId: job.id,
      name: 'deliver',
      data: { url: `${peer.url}/down`, payload: { order: 7, note: '<b>hi</b>' } },
      failedReason: origin.failedReason,
      attemptsMade: 3,
      failedAt: origin.finishedOn,
      processedBy: origin.processedBy,
    });
    expect(envelope.opts).toMatchObject({ attempts: 3, backoff: { type: 'fixed', delay: 20 } });
    expect(envelope.stacktrace).toHaveLength(3);
    expect(envelope.failedReason).toContain('HTTP 503');
    expect(isDroverWorkerName(envelope.processedBy)).toBe(true);
    expect(envelope.capturedBy).toBe(`runtime:${runtime.workerName}`);

    // Exactly one envelope, indexed under its origin queue and error group; the origin is kept (default).
    const base = KEYS.deadLetters('bull', 'dead-letter');
    await new Promise((r) => setTimeout(r, 300));
    expect(await dlq.getFailedCount()).toBe(1);
    expect(await client.zrange(`${base}:queue:webhook:ids`, '0', '-1')).toEqual([envelopeJob.id]);
    expect(await client.zrange(`${base}:group:${errorGroupOf(origin.failedReason).id}:ids`, '0', '-1')).toEqual([envelopeJob.id]);
    expect(await client.hget(`bull:webhook:${job.id}`, 'drover:dlq')).toBe(envelopeJob.id);
    expect(logs.filter((l) => l.event === 'dlq.captured' && l.jobId === job.id)).toHaveLength(1);
  });

  it('a job failing with UnrecoverableError lands on its first failure', async () => {
    const dlq = queue('dead-letter');
    const job = await enqueue('webhook', { url: `${peer.url}/gone`, payload: {} }, { attempts: 5, backoff: { type: 'fixed', delay: 20 } }, { redis: client, prefix: 'bull' });
    const envelopeJob = await envelopeOf(dlq, 'webhook', job, 1);
    const envelope = parseEnvelope(JSON.stringify(envelopeJob.data));
    expect(envelope.attemptsMade).toBe(1);
    expect(envelope.stacktrace).toHaveLength(1);
    expect(envelope.failedReason).toMatch(/answered HTTP 404 \(the request was refused/);
    expect(peer.requests.filter((r) => r.url === '/gone')).toHaveLength(1);
  });

  it('removes the origin job from its failed set once captured when its kind says so', async () => {
    const doomed = queue('doomed');
    const dlq = queue('dead-letter');
    const job = await doomed.add('charge', { order: 12345 });
    const envelopeJob = await envelopeOf(dlq, 'doomed', job, 1);
    expect(parseEnvelope(JSON.stringify(envelopeJob.data))).toMatchObject({ queue: 'doomed', data: { order: 12345 }, failedReason: 'card declined for order 12345' });
    await waitFor(async () => (await doomed.getJob(job.id!)) === undefined, 'the origin job to be removed');
    expect(await doomed.getFailedCount()).toBe(0);
  });

  it('captures failed jobs it never ran (failed by hand while no worker held them) in its sweep', async () => {
    // A second runtime on another prefix with a short sweep interval: the job fails without a worker.
    const bundled = bundledProcessors({ webhookSecret: 's', mailFrom: 'drover@example.com' });
    const email = queue('email', 'swept');
    const job = await enqueue('email', { to: 'x@example.com', subject: 's', text: 't' }, {}, { redis: client, prefix: 'swept' });
    // Move it to failed the way the console's "Fail permanently" does for a waiting job.
    await client.multi().lrem('swept:email:wait', 0, job.id!).zadd('swept:email:failed', Date.now(), job.id!).hset(`swept:email:${job.id}`, 'failedReason', 'failed permanently by op', 'finishedOn', Date.now()).exec();
    expect(await email.getJobState(job.id!)).toBe('failed');
    const second = await startRuntime({
      connection: { name: 'default', url: redis.url, prefix: 'swept', deadLetterQueue: 'graveyard' },
      kinds: selectKinds(['email'], bundled.processors),
      settings: { ...settings, deadLetterSweepIntervalMs: 200 },
      schedulers: false,
      logger: createWorkerLogger({ worker: 'swept' }, { write: (line: string) => void logs.push(JSON.parse(line)) }, 'debug'),
    });
    try {
      const envelopeJob = await envelopeOf(queue('graveyard', 'swept'), 'email', job, 0);
      expect(parseEnvelope(JSON.stringify(envelopeJob.data))).toMatchObject({ queue: 'email', failedReason: 'failed permanently by op', capturedBy: `runtime:${second.workerName}` });
    } finally {
      await second.close();
      bundled.close();
    }
  });
});

describe('a worker killed between "moved to failed" and "captured"', { timeout: 300_000 }, () => {
  const spawned: SpawnedWorkers[] = [];
  afterAll(() => spawned.forEach((w) => killIfRunning(w.child)));

  function start(env: Record<string, string> = {}): SpawnedWorkers {
    const workers = spawnWorkers(['webhook'], { REDIS_URL: redis.url, WEBHOOK_SECRET: 's', LOG_LEVEL: 'debug', DROVER_DATA_DIR: redis.dir, ...env });
    spawned.push(workers);
    return workers;
  }
  const swept = (w: SpawnedWorkers) => w.waitForLog((l) => l.event === 'dlq.sweep_done', 'the startup sweep', 90_000);

  it('lands in the DLQ exactly once after a restart, and stays once after another', async () => {
    // The in-process runtime above has closed: these processes are the only workers of "webhook".
    const first = start({ [TEST_CRASH_BEFORE_CAPTURE_ENV]: '1' });
    await first.waitForLog((l) => l.event === 'workers.ready', 'workers ready');
    const job = await enqueue('webhook', { url: `${peer.url}/down?crash`, payload: { n: 1 } }, { attempts: 2, backoff: { type: 'fixed', delay: 20 } }, { redis: client, prefix: 'bull' });
    expect((await first.exited).signal).toBe('SIGKILL');
    const origin = queue('webhook');
    expect(await origin.getJobState(job.id!)).toBe('failed');
    const id = await deadLetterIdOf(client, 'webhook', job.id!, 2);
    expect(await client.exists(`bull:dead-letter:${id}`)).toBe(0);
    expect(await client.hget(`bull:webhook:${job.id}`, 'drover:dlq')).toBeNull();

    const second = start();
    await swept(second);
    expect(await client.exists(`bull:dead-letter:${id}`)).toBe(1);
    expect(await client.hget(`bull:webhook:${job.id}`, 'drover:dlq')).toBe(id);
    const envelope = parseEnvelope((await client.hget(`bull:dead-letter:${id}`, 'data'))!);
    expect(envelope).toMatchObject({ queue: 'webhook', jobId: job.id, attemptsMade: 2, data: { url: `${peer.url}/down?crash`, payload: { n: 1 } } });
    expect(envelope.stacktrace).toHaveLength(2);
    expect(second.logs.find((l) => l.event === 'dlq.swept' && l.queue === 'webhook')).toMatchObject({ captured: 1 });
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    const third = start();
    await swept(third);
    third.child.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
    // Still exactly one dead letter for this failure, and one in the DLQ's index for the queue.
    const base = KEYS.deadLetters('bull', 'dead-letter');
    const forJob = (await client.zrange(`${base}:queue:webhook:ids`, '0', '-1')).filter((x) => x === id);
    expect(forJob).toEqual([id]);
    expect(third.logs.some((l) => l.event === 'dlq.swept')).toBe(false);
    expect(await queue('dead-letter').getJob(id)).toBeDefined();
  });
});

describe('on a Redis Cluster', () => {
  it('captures and removes envelopes with their indexes in the queues\' slot (prefix {bull})', async () => {
    const cluster = await startTestCluster();
    const cl = createRedisClient({ name: 'cl', url: cluster.url }, { purpose: 'console', maxRetriesPerRequest: null });
    const bundled = bundledProcessors({ webhookSecret: 's', mailFrom: 'drover@example.com' });
    const logs: Array<Record<string, unknown>> = [];
    const runtime = await startRuntime({
      connection: { name: 'cl', url: cluster.url, prefix: '{bull}' },
      kinds: selectKinds(['webhook'], bundled.processors),
      settings,
      logger: createWorkerLogger({}, { write: (line: string) => void logs.push(JSON.parse(line)) }, 'debug'),
    });
    try {
      const job = await enqueue('webhook', { url: `${peer.url}/gone`, payload: {} }, { attempts: 3 }, { redis: cl, prefix: '{bull}' });
      const id = deadLetterId('webhook', job.id!, 1, job.timestamp);
      await waitFor(async () => (await cl.exists(`{bull}:dead-letter:${id}`)) === 1, 'the envelope on the cluster');
      const base = KEYS.deadLetters('{bull}', 'dead-letter');
      expect(await cl.zrange(`${base}:all`, '0', '-1')).toEqual([id]);
      expect(await cl.zscore(`${base}:queues`, 'webhook')).toBe('1');
      expect(logs.some((l) => l.event === 'dlq.capture_failed')).toBe(false);
      expect(await removeEnvelopes({ redis: cl, prefix: '{bull}', deadLetterQueue: 'dead-letter' }, [id], 'purged')).toEqual([id]);
      expect(await cl.zcard(`${base}:all`)).toBe(0);
      expect(await cl.exists(`{bull}:dead-letter:${id}`)).toBe(0);
    } finally {
      await runtime.close();
      bundled.close();
      cl.disconnect();
      await cluster.stop();
    }
  });
});
