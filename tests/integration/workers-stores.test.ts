// The bundled worker runtime on both stores (one suite, parameterized): it runs a kind's jobs, records
// the attempt history the console reads, shows on Busy, and aborts a running job when the console asks.
// On PostgreSQL, BullMQ's backend holds the jobs and Drover's own records live on the console's Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { ctxAs } from '../helpers/console-env';
import { startHttpPeer, waitFor, waitForFinished } from '../helpers/workers';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { bundledProcessors, selectKinds } from '@/workers/runtime/bundled-processors';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { readJobAttempts } from '@/lib/attempts/read-attempts';
import { cancelJob } from '@/lib/jobs/cancel-job';
import { readBusyConnection } from '@/lib/workers/get-busy';

const settings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000 };
const operator = ctxAs('operator', 'op@test');

describe.each(STORE_KINDS)('the bundled workers on %s', (kind) => {
  let store: TestStore;
  let runtime: Runtime;
  let peer: Awaited<ReturnType<typeof startHttpPeer>>;

  beforeAll(async () => {
    // The test receiver listens on 127.0.0.1, which the egress policy refuses by default (lib/egress).
    process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
    store = await startConfiguredStore(kind);
    peer = await startHttpPeer((req) => (req.url === '/hang' ? { status: 200, hang: true } : { status: 200, body: 'ok' }));
    const { processors } = bundledProcessors({ webhookSecret: 's', mailFrom: 'drover@example.com' });
    const logger = createWorkerLogger({}, { write: () => {} });
    const main = getConnection('main').config;
    runtime = await startRuntime({
      connection: main,
      control: main.store === 'postgres' ? getConnection('console').config : undefined,
      kinds: selectKinds(['webhook'], processors),
      settings,
      logger,
      workerName: 'drover@test-runtime:1',
    });
  }, 60_000);

  afterAll(async () => {
    await runtime?.close();
    await peer?.close();
    await closeAllConnections();
    await store?.stop();
  });

  it('runs a job and records its attempt where the console reads it', async () => {
    const queue = store.queue('webhook');
    const job = await queue.add('deliver', { url: `${peer.url}/ok`, payload: { n: 1 } });
    const done = await waitForFinished(queue, job.id!, 30_000);
    expect(await done.getState()).toBe('completed');
    expect(done.processedBy).toBe('drover@test-runtime:1');
    const attempts = await waitFor(async () => {
      const list = await readJobAttempts(getConnection('main'), 'webhook', job.id!);
      return list.length > 0 && list[0].outcome !== 'running' ? list : undefined;
    }, 'the attempt history');
    expect(attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'completed', worker: 'drover@test-runtime:1' })]);
  });

  it('shows on Busy with the job it runs, and aborts it when the console cancels it', async () => {
    const queue = store.queue('webhook');
    const job = await queue.add('deliver', { url: `${peer.url}/hang`, payload: {}, timeoutMs: 60_000 }, { attempts: 3 });
    await waitFor(() => peer.requests.find((r) => r.url === '/hang'), 'the hanging request');
    const busy = await waitFor(async () => {
      const read = await readBusyConnection(getConnection('main'));
      return read.processes.find((p) => p.name === 'drover@test-runtime:1' && p.jobs.some((j) => j.id === job.id)) ? read : undefined;
    }, 'the runtime on Busy with its job');
    expect(busy.error).toBeNull();

    const outcome = await cancelJob(operator, { conn: 'main', queue: 'webhook', id: job.id! });
    expect(outcome.delivered).toBe(true);
    const done = await waitForFinished(queue, job.id!, 30_000);
    expect(await done.getState()).toBe('failed');
    expect(done.failedReason).toBe('cancelled by op@test');
    expect(done.attemptsMade).toBe(1);
    const attempts = await waitFor(async () => {
      const list = await readJobAttempts(getConnection('main'), 'webhook', job.id!);
      return list[0]?.outcome === 'cancelled' ? list : undefined;
    }, 'the cancelled attempt');
    expect(attempts[0]).toMatchObject({ outcome: 'cancelled', error: 'cancelled by op@test' });
  }, 60_000);
});
