// Cancelling an active job from the console side (requestJobCancel) while the runtime runs it, on both
// stores: Redis pub/sub and ack lists, or PostgreSQL NOTIFY drover_cancel and ack rows (no Redis at all).
import { Queue, createPostgresBackend } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/stores';
import { consoleForThisFile } from '../helpers/console-store';
import { settledJobAttempts, startHttpPeer, waitFor, waitForFinished } from '../helpers/workers';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { bundledProcessors, selectKinds } from '@/workers/runtime/bundled-processors';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { withKindDefaults } from '@/lib/job-kinds/registry';
import { requestJobCancel } from '@/lib/cancellation';
import { getConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';

const settings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000 };

describe.each(STORE_KINDS)('cancelling an active job on %s', (kind) => {
  // The runtime's connection is the only one: on PostgreSQL no Redis runs at all.
  const server = consoleForThisFile(kind);
  let runtime: Runtime;
  let second: Runtime;
  let webhook: Queue;
  let peer: Awaited<ReturnType<typeof startHttpPeer>>;
  const logs: Array<Record<string, unknown>> = [];
  const conn = () => getConnection('console');
  const cancel = (input: Omit<Parameters<typeof requestJobCancel>[0], 'records'>) => requestJobCancel({ records: conn().records, ...input });

  beforeAll(async () => {
    // The test receivers listen on 127.0.0.1, which the egress policy refuses by default (lib/egress).
    process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
    // The producer's side: on PostgreSQL it creates BullMQ's schema, as an application using BullMQ does.
    webhook = server.track(
      kind === 'redis'
        ? new Queue('webhook', { connection: { url: server.url } })
        : (new Queue('webhook', { connection: { connectionString: server.url, migrate: true } }, createPostgresBackend) as unknown as Queue),
    );
    await webhook.waitUntilReady();
    peer = await startHttpPeer(() => ({ status: 200, hang: true }));
    const logger = createWorkerLogger({}, { write: (line: string) => void logs.push(JSON.parse(line)) });
    const { processors } = bundledProcessors({ webhookSecret: 's', mailFrom: 'drover@example.com' });
    const connection = conn().config;
    // Two worker processes' worth of runtimes on the same queue: only the one running the job aborts it.
    runtime = await startRuntime({ connection, kinds: selectKinds(['webhook'], processors), settings, logger, workerName: 'drover@test-a:1' });
    second = await startRuntime({ connection, kinds: selectKinds(['webhook'], processors), settings, logger, workerName: 'drover@test-b:2', schedulers: false });
  });

  afterAll(async () => {
    await runtime?.close();
    await second?.close();
    await peer?.close();
  });

  async function startHangingJob(path: string) {
    const job = await webhook.add('deliver', { url: `${peer.url}${path}`, payload: {}, timeoutMs: 60_000 }, withKindDefaults('webhook', { attempts: 3, backoff: { type: 'fixed', delay: 10 } }));
    const request = await waitFor(() => peer.requests.find((r) => r.url === path), `the request to ${path}`);
    return { job, request };
  }

  it('aborts the run: the processor stops and the job fails "cancelled by <user>" without retry', async () => {
    const { job, request } = await startHangingJob('/cancel-me');
    const result = await cancel({ queue: 'webhook', jobId: job.id!, requestedBy: 'alice@example.com' });
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
    const attempts = await settledJobAttempts(conn(), 'webhook', job.id!);
    expect(attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'cancelled', error: 'cancelled by alice@example.com', worker: runner })]);
    expect(logs.find((l) => l.event === 'cancel.request' && l.jobId === job.id && l.cancelled === true)).toMatchObject({ requestedBy: 'alice@example.com', queue: 'webhook' });
  });

  it('"fail permanently" aborts with its own reason, recorded as a failed attempt', async () => {
    const { job } = await startHangingJob('/fail-me');
    const result = await cancel({ queue: 'webhook', jobId: job.id!, requestedBy: 'bob', reason: 'stuck on a dead host', mode: 'fail' });
    expect(result.delivered).toBe(true);
    expect(result.message).toMatch(new RegExp(`^Failure delivered: worker drover@test-[ab]:[12] failed job ${job.id} \\(it fails permanently, no retry\\)$`));
    const done = await waitForFinished(webhook, job.id!);
    expect([await done.getState(), done.failedReason, done.attemptsMade]).toEqual(['failed', 'failed permanently by bob: stuck on a dead host', 1]);
    const [attempt] = await settledJobAttempts(conn(), 'webhook', job.id!);
    expect(attempt).toMatchObject({ outcome: 'failed', error: 'failed permanently by bob: stuck on a dead host' });
  });

  it('says so when no listening worker runs the job', async () => {
    const result = await cancel({ queue: 'webhook', jobId: '424242', requestedBy: 'alice' });
    expect(result).toMatchObject({
      delivered: false,
      listeners: 2,
      message: 'No Drover worker is running job 424242 (2 listening workers answered): it may run on a worker that does not listen for cancellation',
    });
    // Acks expire on their own.
    if (kind === 'redis') {
      const client = server.redis();
      const [, ackKeys] = await client.scan('0', 'MATCH', `${KEYS.cancelAck('')}*`, 'COUNT', 1000);
      expect(ackKeys.length).toBeGreaterThan(0);
      for (const key of ackKeys) expect(await client.ttl(key)).toBeGreaterThan(0);
    } else {
      const { rows } = await server.pool().query<{ left: string }>(`SELECT (expires_at - $1)::text AS left FROM drover.cancel_ack`, [Date.now()]);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(Number(row.left)).toBeGreaterThan(0);
    }
  });

  it('says so when no Drover worker listens on the queue', async () => {
    const result = await cancel({ queue: 'reports-elsewhere', jobId: '7', requestedBy: 'alice' });
    expect(result).toEqual({
      delivered: false,
      listeners: 0,
      failedReason: 'cancelled by alice',
      message: 'No Drover worker listens on queue "reports-elsewhere": the job runs on a worker that does not listen for cancellation',
    });
  });

  it('counts only the listeners still running: a stopped runtime is no longer one', async () => {
    await second.close();
    const result = await cancel({ queue: 'webhook', jobId: '515151', requestedBy: 'alice' });
    expect(result).toMatchObject({ delivered: false, listeners: 1 });
  });
});
