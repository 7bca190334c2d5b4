// The bundled worker runtime on both stores (one suite, parameterized): it runs a kind's jobs, records
// the attempt history the console reads, shows on Busy, and aborts a running job when the console asks.
// On PostgreSQL, BullMQ's backend holds the jobs and Drover's own records live in schema "drover" of
// the same database: the last suite runs with PostgreSQL only, no Redis started at all.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, createPostgresBackend } from 'bullmq';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { consoleForThisFile } from '../helpers/console-store';
import { ctxAs } from '../helpers/console-env';
import { settledJobAttempts, startHttpPeer, waitFor, waitForFinished } from '../helpers/workers';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { bundledProcessors, selectKinds } from '@/workers/runtime/bundled-processors';
import { createReportProcessor } from '@/workers/processors/report';
import { reportKind } from '@/lib/job-kinds/report';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { readJobAttempts } from '@/lib/attempts/read-attempts';
import { cancelJob } from '@/lib/jobs/cancel-job';
import { readBusyConnection } from '@/lib/workers/get-busy';
import { requestJobCancel } from '@/lib/cancellation';
import { InvalidError } from '@/lib/errors';
import { listPausedSchedules, storePausedSchedule } from '@/lib/schedules/paused-store';

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
      kinds: selectKinds(['webhook'], processors),
      settings,
      logger,
      workerName: 'drover@test-runtime:1',
    });
  });

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
  });
});

