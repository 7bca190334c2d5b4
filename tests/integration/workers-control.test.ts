// Worker control (README › Workers › Controlling workers) on both stores: the console's commands reach
// real Drover runtimes over the control channel (Redis pub/sub; PostgreSQL NOTIFY with no Redis at
// all) and are acked — quiet, unquiet, stop (a spawned `npm run workers` process exits with its own
// code after its running job), a queue's concurrency at runtime and for later processes, a local
// pause that other BullMQ workers ignore, gone after missed beats; role and scope refusals; audit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker, createPostgresBackend } from 'bullmq';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { STORE_KINDS } from '../helpers/stores';
import { consoleForThisFile, producerQueue, type TestConsole } from '../helpers/console-store';
import { killIfRunning, spawnWorkers, startHttpPeer, waitFor, waitForFinished, type SpawnedWorkers } from '../helpers/workers';
import { callOperation, refusal } from '../helpers/operations';
import { lastAudit } from '../helpers/audit';
import { actor } from '../helpers/console-env';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { createWorkerLogger } from '@/workers/runtime/logger';
import type { RuntimeKind } from '@/workers/runtime/processor';
import { getConnection } from '@/lib/redis/connections';
import { principalWithAccess } from '@/lib/auth/principal';
import { workerOperations as ops } from '@/lib/operations/workers';
import type { ControlResult } from '@/lib/worker-control/schemas';
import type { Workers } from '@/lib/worker-control/workers-schemas';
import { CONTROL_ACK_WAIT_MS, CONTROL_CONCURRENCY_MAX, CONTROL_MESSAGE_READ_MAX_BYTES, WORKER_SETTINGS_MAX_QUEUES, DEFAULT_MAX_WORKER_CONCURRENCY, maxWorkerConcurrency, CONTROL_MESSAGE_MAX_BYTES, WORKERS_STOPPED_EXIT_CODE, controlMessageSchema } from '@/lib/worker-control/control-message';
import { sendControl } from '@/lib/worker-control/send-control';
import { RedisConnectionRecords } from '@/lib/store/redis/connection-records';
import { PostgresConnectionRecords } from '@/lib/store/postgres/connection-records';
import { DroverDb } from '@/lib/store/postgres/drover-db';
import { Redis as IORedis } from 'ioredis';
import { BUSY_HEARTBEAT_TTL_BEATS } from '@/lib/workers/busy-record';
import { getQueueSummaries } from '@/lib/queues/queue-summary';
import { SERVED_QUEUES_CACHE_MS } from '@/lib/worker-control/assert-worker-queue';
import { KEYS } from '@/lib/keys';

const HEARTBEAT_MS = 200;
const settings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000, busyHeartbeatMs: HEARTBEAT_MS };
const logger = createWorkerLogger({}, { write: () => {} });

// Jobs that run until the test lets them go (by job id).
const releases = new Map<string, () => void>();
const release = (id: string) => {
  releases.get(id)?.();
  releases.delete(id);
};
const releaseAll = () => [...releases.keys()].forEach(release);

function slowKind(queue: string, concurrency: number): RuntimeKind {
  return {
    definition: { kind: `slow-${queue}`, queue, jobNames: ['slow'], description: 'waits for the test', dataSchema: z.object({}).passthrough(), defaultJobOptions: {}, concurrency },
    processor: { type: 'inline', process: ({ job }) => new Promise<void>((resolve) => releases.set(job.id!, resolve)) },
  };
}

const runtimes: Runtime[] = [];
const closables: Array<{ close: () => Promise<unknown> }> = [];
const spawned: SpawnedWorkers[] = [];
const conn = () => getConnection('console');
const operator = actor('operator');

async function runtime(workerName: string, ...kinds: RuntimeKind[]): Promise<Runtime> {
  const started = await startRuntime({ connection: conn().config, kinds, settings, logger, workerName, schedulers: false, cancellation: false, deadLetters: false });
  runtimes.push(started);
  return started;
}

function queueOn(server: TestConsole, name: string): Queue {
  const q = producerQueue(server, name);
  closables.push(q);
  return q;
}

const workersView = async (): Promise<Workers> => (await ops.listWorkers.run({ actor: actor('viewer'), via: 'api' }, { params: undefined, query: { conn: 'console' }, body: undefined })) as Workers;
const workers = async (): Promise<Workers['connections'][number]> => (await workersView()).connections[0];
const live = async (runtimeId: string) => (await workers()).processes.find((p) => p.key === runtimeId);
const processParams = (r: Runtime) => ({ conn: 'console', runtimeId: r.heartbeat!.runtimeId });

