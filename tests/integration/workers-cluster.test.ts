// The worker runtime on a real 3-master Redis Cluster: jobs, attempt history and cancellation
// (sharded pub/sub, so the console's listener count is exact), and a circuit breaker (its record and the
// connection's index of circuits share the prefix's hash tag: one Lua call writes both).
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
import { parseCircuit } from '@/lib/circuits/circuit';

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
    circuits: { enabled: true, policy: { failures: 2, failureRatePercent: 100, windowMs: 60_000, minVolume: 100, cooldownMs: 600_000, maxCooldownMs: 600_000 } },
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

  it('opens a failing receiver’s circuit: later jobs for it are held back without an attempt, and the console lists it', async () => {
    const failing = await startHttpPeer(() => ({ status: 503 }));
    try {
      const first = await enqueue('webhook', { url: `${failing.url}/a`, payload: {} }, { attempts: 1 }, conn());
      const second = await enqueue('webhook', { url: `${failing.url}/b`, payload: {} }, { attempts: 1 }, conn());
      await waitForFinished(webhook, first.id!);
      await waitForFinished(webhook, second.id!);
      const records = new RedisConnectionRecords(client, prefix);
      const listed = await waitFor(async () => {
        const { circuits } = await records.circuits.listCircuits(10);
        return circuits.find((c) => c.destination === failing.url && parseCircuit(c.json)?.state === 'open');
      }, 'the open circuit listed');
      expect(parseCircuit(listed.json)).toMatchObject({ consecutive: 2 });
      const held = await enqueue('webhook', { url: `${failing.url}/c`, payload: {} }, { attempts: 1 }, conn());
      await waitFor(async () => (await webhook.getJobState(held.id!)) === 'delayed', 'the third job held back');
      expect((await webhook.getJob(held.id!))!.attemptsMade).toBe(0);
      expect(failing.requests.map((r) => r.url)).toEqual(expect.arrayContaining(['/a', '/b']));
      expect(failing.requests).toHaveLength(2);
      await webhook.remove(held.id!);
    } finally {
      await failing.close();
    }
  });
});