describe('the bundled workers with PostgreSQL only (no Redis started)', () => {
  // The only connection: PostgreSQL, the console's and the workers' (no Redis process exists).
  const server = consoleForThisFile('postgres');
  let runtime: Runtime;
  let queue: Queue;
  let peer: Awaited<ReturnType<typeof startHttpPeer>>;
  let reportsDir: string;
  const conn = () => getConnection('console');

  beforeAll(async () => {
    process.env.DROVER_EGRESS_ALLOW = '127.0.0.1';
    // The producers' side creates BullMQ's schema, as an application using BullMQ on PostgreSQL does.
    queue = server.track(new Queue('webhook', { connection: { connectionString: server.url, migrate: true } }, createPostgresBackend) as unknown as Queue);
    await queue.waitUntilReady();
    peer = await startHttpPeer((req) => (req.url === '/hang' ? { status: 200, hang: true } : { status: 200, body: 'ok' }));
    const { processors } = bundledProcessors({ webhookSecret: 's', mailFrom: 'drover@example.com' });
    reportsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-pg-reports-'));
    runtime = await startRuntime({
      connection: conn().config,
      // The report kind reads the queue itself: on PostgreSQL through the runtime's reader of BullMQ's table.
      kinds: [...selectKinds(['webhook'], processors), { definition: reportKind, processor: { type: 'inline', process: createReportProcessor({ reportsDir }) } }],
      settings: { ...settings, busyHeartbeatMs: 200 },
      logger: createWorkerLogger({}, { write: () => {} }),
      workerName: 'drover@pg-only:1',
    });
  });

  afterAll(async () => {
    await runtime?.close();
    await peer?.close();
  });

  it('has no Redis to reach: the connection is PostgreSQL and refuses Redis calls', () => {
    expect(conn().kind).toBe('postgres');
    expect(() => conn().redis).toThrow();
  });

  it('processes a job and records its attempt in the database', async () => {
    const job = await queue.add('deliver', { url: `${peer.url}/ok`, payload: { n: 1 } });
    const done = await waitForFinished(queue, job.id!, 30_000);
    expect([await done.getState(), done.processedBy]).toEqual(['completed', 'drover@pg-only:1']);
    const attempts = await settledJobAttempts(conn(), 'webhook', job.id!);
    expect(attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'completed', worker: 'drover@pg-only:1' })]);
    const { rows } = await server.pool().query(`SELECT count(*)::int AS n FROM drover.job_attempt WHERE queue = 'webhook' AND job_id = $1`, [job.id]);
    expect(rows[0].n).toBe(1);
  });

  it('runs a report of a queue kept in PostgreSQL: the CSV lists its finished jobs', async () => {
    const delivered = await queue.add('deliver', { url: `${peer.url}/ok`, payload: { n: 2 } });
    await waitForFinished(queue, delivered.id!, 30_000);
    // Closed before the next tests restart PostgreSQL (an idle BullMQ client would report the restart as uncaught).
    const reports = new Queue('report', { connection: { connectionString: server.url } }, createPostgresBackend) as unknown as Queue;
    let done: Awaited<ReturnType<typeof waitForFinished>>;
    try {
      const job = await reports.add('queue-report', { queue: 'webhook', states: ['completed', 'failed'], lastMinutes: 60 });
      done = await waitForFinished(reports, job.id!, 30_000);
      expect([await done.getState(), done.failedReason]).toEqual(['completed', undefined]);
    } finally {
      await reports.close();
    }
    const result = done.returnvalue as { file: string; rows: number };
    expect(result.rows).toBeGreaterThanOrEqual(1);
    const ids = fs.readFileSync(result.file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(ids).toContain(String(delivered.id));
  });

  it('beats Busy with the job it runs, and answers a cancel request from the console (ack received)', async () => {
    const job = await queue.add('deliver', { url: `${peer.url}/hang`, payload: {}, timeoutMs: 60_000 }, { attempts: 3 });
    await waitFor(() => peer.requests.find((r) => r.url === '/hang'), 'the hanging request');
    const busy = await waitFor(async () => {
      const read = await readBusyConnection(conn());
      return read.processes.find((p) => p.kind === 'drover' && p.name === 'drover@pg-only:1' && p.jobs.some((j) => j.id === job.id)) ? read : undefined;
    }, 'the runtime on Busy with its job');
    expect(busy.error).toBeNull();
    const { rows: beats } = await server.pool().query(`SELECT runtime FROM drover.busy_runtime`);
    expect(beats.map((b) => b.runtime)).toEqual([runtime.heartbeat!.runtimeId]);

    const result = await requestJobCancel({ records: conn().records, queue: 'webhook', jobId: job.id!, requestedBy: 'op@test' });
    expect(result).toMatchObject({ delivered: true, listeners: 1, cancelledBy: 'drover@pg-only:1' });
    const done = await waitForFinished(queue, job.id!, 30_000);
    expect([await done.getState(), done.failedReason, done.attemptsMade]).toEqual(['failed', 'cancelled by op@test', 1]);
    const [attempt] = await settledJobAttempts(conn(), 'webhook', job.id!);
    expect(attempt).toMatchObject({ outcome: 'cancelled', error: 'cancelled by op@test' });
  });

  it('listens again after PostgreSQL restarts: its one listener reconnects and a cancel request is acked', async () => {
    await (server.server as { restart: (o?: { signal?: NodeJS.Signals }) => Promise<void> }).restart({ signal: 'SIGKILL' });
    // The listener is back (counted by its advisory locks) and answers: nobody runs job "nope" here.
    const answered = await waitFor(
      async () => {
        const result = await requestJobCancel({ records: conn().records, queue: 'webhook', jobId: 'nope', requestedBy: 'op@test' }).catch(() => undefined);
        return result && result.listeners === 1 && /1 listening worker answered/.test(result.message) ? result : undefined;
      },
      'the listener back after the restart',
      30_000,
      250,
    );
    expect(answered).toMatchObject({ delivered: false, listeners: 1 });
    // And a running job is aborted on request again.
    const job = await queue.add('deliver', { url: `${peer.url}/hang`, payload: {}, timeoutMs: 60_000 }, { attempts: 3 });
    await waitFor(async () => (await queue.getJobState(job.id!)) === 'active', 'the job running', 30_000);
    const result = await waitFor(
      async () => {
        const r = await requestJobCancel({ records: conn().records, queue: 'webhook', jobId: job.id!, requestedBy: 'op@test' });
        return r.delivered ? r : undefined;
      },
      'the cancel delivered',
      15_000,
      250,
    );
    expect(result.cancelledBy).toBe('drover@pg-only:1');
  });

  it('refuses a cancel request too long for NOTIFY (8,000 bytes) before sending anything', async () => {
    const tooLong = requestJobCancel({ records: conn().records, queue: 'webhook', jobId: 'x'.repeat(9_000), requestedBy: 'op@test' });
    await expect(tooLong).rejects.toThrow(/too long for PostgreSQL's NOTIFY/);
    await expect(tooLong).rejects.toBeInstanceOf(InvalidError);
  });

  it('keeps a receiver’s pause in the database for as long as it asked, the latest answer winning', async () => {
    const records = conn().records;
    expect(await records.peerPauseRemaining('webhook', 'receiver.example:443')).toBe(0);
    await records.pausePeer('webhook', 'receiver.example:443', 60_000);
    const left = await records.peerPauseRemaining('webhook', 'receiver.example:443');
    expect(left).toBeGreaterThan(55_000);
    expect(left).toBeLessThanOrEqual(60_000);
    // Another queue, another receiver: not paused.
    expect(await records.peerPauseRemaining('other', 'receiver.example:443')).toBe(0);
    await records.pausePeer('webhook', 'receiver.example:443', 50);
    await waitFor(async () => (await records.peerPauseRemaining('webhook', 'receiver.example:443')) === 0, 'the short pause over', 2_000);
  });

  it('keeps paused schedules in the database, where the runtime looks before upserting code-defined ones', async () => {
    const entry = { scheduler: { id: 'nightly', pattern: '0 3 * * *', template: { name: 'deliver', data: {} } }, iterationsDone: 0, pausedAt: Date.now(), pausedBy: 'op@test', nextAtPause: null };
    expect(await storePausedSchedule(conn(), 'webhook', entry)).toBe(true);
    expect(await storePausedSchedule(conn(), 'webhook', entry)).toBe(false);
    expect((await listPausedSchedules(conn(), 'webhook')).map((p) => [p.queue, p.scheduler.id])).toEqual([['webhook', 'nightly']]);
    expect(await conn().records.pausedScheduleIds('webhook', ['nightly', 'other'])).toEqual(new Set(['nightly']));
  });
});