/** Waits until the runtime has beaten `beats` more times: the passing of time in the runtime's own clock. */
async function beatsLater(r: Runtime, beats: number): Promise<void> {
  const from = (await live(r.heartbeat!.runtimeId))!.beatAt!;
  await waitFor(async () => ((await live(r.heartbeat!.runtimeId))?.beatAt ?? 0) >= from + beats * HEARTBEAT_MS, `${beats} more heartbeats`, 20_000);
}

afterEach(async () => {
  releaseAll();
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
  await Promise.all(closables.splice(0).map((c) => c.close().catch(() => {})));
  spawned.splice(0).forEach((w) => killIfRunning(w.child));
});
afterAll(() => spawned.forEach((w) => killIfRunning(w.child)));

describe('control messages', () => {
  it('are validated: a concurrency out of 1–1,000 or an unknown command is refused', () => {
    const base = { requestId: 'r', requestedBy: 'a' };
    expect(controlMessageSchema.safeParse({ ...base, command: 'set-concurrency', queue: 'q', concurrency: CONTROL_CONCURRENCY_MAX }).success).toBe(true);
    expect(controlMessageSchema.safeParse({ ...base, command: 'set-concurrency', queue: 'q', concurrency: CONTROL_CONCURRENCY_MAX + 1 }).success).toBe(false);
    expect(controlMessageSchema.safeParse({ ...base, command: 'set-concurrency', queue: 'q', concurrency: 0 }).success).toBe(false);
    expect(controlMessageSchema.safeParse({ ...base, command: 'reboot', runtimeId: 'x' }).success).toBe(false);
  });
});

