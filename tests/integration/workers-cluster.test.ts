// The worker runtime on a real 3-master Redis Cluster: jobs, attempt history and cancellation
// (sharded pub/sub, so the console's listener count is exact).
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/redis-cluster';
import { settledAttempts, startHttpPeer, waitFor, waitForFinished } from '../helpers/workers';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { bundledProcessors, selectKinds } from '@/workers/runtime/bundled-processors';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { enqueue } from '@/workers/enqueue';
import { requestJobCancel } from '@/lib/cancellation';
import { createRedisClient } from '@/lib/redis/create-client';
import { Connection } from '@/lib/redis/connections';
import { connectionConfigSchema } from '@/lib/config/schema';
import { readBusyConnection } from '@/lib/workers/get-busy';
import { RedisConnectionRecords } from '@/lib/store/redis/connection-records';

const prefix = '{bull}';
let cluster: TestCluster;
let client: Redis;
let runtime: Runtime;
let webhook: Queue;
let peer: Awaited<ReturnType<typeof startHttpPeer>>;

beforeAll(async () => {
  // The test receivers listen on 127.0.0.1, which the egress policy refuses by default (lib/egress).
  process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
  cluster = await startTestCluster();
  // A cluster client, typed as Redis like the console's.
  client = createRedisClient({ name: 'cl', url: cluster.url }, { purpose: 'console', maxRetriesPerRequest: null });
  peer = await startHttpPeer((req) => (req.url === '/hang' ? { status: 200, hang: true } : { status: 200 }));
  const { processors } = bundledProcessors({ webhookSecret: 's', mailFrom: 'drover@example.com' });
  runtime = await startRuntime({
    connection: { name: 'cl', url: cluster.url, prefix },
    kinds: selectKinds(['webhook'], processors),
    settings: { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000 },
    logger: createWorkerLogger({}, { write: () => {} }),
  });
  webhook = new Queue('webhook', { connection: client, prefix });
}, 240_000);

afterAll(async () => {
  await runtime?.close();
  await webhook?.close();
  client?.disconnect();
  await peer?.close();
  await cluster?.stop();
});

const conn = () => ({ redis: client, prefix });

describe('workers on a Redis Cluster', () => {
  it('runs jobs and keeps their attempt history', async () => {
    const job = await enqueue('webhook', { url: `${peer.url}/ok`, payload: { a: 1 } }, {}, conn());
    const done = await waitForFinished(webhook, job.id!);
    expect(await done.getState()).toBe('completed');
    expect(await settledAttempts(client, prefix, 'webhook', job.id!)).toMatchObject([{ attempt: 1, outcome: 'completed', worker: runtime.workerName }]);
  });

  it('cancels a running job through sharded pub/sub (and the Busy view lists it while it runs)', async () => {
    const job = await enqueue('webhook', { url: `${peer.url}/hang`, payload: {}, timeoutMs: 60_000 }, { attempts: 3 }, conn());
    await waitFor(() => peer.requests.some((r) => r.url === '/hang'), 'the request');
    // The Busy view reads the runtime's heartbeat (index and record share the prefix's hash tag).
    const reader = new Connection(connectionConfigSchema.parse({ name: 'cl', url: cluster.url, prefix }));
    const busy = await waitFor(async () => {
      const c = await readBusyConnection(reader);
      return c.processes.find((p) => p.name === runtime.workerName && p.jobs.some((j) => j.id === job.id)) ? c : undefined;
    }, 'the runtime on the Busy view');
    expect(busy).toMatchObject({ error: null, processesTotal: 1 });
    await reader.close();
    const result = await requestJobCancel({ records: new RedisConnectionRecords(client, prefix), queue: 'webhook', jobId: job.id!, requestedBy: 'ops' });
    expect(result).toMatchObject({ delivered: true, listeners: 1, cancelledBy: runtime.workerName });
    const done = await waitForFinished(webhook, job.id!);
    expect([await done.getState(), done.failedReason, done.attemptsMade]).toEqual(['failed', 'cancelled by ops', 1]);
    const none = await requestJobCancel({ records: new RedisConnectionRecords(client, prefix), queue: 'elsewhere', jobId: '1', requestedBy: 'ops' });
    expect(none).toMatchObject({ delivered: false, listeners: 0 });
  });
});
