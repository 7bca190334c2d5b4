// The worker runtime as the real process `npm run workers` starts: graceful shutdown, a shutdown
// timeout, and a SIGKILL mid-job recovered by another worker process through stalled-job detection.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { killIfRunning, settledAttempts, spawnWorkers, startHttpPeer, waitFor, waitForFinished, type SpawnedWorkers } from '../helpers/workers';
import { enqueue } from '@/workers/enqueue';
import { isDroverWorkerName } from '@/lib/workers/worker-name';
import { readAttempts } from '@/lib/attempts/read-attempts';

let redis: TestRedis;
let client: Redis;
let webhook: Queue;
let dataDir: string;
let peer: Awaited<ReturnType<typeof startHttpPeer>>;
const spawned: SpawnedWorkers[] = [];

beforeAll(async () => {
  // The test receivers listen on 127.0.0.1, which the egress policy refuses by default (lib/egress).
  process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
  redis = await startTestRedis();
  client = redis.client();
  webhook = new Queue('webhook', { connection: client });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-workers-proc-'));
  peer = await startHttpPeer((req) => {
    if (req.url === '/slow') return { status: 200, delayMs: 1500 };
    // The first delivery to /crash never gets an answer (its worker is killed); later ones do.
    if (req.url === '/crash' && peer.requests.filter((r) => r.url === '/crash').length === 1) return { status: 200, hang: true };
    if (req.url === '/hang') return { status: 200, hang: true };
    return { status: 200 };
  });
});
afterEach(() => {
  spawned.forEach((w) => killIfRunning(w.child));
});
afterAll(async () => {
  spawned.forEach((w) => killIfRunning(w.child));
  await webhook?.close();
  await peer?.close();
  await redis?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function start(args: string[], env: Record<string, string> = {}): SpawnedWorkers {
  const workers = spawnWorkers(args, { REDIS_URL: redis.url, DROVER_DATA_DIR: dataDir, WEBHOOK_SECRET: 'proc-secret', LOG_LEVEL: 'debug', ...env });
  spawned.push(workers);
  return workers;
}

const ready = (w: SpawnedWorkers) => w.waitForLog((l) => l.event === 'workers.ready', 'workers ready');
const add = (url: string, attempts = 3) => enqueue('webhook', { url, payload: {}, timeoutMs: 60_000 }, { attempts, backoff: { type: 'fixed', delay: 10 } }, { redis: client, prefix: 'bull' });

describe('npm run workers', { timeout: 300_000 }, () => {
  it('on SIGTERM stops taking jobs, lets the active job finish, and exits 0', async () => {
    const workers = start(['webhook'], { DROVER_SHUTDOWN_TIMEOUT_MS: '20000' });
    expect(await ready(workers)).toMatchObject({ queues: ['webhook'], prefix: 'bull', connection: 'default' });
    const job = await add(`${peer.url}/slow`);
    await waitFor(() => peer.requests.some((r) => r.url === '/slow'), 'the slow request');
    workers.child.kill('SIGTERM');
    await workers.waitForLog((l) => l.event === 'workers.stopping', 'stopping');
    const late = await add(`${peer.url}/late`);
    expect(await workers.exited).toEqual({ code: 0, signal: null });
    expect(await webhook.getJobState(job.id!)).toBe('completed');
    expect((await webhook.getJob(job.id!))!.returnvalue).toMatchObject({ status: 200 });
    // Nothing new was taken after the signal.
    expect(await webhook.getJobState(late.id!)).toBe('waiting');
    expect(workers.logs.find((l) => l.event === 'workers.stopping')).toMatchObject({ activeJobs: 1 });
    expect(workers.logs.find((l) => l.event === 'workers.stopped')).toMatchObject({ timedOut: false });
    await webhook.remove(late.id!);
  });

  it('gives up waiting after DROVER_SHUTDOWN_TIMEOUT_MS and still exits 0', async () => {
    const workers = start(['webhook'], { DROVER_SHUTDOWN_TIMEOUT_MS: '300' });
    await ready(workers);
    const job = await add(`${peer.url}/hang`);
    await waitFor(() => peer.requests.some((r) => r.url === '/hang'), 'the hanging request');
    const signalled = Date.now();
    workers.child.kill('SIGTERM');
    expect(await workers.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(workers.logs.find((l) => l.event === 'workers.shutdown_timeout')).toMatchObject({ abandonedJobs: [{ queue: 'webhook', jobId: job.id }] });
    // The job is left active for stalled-job recovery, not failed.
    expect(await webhook.getJobState(job.id!)).toBe('active');
    await webhook.obliterate({ force: true });
  });

  it('after a SIGKILL mid-job, another worker process recovers the stalled job and completes it', async () => {
    const env = { DROVER_LOCK_DURATION_MS: '1500', DROVER_STALLED_INTERVAL_MS: '500' };
    const first = start(['webhook'], env);
    await ready(first);
    const job = await add(`${peer.url}/crash`);
    await waitFor(() => peer.requests.some((r) => r.url === '/crash'), 'the first delivery');
    const firstName = (await webhook.getJob(job.id!))!.processedBy!;
    // The run's start record is batched (sent within 20 ms): killed before it is sent, the first run
    // would leave no record at all, which is not what this test is about (it failed so on a busy CI).
    await waitFor(async () => (await readAttempts(client, 'bull', 'webhook', job.id!)).length === 1, 'the first run\'s start record');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = start(['webhook'], env);
    await ready(second);
    const done = await waitForFinished(webhook, job.id!, 20_000);
    expect(await done.getState()).toBe('completed');
    expect(done.processedBy).not.toBe(firstName);
    expect(isDroverWorkerName(done.processedBy)).toBe(true);
    expect(peer.requests.filter((r) => r.url === '/crash')).toHaveLength(2);
    // The job's state is read from Redis; the process's log line may still be in the pipe on a loaded machine.
    await second.waitForLog((l) => l.event === 'job.stalled' && l.jobId === job.id, 'the stalled job logged by the recovering process');
    // The history keeps both runs: the killed one reads as stalled.
    const attempts = await settledAttempts(client, 'bull', 'webhook', job.id!, 2);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.worker])).toEqual([
      [2, 'completed', done.processedBy],
      [1, 'stalled', firstName],
    ]);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('refuses unknown kinds, a missing Redis and a bad DROVER_EGRESS_ALLOW with a clear message', async () => {
    const badEgress = start([], { DROVER_EGRESS_ALLOW: '10.20.0.0/16,10.0.0.0/40' });
    expect((await badEgress.exited).code).toBe(1);
    expect(badEgress.output()).toContain('DROVER_EGRESS_ALLOW: \\"10.0.0.0/40\\": the prefix length must be 0-32');
    const unknown = start(['webhook', 'sms']);
    expect((await unknown.exited).code).toBe(1);
    expect(unknown.output()).toContain('Unknown job kind or queue: sms (known: webhook, email, image, report)');
    const noRedis = spawnWorkers([], { DROVER_DATA_DIR: dataDir });
    spawned.push(noRedis);
    expect((await noRedis.exited).code).toBe(1);
    expect(noRedis.output()).toContain('No Redis to work on: set REDIS_URL or create drover.config.json, or start the console with `npm start`');
  });
});