describe.each(STORE_KINDS)('Worker control on %s', { timeout: 180_000 }, (kind) => {
  const server = consoleForThisFile(kind);
  const queue = (name: string) => queueOn(server, name);
  /** Queues with a stored worker setting on the connection, read from the store itself. */
  const storedQueueCount = async (): Promise<number> => {
    if (kind === 'redis') return new Set((await server.redis().hkeys(KEYS.workerSettings('bull'))).map((field) => field.slice(0, field.lastIndexOf(':')))).size;
    return (await server.pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM drover.worker_setting WHERE schema_name = 'bullmq'`)).rows[0].n;
  };
  beforeAll(async () => {
    await queue('control-schema').waitUntilReady();
  });

  it('a quieted process finishes its running job and takes no more until resumed; acked, listed and audited', async () => {
    const r = await runtime('drover@quiet:1', slowKind('ctl-quiet', 2));
    const q = queue('ctl-quiet');
    const first = await q.add('slow', {});
    await waitFor(async () => (await live(r.heartbeat!.runtimeId))?.jobsTotal === 1, 'the first job running');

    const quiet = await callOperation<ControlResult>(ops.quietWorker, operator, { params: processParams(r) });
    expect(quiet).toMatchObject({ applied: 1, acks: [{ runtimeId: r.heartbeat!.runtimeId, worker: 'drover@quiet:1', applied: true }] });
    expect(quiet.message).toContain('quiet');
    expect(quiet.listeners).toBeGreaterThanOrEqual(1);
    expect(await lastAudit()).toMatchObject({ action: 'worker.quiet', outcome: 'ok', connection: 'console', actor: operator.name });
    await waitFor(async () => (await live(r.heartbeat!.runtimeId))?.state === 'quiet', 'the heartbeat saying quiet');

    const second = await q.add('slow', {});
    release(first.id!);
    expect((await waitForFinished(q, first.id!)).finishedOn).toBeGreaterThan(0);
    // Five beats of the quiet process later, the second job still waits and nothing runs.
    await beatsLater(r, 5);
    expect(await q.getJobState(second.id!)).toBe('waiting');
    expect((await live(r.heartbeat!.runtimeId))!.jobsTotal).toBe(0);

    const resumed = await callOperation<ControlResult>(ops.unquietWorker, operator, { params: processParams(r) });
    expect(resumed.applied).toBe(1);
    expect(await lastAudit()).toMatchObject({ action: 'worker.unquiet', outcome: 'ok' });
    await waitFor(async () => (await q.getJobState(second.id!)) === 'active', 'the second job taken after unquiet', 30_000);
    await waitFor(async () => (await live(r.heartbeat!.runtimeId))?.state === 'running', 'the heartbeat saying running');
  });

  it('a concurrency change takes effect without a restart, is kept for processes started later, and can go back to the kind’s own', async () => {
    const r = await runtime('drover@conc:1', slowKind('ctl-conc', 1));
    const q = queue('ctl-conc');
    await q.addBulk(Array.from({ length: 8 }, () => ({ name: 'slow', data: {} })));
    await waitFor(async () => (await q.getActiveCount()) === 1, 'one job at a time');

    const set = await callOperation<ControlResult>(ops.setWorkerConcurrency, operator, { params: { conn: 'console', queue: 'ctl-conc' }, body: { concurrency: 3 } });
    expect(set.message).toMatch(/set to 3: applied by 1 of \d+ Drover process/);
    expect(await lastAudit()).toMatchObject({ action: 'queue.workers.concurrency', outcome: 'ok', queue: 'ctl-conc', params: { concurrency: 3 } });
    // An increase applies at the worker's next fetch: within BullMQ's block timeout (10 s).
    await waitFor(async () => (await q.getActiveCount()) === 3, 'three jobs at once', 30_000);
    await waitFor(async () => (await live(r.heartbeat!.runtimeId))?.concurrency?.['ctl-conc'] === 3, 'the heartbeat saying 3');
    expect((await workers()).settings['ctl-conc']).toEqual({ concurrency: 3 });

    // A process started afterwards runs the queue at 3 too.
    const later = await runtime('drover@conc:2', slowKind('ctl-conc', 1));
    await waitFor(async () => (await live(later.heartbeat!.runtimeId))?.concurrency?.['ctl-conc'] === 3, 'the later process at 3');

    const back = await callOperation<ControlResult>(ops.setWorkerConcurrency, operator, { params: { conn: 'console', queue: 'ctl-conc' }, body: { concurrency: null } });
    expect(back.applied).toBe(2);
    await waitFor(async () => (await live(r.heartbeat!.runtimeId))?.concurrency?.['ctl-conc'] === 1 && (await live(later.heartbeat!.runtimeId))?.concurrency?.['ctl-conc'] === 1, 'both back at the kind’s 1');
    expect((await workers()).settings['ctl-conc']).toBeUndefined();
  });

  it('a local pause stops Drover’s workers of the queue only (a plain BullMQ worker keeps taking jobs), also in processes started later', async () => {
    const r = await runtime('drover@local:1', slowKind('ctl-local', 2));
    const q = queue('ctl-local');
    const paused = await callOperation<ControlResult>(ops.pauseQueueLocally, operator, { params: { conn: 'console', queue: 'ctl-local' } });
    expect(paused.message).toMatch(/paused on Drover workers: applied by 1 of/);
    expect(await lastAudit()).toMatchObject({ action: 'queue.workers.pause', outcome: 'ok', queue: 'ctl-local' });
    await waitFor(async () => (await live(r.heartbeat!.runtimeId))?.paused?.includes('ctl-local'), 'the heartbeat listing the local pause');
    const later = await runtime('drover@local:2', slowKind('ctl-local', 2));
    await waitFor(async () => (await live(later.heartbeat!.runtimeId))?.paused?.includes('ctl-local'), 'the later process starting paused locally');

    // The queue itself is not paused: another BullMQ worker takes every job.
    const plain =
      kind === 'redis'
        ? new Worker('ctl-local', async () => 'plain', { connection: { url: server.url }, name: 'plain-worker' })
        : (new Worker('ctl-local', async () => 'plain', { connection: { connectionString: server.url }, name: 'plain-worker' }, createPostgresBackend) as unknown as Worker);
    plain.on('error', () => {});
    closables.push(plain);
    const jobs = await q.addBulk(Array.from({ length: 4 }, () => ({ name: 'slow', data: {} })));
    for (const job of jobs) expect((await waitForFinished(q, job.id!, 30_000)).returnvalue).toBe('plain');
    expect((await live(r.heartbeat!.runtimeId))!.jobsTotal + (await live(later.heartbeat!.runtimeId))!.jobsTotal).toBe(0);
    expect(await q.isPaused()).toBe(false);
    await plain.close();

    const resumed = await callOperation<ControlResult>(ops.resumeQueueLocally, operator, { params: { conn: 'console', queue: 'ctl-local' } });
    expect(resumed.applied).toBe(2);
    expect(await lastAudit()).toMatchObject({ action: 'queue.workers.resume', outcome: 'ok' });
    const afterResume = await q.add('slow', {});
    await waitFor(async () => (await q.getJobState(afterResume.id!)) === 'active', 'a Drover worker taking the job after the local resume', 30_000);
    expect((await workers()).settings['ctl-local']).toBeUndefined();
  });

  it('two consoles at once: a concurrency and a local pause sent together are both kept and applied (one field each)', async () => {
    const r = await runtime('drover@both:1', slowKind('ctl-both', 1));
    const params = { conn: 'console', queue: 'ctl-both' };
    // Settings are listed for the queues of listed processes.
    await waitFor(() => live(r.heartbeat!.runtimeId), 'the runtime listed');
    for (const concurrency of [2, 3, 4]) {
      await Promise.all([
        callOperation(ops.setWorkerConcurrency, operator, { params, body: { concurrency } }),
        callOperation(ops.pauseQueueLocally, actor('admin'), { params }),
      ]);
      expect((await workers()).settings['ctl-both']).toEqual({ concurrency, pausedLocally: true });
      await waitFor(async () => {
        const p = await live(r.heartbeat!.runtimeId);
        return p?.concurrency?.['ctl-both'] === concurrency && p.paused?.includes('ctl-both');
      }, `the runtime at ${concurrency} and paused`);
      await Promise.all([
        callOperation(ops.setWorkerConcurrency, operator, { params, body: { concurrency: null } }),
        callOperation(ops.resumeQueueLocally, actor('admin'), { params }),
      ]);
      expect((await workers()).settings['ctl-both']).toBeUndefined();
    }
  });

  it('a queue command makes every runtime re-read the queue’s stored setting: a message it missed is made good by the next one', async () => {
    const r = await runtime('drover@missed:1', slowKind('ctl-missed', 1));
    // Stored without a message (what a runtime subscribing just after the publish would have missed).
    await conn().records.updateWorkerSetting('ctl-missed', { concurrency: 4 });
    await callOperation(ops.pauseQueueLocally, operator, { params: { conn: 'console', queue: 'ctl-missed' } });
    await waitFor(async () => (await live(r.heartbeat!.runtimeId))?.paused?.includes('ctl-missed'), 'the local pause applied');
    expect((await live(r.heartbeat!.runtimeId))!.concurrency?.['ctl-missed']).toBe(4);
  });

  it('after its control connection is dropped a runtime re-reads every stored setting once listening again', async () => {
    const r = await runtime('drover@reconnect:1', slowKind('ctl-reconnect', 1));
    await conn().records.updateWorkerSetting('ctl-reconnect', { concurrency: 5, pausedLocally: true });
    if (kind === 'redis') await server.redis().call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    else await server.pool().query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'drover-control'`);
    await waitFor(async () => {
      const p = await live(r.heartbeat!.runtimeId);
      return p?.concurrency?.['ctl-reconnect'] === 5 && p.paused?.includes('ctl-reconnect');
    }, 'the stored setting applied after the reconnect', 30_000);
  });

  it(`concurrency is bounded by DROVER_MAX_WORKER_CONCURRENCY (default ${DEFAULT_MAX_WORKER_CONCURRENCY}): the console refuses more naming the limit, a runtime clamps a higher stored value`, async () => {
    expect(maxWorkerConcurrency()).toBe(DEFAULT_MAX_WORKER_CONCURRENCY);
    const params = { conn: 'console', queue: 'ctl-bound' };
    const err = await refusal(callOperation(ops.setWorkerConcurrency, operator, { params, body: { concurrency: DEFAULT_MAX_WORKER_CONCURRENCY + 1 } }));
    expect(err).toMatchObject({ status: 400 });
    expect(err.message).toContain(`limited to ${DEFAULT_MAX_WORKER_CONCURRENCY}`);
    expect(err.message).toContain('DROVER_MAX_WORKER_CONCURRENCY');
    expect(await lastAudit()).toMatchObject({ action: 'queue.workers.concurrency', outcome: 'invalid', queue: 'ctl-bound', params: { concurrency: DEFAULT_MAX_WORKER_CONCURRENCY + 1 } });
    // The Busy page's concurrency field takes its bound from the same answer the page renders.
    expect((await workersView()).limits.concurrency).toBe(DEFAULT_MAX_WORKER_CONCURRENCY);
    // Stored by a console whose bound is higher: this runtime runs the queue at its own bound.
    await conn().records.updateWorkerSetting('ctl-bound', { concurrency: 200 });
    const r = await runtime('drover@bound:1', slowKind('ctl-bound', 1));
    await waitFor(async () => (await live(r.heartbeat!.runtimeId))?.concurrency?.['ctl-bound'] === DEFAULT_MAX_WORKER_CONCURRENCY, `the runtime at ${DEFAULT_MAX_WORKER_CONCURRENCY}`);
    expect((await callOperation<ControlResult>(ops.setWorkerConcurrency, operator, { params, body: { concurrency: DEFAULT_MAX_WORKER_CONCURRENCY } })).applied).toBe(1);
    await callOperation(ops.setWorkerConcurrency, operator, { params, body: { concurrency: null } });
  });

  it('a queue setting is refused for a queue the connection does not have and no live Drover process serves (404, audited); an idle queue a live process serves and a queue with jobs are settable', async () => {
    const unknown = { conn: 'console', queue: 'ctl-no-such-queue' };
    const err = await refusal(callOperation(ops.setWorkerConcurrency, operator, { params: unknown, body: { concurrency: 2 } }));
    expect(err).toMatchObject({ status: 404 });
    expect(err.message).toBe('Queue "ctl-no-such-queue" not found on connection "console": it has no jobs or meta there, the configuration does not name it, and no live Drover worker process serves it');
    expect(await lastAudit()).toMatchObject({ action: 'queue.workers.concurrency', outcome: 'refused', queue: 'ctl-no-such-queue', actor: operator.name });
    expect(await refusal(callOperation(ops.pauseQueueLocally, operator, { params: unknown }))).toMatchObject({ status: 404 });
    expect(await lastAudit()).toMatchObject({ action: 'queue.workers.pause', outcome: 'refused', queue: 'ctl-no-such-queue' });
    expect(await refusal(callOperation(ops.resumeQueueLocally, operator, { params: unknown }))).toMatchObject({ status: 404 });
    expect((await conn().records.workerSettings(['ctl-no-such-queue'])).size).toBe(0);

    // Known only from a live heartbeat: no job, no meta, no worker (a BullMQ worker on PostgreSQL may
    // write the queue's meta soon after it starts, so a real runtime cannot show this path every time).
    const beatOnly = `ctl-beat-only-${Date.now()}`;
    await conn().records.beatBusy(beatOnly, 60_000, (now) =>
      JSON.stringify({ runtimeId: beatOnly, workerName: 'drover@beat-only:1', host: 'beat-only', pid: 1, startedAt: now, beatAt: now, queues: ['ctl-beat-only'], concurrency: { 'ctl-beat-only': 1 }, controllable: true, state: 'running', jobs: [], jobsTotal: 0 }),
    );
    try {
      expect((await getQueueSummaries(conn(), ['ctl-beat-only']))[0].exists).toBe(false);
      // The refusals above left this console's read of the heartbeats cached (SERVED_QUEUES_CACHE_MS): a
      // time, not an event, so the wait is that time.
      await new Promise((resolve) => setTimeout(resolve, SERVED_QUEUES_CACHE_MS));
      await callOperation(ops.pauseQueueLocally, operator, { params: { conn: 'console', queue: 'ctl-beat-only' } });
      expect(await conn().records.workerSettings(['ctl-beat-only'])).toEqual(new Map([['ctl-beat-only', JSON.stringify({ pausedLocally: true })]]));
      await callOperation(ops.resumeQueueLocally, operator, { params: { conn: 'console', queue: 'ctl-beat-only' } });
    } finally {
      await conn().records.removeBusy(beatOnly);
    }

    // Idle: no job was ever added, and the live process serving it takes the setting.
    const r = await runtime('drover@idle:1', slowKind('ctl-idle', 1));
    await new Promise((resolve) => setTimeout(resolve, SERVED_QUEUES_CACHE_MS));
    expect((await callOperation<ControlResult>(ops.setWorkerConcurrency, operator, { params: { conn: 'console', queue: 'ctl-idle' }, body: { concurrency: 2 } })).applied).toBe(1);
    await waitFor(async () => (await live(r.heartbeat!.runtimeId))?.concurrency?.['ctl-idle'] === 2, 'the idle queue at 2');
    // Once its process is gone, its stored setting may still be cleared.
    await r.close();
    runtimes.splice(runtimes.indexOf(r), 1);
    await callOperation(ops.setWorkerConcurrency, operator, { params: { conn: 'console', queue: 'ctl-idle' }, body: { concurrency: null } });
    expect((await conn().records.workerSettings(['ctl-idle'])).size).toBe(0);

    // A queue with jobs and no worker: stored for the processes that start later.
    await queue('ctl-jobs-only').add('slow', {});
    await callOperation(ops.pauseQueueLocally, operator, { params: { conn: 'console', queue: 'ctl-jobs-only' } });
    expect((await workers()).settings['ctl-jobs-only']).toBeUndefined(); // listed only for queues of listed processes
    expect(await conn().records.workerSettings(['ctl-jobs-only'])).toEqual(new Map([['ctl-jobs-only', JSON.stringify({ pausedLocally: true })]]));
    await callOperation(ops.resumeQueueLocally, operator, { params: { conn: 'console', queue: 'ctl-jobs-only' } });
  });

  it('refusals of unknown queues read the live heartbeats at most about once a second per connection, however many arrive', async () => {
    // Earlier tests may have left the read cached: start from none.
    await new Promise((resolve) => setTimeout(resolve, SERVED_QUEUES_CACHE_MS));
    const readBusy = vi.spyOn(conn().records, 'readBusy');
    try {
      const started = Date.now();
      const refused = await Promise.all(
        Array.from({ length: 30 }, (_, i) => refusal(callOperation(ops.setWorkerConcurrency, operator, { params: { conn: 'console', queue: `ctl-made-up-${i}` }, body: { concurrency: 2 } }))),
      );
      const seconds = (Date.now() - started) / 1000;
      for (const e of refused) expect(e).toMatchObject({ status: 404 });
      // One read, shared while it runs and for a second after: a loop of made-up names cannot make the
      // console read (up to 50 heartbeats of up to 128 KB) once per request.
      expect(readBusy.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(readBusy.mock.calls.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    } finally {
      readBusy.mockRestore();
    }
  });

  it(`stored settings are bounded: at most ${WORKER_SETTINGS_MAX_QUEUES} queues per connection (409 naming the limit, audited); a queue already stored may still change`, async () => {
    const records = conn().records;
    const fill = Array.from({ length: WORKER_SETTINGS_MAX_QUEUES }, (_, i) => `ctl-fill-${i}`);
    const stored: string[] = [];
    for (let i = 0; i < fill.length; i += 50) {
      const accepted = await Promise.all(fill.slice(i, i + 50).map((q) => records.updateWorkerSetting(q, { concurrency: 1 })));
      accepted.forEach((ok, j) => ok && stored.push(fill[i + j]));
    }
    expect(await storedQueueCount()).toBe(WORKER_SETTINGS_MAX_QUEUES);
    expect(await records.updateWorkerSetting('ctl-fill-extra', { pausedLocally: true })).toBe(false);

    await queue('ctl-over-cap').add('slow', {});
    const params = { conn: 'console', queue: 'ctl-over-cap' };
    // Another actor than the 404s above: refusals of one actor and action share one audit entry per window.
    const err = await refusal(callOperation(ops.setWorkerConcurrency, actor('admin'), { params, body: { concurrency: 2 } }));
    expect(err).toMatchObject({ status: 409 });
    expect(err.message).toContain(`at most ${WORKER_SETTINGS_MAX_QUEUES.toLocaleString('en-US')} queues`);
    expect(await lastAudit()).toMatchObject({ action: 'queue.workers.concurrency', outcome: 'refused', queue: 'ctl-over-cap', actor: actor('admin').name });
    expect((await records.workerSettings(['ctl-over-cap'])).size).toBe(0);
    // A stored queue changes (no new queue); clearing one makes room for one.
    expect(await records.updateWorkerSetting(stored[0], { concurrency: 3, pausedLocally: true })).toBe(true);
    expect(await records.updateWorkerSetting(stored[1], { concurrency: null })).toBe(true);
    await callOperation(ops.setWorkerConcurrency, operator, { params, body: { concurrency: 2 } });
    expect(await storedQueueCount()).toBe(WORKER_SETTINGS_MAX_QUEUES);

    for (let i = 0; i < stored.length; i += 50) await Promise.all(stored.slice(i, i + 50).map((q) => records.updateWorkerSetting(q, { concurrency: null, pausedLocally: null })));
    await callOperation(ops.setWorkerConcurrency, operator, { params, body: { concurrency: null } });
  });

  it('refuses a scoped operator without the operator role on every queue the process runs, and a viewer; refusals are audited', async () => {
    const r = await runtime('drover@scoped:1', slowKind('ctl-mine', 1), slowKind('ctl-theirs', 1), slowKind('ctl-hidden', 1));
    const scoped = principalWithAccess({ kind: 'session', id: 'scoped-op@test', name: 'scoped-op@test' }, { global: null, grants: [{ connection: 'console', queue: 'ctl-mine', role: 'operator' }, { connection: 'console', queue: 'ctl-theirs', role: 'viewer' }] });
    const err = await refusal(callOperation(ops.quietWorker, scoped, { params: processParams(r) }));
    expect(err).toMatchObject({ status: 403 });
    expect(err.message).toContain('ctl-theirs');
    // A queue the caller cannot see is counted, not named; the audit entry keeps its name.
    expect(err.message).not.toContain('ctl-hidden');
    expect(err.message).toContain('1 queue outside your scope');
    expect(await lastAudit()).toMatchObject({ action: 'worker.quiet', outcome: 'denied', actor: 'scoped-op@test', params: { lacking: expect.arrayContaining(['ctl-theirs', 'ctl-hidden']) } });
    expect(r.control!.state).toBe('running');
    // On its own queue the scoped operator may change Drover's concurrency; a viewer may not.
    expect((await callOperation<ControlResult>(ops.setWorkerConcurrency, scoped, { params: { conn: 'console', queue: 'ctl-mine' }, body: { concurrency: 2 } })).applied).toBe(1);
    expect(await refusal(callOperation(ops.setWorkerConcurrency, scoped, { params: { conn: 'console', queue: 'ctl-theirs' }, body: { concurrency: 2 } }))).toMatchObject({ status: 403 });
    expect(await refusal(callOperation(ops.stopWorker, actor('viewer'), { params: processParams(r) }))).toMatchObject({ status: 403 });
    // An unknown process: not found.
    expect(await refusal(callOperation(ops.stopWorker, operator, { params: { conn: 'console', runtimeId: 'no-such-runtime' } }))).toMatchObject({ status: 404 });
  });

  it('a process that does not accept control (control off, or an older runtime) is refused with 409 at once', async () => {
    const r = await startRuntime({ connection: conn().config, kinds: [slowKind('ctl-uncontrolled', 1)], settings, logger, workerName: 'drover@uncontrolled:1', schedulers: false, cancellation: false, deadLetters: false, control: false });
    runtimes.push(r);
    await waitFor(() => live(r.heartbeat!.runtimeId), 'the process listed');
    const started = Date.now();
    const err = await refusal(callOperation(ops.quietWorker, operator, { params: processParams(r) }));
    expect(err).toMatchObject({ status: 409 });
    expect(err.message).toContain('does not accept control');
    expect(Date.now() - started).toBeLessThan(CONTROL_ACK_WAIT_MS);
    expect(await lastAudit()).toMatchObject({ action: 'worker.quiet', outcome: 'refused' });
  });

  it(`bounds: a command over ${CONTROL_MESSAGE_MAX_BYTES} bytes is refused; a listener that never answers is waited for ${CONTROL_ACK_WAIT_MS} ms at most`, async () => {
    await expect(sendControl(conn().records, { command: 'quiet', runtimeId: 'x', requestedBy: 'a'.repeat(CONTROL_MESSAGE_MAX_BYTES) })).rejects.toThrow(`limited to ${CONTROL_MESSAGE_MAX_BYTES} bytes`);
    // A listener that takes commands and never acks (what a hung process looks like).
    const silent =
      kind === 'redis'
        ? new RedisConnectionRecords(server.redis(), 'bull', async () => ({ subscriber: new IORedis(server.url), sharded: false }))
        : new PostgresConnectionRecords({ db: new DroverDb({ pool: server.pool(), where: 'test' }), bullmqSchema: 'bullmq', listen: { connectionString: server.url } });
    closables.push(silent);
    let heard = 0;
    await silent.listenForControl(() => (heard += 1));
    await queue('ctl-silent').add('slow', {});
    const started = Date.now();
    const result = await callOperation<ControlResult>(ops.setWorkerConcurrency, operator, { params: { conn: 'console', queue: 'ctl-silent' }, body: { concurrency: 2 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(CONTROL_ACK_WAIT_MS);
    expect(result).toMatchObject({ listeners: 1, applied: 0, acks: [] });
    expect(result.message).toContain(`applied by 0 of 1 Drover process (1 did not answer within ${CONTROL_ACK_WAIT_MS / 1000} s)`);
    expect(heard).toBe(1);
  });

  it(`a runtime reads no control message over ${CONTROL_MESSAGE_READ_MAX_BYTES / 1024} KB: it is ignored and logged with its size only, at most once a minute`, async () => {
    const lines: string[] = [];
    const started = await startRuntime({
      connection: conn().config,
      kinds: [slowKind('ctl-oversize', 1)],
      settings,
      logger: createWorkerLogger({}, { write: (line: string) => void lines.push(line) }),
      workerName: 'drover@oversize:1',
      schedulers: false,
      cancellation: false,
      deadLetters: false,
    });
    runtimes.push(started);
    const runtimeId = started.heartbeat!.runtimeId;
    // A well-formed quiet for this process, padded past the bound (unknown fields are stripped when parsed).
    const oversize = JSON.stringify({ requestId: 'oversize', requestedBy: 'test', command: 'quiet', runtimeId, pad: 'x'.repeat(CONTROL_MESSAGE_READ_MAX_BYTES) });
    if (kind === 'redis') {
      for (let i = 0; i < 3; i++) expect(await server.redis().publish(KEYS.controlChannel('bull'), oversize)).toBeGreaterThanOrEqual(1);
    } else {
      // PostgreSQL's NOTIFY refuses such a payload itself (from 8000 bytes on): no runtime can get one.
      await expect(server.pool().query(`SELECT pg_notify('drover_control', $1)`, [oversize])).rejects.toThrow(/payload string too long/);
    }
    // Messages are handled in order: once a later command is acked, the oversize ones were dealt with.
    const later = await sendControl(conn().records, { command: 'unquiet', runtimeId: 'another-process', requestedBy: 'test' }, { done: (acks) => acks.some((a) => a.runtimeId === runtimeId) });
    expect(later.acks.find((a) => a.runtimeId === runtimeId)).toMatchObject({ applied: false, message: 'not this process' });
    expect(started.control!.state).toBe('running');
    const logged = lines.filter((l) => l.includes('control.message_too_large'));
    if (kind === 'redis') {
      expect(logged).toHaveLength(1);
      expect(JSON.parse(logged[0])).toMatchObject({ event: 'control.message_too_large', bytes: Buffer.byteLength(oversize), limit: CONTROL_MESSAGE_READ_MAX_BYTES });
      expect(logged[0].length).toBeLessThan(1_000);
    } else expect(logged).toHaveLength(0);
    expect(lines.some((l) => l.includes('xxxxxxxxxx'))).toBe(false);
  });

  it('stop: a spawned worker process finishes its running job and exits with its own code; a killed one is listed as gone after 3 missed beats', async () => {
    const peer = await startHttpPeer(() => ({ status: 200, delayMs: 1_500 }));
    closables.push(peer);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-control-'));
    const env = { DROVER_CONFIG: process.env.DROVER_CONFIG, DROVER_DATA_DIR: dataDir, WEBHOOK_SECRET: 's', DROVER_BUSY_HEARTBEAT_MS: String(HEARTBEAT_MS), DROVER_EGRESS_ALLOW: '127.0.0.1' };
    const stopped = spawnWorkers(['webhook'], env);
    const killed = spawnWorkers(['webhook'], env);
    spawned.push(stopped, killed);
    await Promise.all([stopped, killed].map((w) => w.waitForLog((l) => l.event === 'workers.ready', 'workers ready')));
    const key = async (w: SpawnedWorkers) => waitFor(async () => (await workers()).processes.find((p) => p.kind === 'drover' && p.pid === w.child.pid)?.key, 'the spawned process listed');
    const [stoppedKey, killedKey] = [await key(stopped), await key(killed)];

    // Quiet the other one first, so the job runs on the process to stop.
    await callOperation(ops.quietWorker, operator, { params: { conn: 'console', runtimeId: killedKey } });
    const webhook = queue('webhook');
    const job = await webhook.add('deliver', { url: `${peer.url}/slow`, payload: {}, timeoutMs: 30_000 });
    await waitFor(async () => (await live(stoppedKey))?.jobsTotal === 1, 'the job running on the process to stop', 30_000);

    const stop = await callOperation<ControlResult>(ops.stopWorker, operator, { params: { conn: 'console', runtimeId: stoppedKey } });
    expect(stop.message).toContain('stopping');
    expect(await lastAudit()).toMatchObject({ action: 'worker.stop', outcome: 'ok' });
    const exit = await stopped.exited;
    expect(exit.code).toBe(WORKERS_STOPPED_EXIT_CODE);
    expect((await waitForFinished(webhook, job.id!)).returnvalue).toMatchObject({ status: 200 });
    expect(stopped.logs.find((l) => l.event === 'workers.stopped_by_console')).toMatchObject({ requestedBy: operator.name, exitCode: WORKERS_STOPPED_EXIT_CODE });
    // A graceful stop is not "gone".
    expect((await workers()).gone.find((p) => p.key === stoppedKey)).toBeUndefined();

    killed.child.kill('SIGKILL');
    await killed.exited;
    // Gone once its heartbeat expired (BUSY_HEARTBEAT_TTL_BEATS missed beats), with its last heartbeat.
    const gone = await waitFor(async () => (await workers()).gone.find((p) => p.key === killedKey), 'the killed process listed as gone', 10_000 + BUSY_HEARTBEAT_TTL_BEATS * HEARTBEAT_MS);
    expect(gone).toMatchObject({ state: 'quiet', queues: ['webhook'], pid: killed.child.pid });
    expect(gone.beatAt).toBeLessThanOrEqual(Date.now());
    await waitFor(async () => !(await live(killedKey)), 'the killed process no longer live');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
