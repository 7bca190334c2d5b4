// `npm run seed -- --if-empty` as start.mjs runs it on a fresh Redis, next to running workers.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { root, startHttpPeer, TSX, waitFor } from '../helpers/workers';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { bundledProcessors, selectKinds } from '@/workers/runtime/bundled-processors';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { jobKinds } from '@/workers/definitions';

let redis: TestRedis;
let client: Redis;
let runtime: Runtime;
let dataDir: string;
let fakeConsole: Awaited<ReturnType<typeof startHttpPeer>>;
const queues = new Map<string, Queue>();
const queue = (name: string) => queues.get(name) ?? queues.set(name, new Queue(name, { connection: client })).get(name)!;

function seed(args: string[]) {
  const env = { ...process.env, REDIS_URL: redis.url, DROVER_CONFIG: undefined, DROVER_DATA_DIR: dataDir, PORT: new URL(fakeConsole.url).port } as NodeJS.ProcessEnv;
  return spawnSync(process.execPath, [...TSX, 'scripts/seed.ts', ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-seed-'));
  process.env.DROVER_DATA_DIR = dataDir;
  // Stands in for the console the demo webhooks call: /api/health answers 200, the API 401.
  fakeConsole = await startHttpPeer((req) => (req.url === '/api/health' ? { status: 200, body: '{"status":"ok"}' } : { status: 401, body: '{"error":{"code":"unauthorized"}}' }));
  // What `npm start` allows with the embedded default: the console's own origin, nothing else on loopback.
  process.env.DROVER_EGRESS_ALLOW = `127.0.0.1:${new URL(fakeConsole.url).port}`;
  const { processors } = bundledProcessors({ webhookSecret: 's', mailFrom: 'drover@example.com' });
  const logger = createWorkerLogger({}, { write: () => {} });
  // The workers start first and upsert their schedulers: the Redis still counts as empty.
  runtime = await startRuntime({
    connection: { name: 'default', url: redis.url, prefix: 'bull' },
    kinds: selectKinds([], processors),
    settings: { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000 },
    logger,
  });
});

afterAll(async () => {
  await runtime?.close();
  await Promise.allSettled([...queues.values()].map((q) => q.close()));
  await fakeConsole?.close();
  await redis?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run seed -- --if-empty', () => {
  it('seeds a lively mix once, and not twice', async () => {
    const first = seed(['--if-empty']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/\[drover\] seed: added \d+ jobs on connection "default"/);
    const total = async () => {
      let sum = 0;
      for (const kind of jobKinds) sum += Object.values(await queue(kind.queue).getJobCounts()).reduce((a, b) => a + b, 0);
      return sum;
    };
    const seeded = await total();
    expect(seeded).toBeGreaterThan(150);
    expect(seeded).toBeLessThan(500);

    const second = seed(['--if-empty']);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/seed: skipped \(already seeded on /);
    expect(await total()).toBe(seeded);

    // Delayed and prioritized jobs wait; a flow parent waits for its children or has run already.
    expect((await queue('webhook').getJobCounts('delayed')).delayed).toBeGreaterThanOrEqual(8);
    expect((await queue('email').getJobCounts('delayed')).delayed).toBeGreaterThanOrEqual(5);
    const prioritized = await queue('webhook').getJobs(['prioritized', 'active', 'completed', 'wait'], 0, 200);
    expect(prioritized.some((j) => j.opts.priority === 10)).toBe(true);
    const flowParent = (await queue('report').getJobs(['waiting-children', 'wait', 'active', 'completed'], 0, 50)).find((j) => j.data.lastMinutes === 30);
    expect(flowParent).toBeDefined();
    expect((await flowParent!.getDependenciesCount()).processed! + (await flowParent!.getDependenciesCount()).unprocessed!).toBeGreaterThanOrEqual(3);

    // With workers running the console fills with every outcome.
    await waitFor(async () => {
      const [webhooks, emails] = await Promise.all([queue('webhook').getJobCounts(), queue('email').getJobCounts()]);
      return webhooks.completed >= 50 && webhooks.failed >= 6 && emails.completed >= 30 && emails.failed >= 6;
    }, 'completed and failed jobs', 20_000, 200);
    const failed = await queue('webhook').getJobs(['failed'], 0, 50);
    expect(failed.some((j) => j.attemptsMade === 1 && /HTTP 401/.test(j.failedReason))).toBe(true);
    // The demo's webhooks to another loopback port show what an egress refusal looks like.
    expect(failed.some((j) => j.attemptsMade === 1 && /^127\.0\.0\.1:9 is refused by the egress policy: 127\.0\.0\.1 is a loopback address/.test(j.failedReason))).toBe(true);
    const failedEmails = await queue('email').getJobs(['failed'], 0, 50);
    expect(failedEmails.some((j) => j.failedReason.startsWith('Invalid job data for "email"'))).toBe(true);
    expect(failedEmails.some((j) => j.failedReason.startsWith('Template variable {{team}} has no value'))).toBe(true);
    await waitFor(async () => (await queue('image').getJobCounts()).completed >= 6, 'images', 20_000, 200);
    expect(fs.readdirSync(path.join(dataDir, 'outbox')).length).toBeGreaterThanOrEqual(30);
  });

  it('does not seed a Redis that already has other queues', async () => {
    // A Redis holding only someone else's queue (the running workers stay connected).
    await client.flushall();
    const other = new Queue('billing', { connection: client });
    await other.add('charge', { amount: 1 });
    await other.close();
    const run = seed(['--if-empty']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/seed: skipped \(queue "billing" (exists|has jobs)\)/);
    // Seeding sets this marker before it adds a job: skipped means it never started.
    expect(await client.get('drover:seeded:bull')).toBeNull();
  });
});
