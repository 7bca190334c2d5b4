// The Busy view (GET /api/v1/busy): Drover runtimes publish what they run (a heartbeat that expires with
// the process; on both stores: the connection's Redis, or schema "drover" of its PostgreSQL database with
// no Redis at all), other BullMQ workers are found in CLIENT LIST with their queues' active jobs (Redis),
// and every list is capped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { STORE_KINDS, type StoreKind } from '../helpers/stores';
import { consoleForThisFile, producerQueue, type TestConsole } from '../helpers/console-store';
import { killIfRunning, spawnWorkers, waitFor, type SpawnedWorkers } from '../helpers/workers';
import { startRuntime, type Runtime } from '@/workers/runtime/start-runtime';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { BusyHeartbeat } from '@/workers/runtime/busy-heartbeat';
import type { RuntimeKind } from '@/workers/runtime/processor';
import { readBusyConnection } from '@/lib/workers/get-busy';
import { BUSY_LIMITS, type BusyConnection } from '@/lib/workers/busy-schemas';
import { BUSY_RECORD_MAX_JOBS } from '@/lib/workers/busy-record';
import { getConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { principalWithAccess, type Principal } from '@/lib/auth/principal';
import { queueOperations } from '@/lib/operations/queues';
import type { Busy } from '@/lib/workers/busy-schemas';
import { actor } from '../helpers/console-env';

const HEARTBEAT_MS = 200;
const settings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000, busyHeartbeatMs: HEARTBEAT_MS };
const logger = createWorkerLogger({}, { write: () => {} });

// Jobs that run until the test lets them go.
const releases = new Set<() => void>();
const releaseAll = () => {
  for (const release of releases) release();
  releases.clear();
};
const untilReleased = () => new Promise<void>((resolve) => releases.add(resolve));

function slowKind(queue: string, concurrency: number): RuntimeKind {
  return {
    definition: { kind: `slow-${queue}`, queue, jobNames: ['slow'], description: 'waits for the test', dataSchema: z.object({ step: z.number().optional() }), defaultJobOptions: {}, concurrency },
    processor: {
      type: 'inline',
      process: async ({ job }) => {
        await job.updateProgress(40);
        await untilReleased();
      },
    },
  };
}

const runtimes: Runtime[] = [];
const closables: Array<{ close: () => Promise<unknown> }> = [];
const spawned: SpawnedWorkers[] = [];

/** The connection under test: the only one, named "console" (on PostgreSQL, no Redis runs). */
const conn = () => getConnection('console');
const records = () => conn().records;

async function runtime(queue: string, concurrency: number, workerName: string): Promise<Runtime> {
  const started = await startRuntime({ connection: conn().config, kinds: [slowKind(queue, concurrency)], settings, logger, workerName, schedulers: false, cancellation: false, deadLetters: false });
  runtimes.push(started);
  return started;
}

/** A producer Queue on the store under test (on PostgreSQL it creates BullMQ's schema, as producers do). */
function queueOn(server: TestConsole, name: string): Queue {
  const q = producerQueue(server, name);
  closables.push(q);
  return q;
}

/** Looks at the heartbeats in the store itself. */
function peekerOf(kind: StoreKind, server: TestConsole) {
  const row = async (runtimeId: string) =>
    (await server.pool().query<{ record: string; left: string }>(`SELECT record, (expires_at - (extract(epoch FROM clock_timestamp()) * 1000)::bigint)::text AS left FROM drover.busy_runtime WHERE runtime = $1`, [runtimeId])).rows[0];
  return {
    /** Milliseconds the record has left. */
    ttl: async (runtimeId: string): Promise<number> => (kind === 'redis' ? server.redis().pttl(KEYS.busyRecord('bull', runtimeId)) : Number((await row(runtimeId))?.left ?? -2)),
    /** A live record (on PostgreSQL an expired row is not read, and the next beat of any runtime deletes it). */
    exists: async (runtimeId: string): Promise<boolean> => (kind === 'redis' ? (await server.redis().exists(KEYS.busyRecord('bull', runtimeId))) === 1 : Number((await row(runtimeId))?.left ?? -1) > 0),
    /** Any row or key left of the record, live or not. */
    left: async (runtimeId: string): Promise<boolean> => (kind === 'redis' ? (await server.redis().exists(KEYS.busyRecord('bull', runtimeId))) === 1 : (await row(runtimeId)) !== undefined),
    record: async (runtimeId: string): Promise<string | null> => (kind === 'redis' ? server.redis().get(KEYS.busyRecord('bull', runtimeId)) : ((await row(runtimeId))?.record ?? null)),
    /** A record no runtime would write (what something else with write access could), removed after the test. */
    writeHandMade: async (runtimeId: string, record: object): Promise<void> => {
      if (kind === 'redis') {
        const client = server.redis();
        await client.set(KEYS.busyRecord('bull', runtimeId), JSON.stringify(record), 'PX', 60_000);
        await client.zadd(KEYS.busyIndex('bull'), Date.now() + 60_000, runtimeId);
        closables.push({ close: () => client.multi().del(KEYS.busyRecord('bull', runtimeId)).zrem(KEYS.busyIndex('bull'), runtimeId).exec() });
        return;
      }
      await server.pool().query(`INSERT INTO drover.busy_runtime (schema_name, runtime, record, expires_at) VALUES ('bullmq', $1, $2, $3)`, [runtimeId, JSON.stringify(record), Date.now() + 60_000]);
      closables.push({ close: () => server.pool().query(`DELETE FROM drover.busy_runtime WHERE runtime = $1`, [runtimeId]) });
    },
  };
}

const busy = () => readBusyConnection(conn());
const processNamed = (b: BusyConnection, name: string) => b.processes.find((p) => p.name === name);

afterEach(async () => {
  releaseAll();
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
  await Promise.all(closables.splice(0).map((c) => c.close().catch(() => {})));
  spawned.splice(0).forEach((w) => killIfRunning(w.child));
});
afterAll(() => spawned.forEach((w) => killIfRunning(w.child)));

describe.each(STORE_KINDS)('Busy heartbeats on %s', { timeout: 120_000 }, (kind) => {
  const server = consoleForThisFile(kind);
  const peek = peekerOf(kind, server);
  const queue = (name: string) => queueOn(server, name);
  beforeAll(async () => {
    // BullMQ's schema, made by the producers' side before any worker starts (on Redis: nothing to make).
    await queue('busy-schema').waitUntilReady();
  });

  it('lists a Drover runtime with the slow job it runs, and drops it as soon as it stops', async () => {
    const started = await runtime('busy-drover', 5, 'drover@busy-a:101');
    const job = await queue('busy-drover').add('slow', { step: 1 });
    const listed = await waitFor(async () => {
      const p = processNamed(await busy(), 'drover@busy-a:101');
      return p?.jobs.length && p.jobs[0].progress === 40 ? p : undefined;
    }, 'the runtime listed with its job');
    expect(listed).toMatchObject({
      kind: 'drover',
      host: os.hostname(),
      pid: process.pid,
      queues: ['busy-drover'],
      concurrency: { 'busy-drover': 5 },
      jobsTotal: 1,
      jobs: [{ queue: 'busy-drover', id: job.id, name: 'slow', progress: 40 }],
    });
    expect(listed.jobs[0].startedAt).toBeGreaterThanOrEqual(job.timestamp);
    // The record has an expiry of 3 beats; the runtime is not also listed as "another BullMQ worker".
    const ttl = await peek.ttl(started.heartbeat!.runtimeId);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3 * HEARTBEAT_MS);
    expect((await busy()).processes.filter((p) => p.name === 'drover@busy-a:101')).toHaveLength(1);

    // A graceful stop removes the record at once (after the running job finished).
    releaseAll();
    await started.close();
    runtimes.splice(runtimes.indexOf(started), 1);
    expect(processNamed(await busy(), 'drover@busy-a:101')).toBeUndefined();
    expect(await peek.exists(started.heartbeat!.runtimeId)).toBe(false);
  });

  it('a principal with grants sees only its queues of each process, its jobs and totals, and only connections it reaches (README › Team scopes)', async () => {
    const started = await startRuntime({ connection: conn().config, kinds: [slowKind('busy-billing', 2), slowKind('busy-secret', 3)], settings, logger, workerName: 'drover@scoped:31', schedulers: false, cancellation: false, deadLetters: false });
    runtimes.push(started);
    await runtime('busy-hidden', 1, 'drover@hidden:32');
    const billingJob = await queue('busy-billing').add('slow', {});
    await queue('busy-secret').add('slow', {});
    await queue('busy-hidden').add('slow', {});
    const scoped = principalWithAccess({ kind: 'session', id: 'scoped@test', name: 'scoped@test' }, { global: null, grants: [{ connection: 'console', queue: 'busy-billing', role: 'viewer' }] });
    const everyone = actor('viewer');
    const view = async (who: Principal) => (await queueOperations.busy.run({ actor: who, via: 'api' }, { params: undefined, query: {}, body: undefined })) as Busy;
    await waitFor(async () => processNamed(await busy(), 'drover@scoped:31')?.jobsTotal === 2 && processNamed(await busy(), 'drover@hidden:32')?.jobsTotal === 1, 'both runtimes running their jobs');

    const mine = await view(scoped);
    expect(mine.connections.map((c) => c.name)).toEqual(['console']);
    const [c] = mine.connections;
    expect(c.processes.map((p) => p.name)).toEqual(['drover@scoped:31']);
    expect(c.processes[0]).toMatchObject({ queues: ['busy-billing'], queuesTotal: 1, concurrency: { 'busy-billing': 2 }, jobsTotal: 1, jobs: [{ queue: 'busy-billing', id: billingJob.id }] });
    expect(c).toMatchObject({ processesTotal: 1, runningTotal: 1, unreadable: 0 });
    // Naming a connection it does not reach: like an unknown one.
    const elsewhere = principalWithAccess({ kind: 'session', id: 'e@test', name: 'e@test' }, { global: null, grants: [{ connection: 'elsewhere', queue: '*', role: 'viewer' }] });
    await expect(queueOperations.busy.run({ actor: elsewhere, via: 'api' }, { params: undefined, query: { conn: 'console' }, body: undefined })).rejects.toThrow('Unknown connection "console"');
    // Unscoped: every process, queue and job.
    const all = (await view(everyone)).connections[0];
    expect(processNamed(all, 'drover@scoped:31')).toMatchObject({ queues: ['busy-billing', 'busy-secret'], jobsTotal: 2 });
    expect(processNamed(all, 'drover@hidden:32')).toBeDefined();
  });

  it('a killed worker process’s heartbeat expires by itself', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-busy-'));
    const workers = spawnWorkers(['report'], { DROVER_CONFIG: process.env.DROVER_CONFIG, DROVER_DATA_DIR: dataDir, WEBHOOK_SECRET: 's', DROVER_BUSY_HEARTBEAT_MS: String(HEARTBEAT_MS) });
    spawned.push(workers);
    await workers.waitForLog((l) => l.event === 'workers.ready', 'workers ready');
    const pid = workers.child.pid!;
    const listed = await waitFor(async () => (await busy()).processes.find((p) => p.kind === 'drover' && p.pid === pid), 'the spawned runtime listed');
    expect(listed.queues).toEqual(['report']);
    workers.child.kill('SIGKILL');
    await workers.exited;
    const killedAt = Date.now();
    await waitFor(async () => !(await busy()).processes.some((p) => p.pid === pid), 'the killed runtime gone', 5_000);
    // Gone within its 3 beats (and a beat of slack), with nothing left to clean up.
    expect(Date.now() - killedAt).toBeLessThan(4 * HEARTBEAT_MS + 500);
    // (the record's PX was set a round trip after the index entry's time: it goes within milliseconds)
    await waitFor(async () => !(await peek.exists(listed.key)), 'the record expired', 500);
    // Nothing is left behind once another runtime beats (PostgreSQL: its beat deletes expired rows).
    const other = new BusyHeartbeat({ records: records(), workerName: 'drover@other:2', workers: new Map(), intervalMs: 60_000, logger });
    closables.push({ close: () => other.stop() });
    await other.start();
    expect(await peek.left(listed.key)).toBe(false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(`caps what it lists: ${BUSY_RECORD_MAX_JOBS} jobs a heartbeat, ${BUSY_LIMITS.jobsPerProcess} a process, ${BUSY_LIMITS.processes} processes`, async () => {
    // A runtime running 110 jobs at once: its heartbeat lists 100, the view 25, both count 110.
    const started = await runtime('busy-many', 120, 'drover@busy-many:7');
    await queue('busy-many').addBulk(Array.from({ length: 110 }, (_, i) => ({ name: 'slow', data: { step: i } })));
    const heavy = await waitFor(async () => {
      const p = processNamed(await busy(), 'drover@busy-many:7');
      return p?.jobsTotal === 110 ? p : undefined;
    }, 'the runtime running 110 jobs');
    expect(heavy.jobs).toHaveLength(BUSY_LIMITS.jobsPerProcess);
    const record = JSON.parse((await peek.record(started.heartbeat!.runtimeId))!);
    expect(record.jobs).toHaveLength(BUSY_RECORD_MAX_JOBS);
    expect(record.jobsTotal).toBe(110);
    // The longest-running first.
    const starts = heavy.jobs.map((j) => j.startedAt!);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);

    // 60 more runtimes' heartbeats (the real writer, no workers): 50 processes listed, all counted.
    const beats = Array.from({ length: 60 }, (_, i) => new BusyHeartbeat({ records: records(), workerName: `drover@idle-${i}:1`, workers: new Map(), intervalMs: 60_000, logger }));
    beats.forEach((b) => b.start());
    closables.push({ close: () => Promise.all(beats.map((b) => b.stop())) });
    const capped = await waitFor(async () => {
      const b = await busy();
      return b.processesTotal >= 61 ? b : undefined;
    }, '61 runtimes counted');
    expect(capped.processes).toHaveLength(BUSY_LIMITS.processes);
    // Runtimes past the cap are counted, not shown again as other BullMQ workers.
    expect(capped.processesTotal).toBe(61);
    expect(capped.processes.every((p) => p.kind === 'drover')).toBe(true);
  });

  it('does not read or parse a heartbeat record larger than it allows: counted as unreadable, the others listed', async () => {
    const honest = new BusyHeartbeat({ records: records(), workerName: 'drover@honest:1', workers: new Map(), intervalMs: 60_000, logger });
    honest.start();
    closables.push({ close: () => honest.stop() });
    // (and the earlier tests' workers gone from the cached CLIENT LIST)
    await waitFor(async () => {
      const b = await busy();
      return b.processes.length === 1 && processNamed(b, 'drover@honest:1');
    }, 'the honest runtime listed alone');
    // Something with write access to the store puts a 1 MB "heartbeat" (and one with 60 queues) in the index.
    const valid = { host: 'h', pid: 1, startedAt: Date.now(), beatAt: Date.now(), concurrency: {}, jobsTotal: 1 };
    const huge = { ...valid, runtimeId: 'huge', workerName: 'drover@huge:1', queues: ['q'], jobs: [{ queue: 'q', id: '1', name: 'n'.repeat(1_000_000), startedAt: Date.now() }] };
    const wide = { ...valid, runtimeId: 'wide', workerName: 'drover@wide:1', queues: Array.from({ length: 60 }, (_, i) => `q${i}`), jobs: [] };
    for (const record of [huge, wide]) await peek.writeHandMade(record.runtimeId, record);
    const b = await busy();
    expect(b.processes.map((p) => p.name)).toEqual(['drover@honest:1']);
    expect(b.unreadable).toBe(2);
    expect(b.processesTotal).toBe(3);
  });

  it('a fast-beating runtime that stops does not take the shared index with it', async () => {
    const slow = new BusyHeartbeat({ records: records(), workerName: 'drover@slow:21', workers: new Map(), intervalMs: 60_000, logger });
    const fast = new BusyHeartbeat({ records: records(), workerName: 'drover@fast:22', workers: new Map(), intervalMs: 100, logger });
    closables.push({ close: () => Promise.all([slow.stop(), fast.stop()]) });
    slow.start();
    await waitFor(async () => processNamed(await busy(), 'drover@slow:21'), 'the slow runtime listed');
    fast.start();
    await waitFor(async () => processNamed(await busy(), 'drover@fast:22'), 'the fast runtime listed');
    await fast.stop();
    // The fast one's 3 beats (300 ms) go by; the slow one beats once a minute and lives 3 minutes.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(processNamed(await busy(), 'drover@slow:21')).toBeDefined();
    if (kind === 'redis') expect(await server.redis().pttl(KEYS.busyIndex('bull'))).toBeGreaterThan(9 * 60_000);
  });

  it('a worker host or console whose clock is ahead hides no one: heartbeat times are the store’s', async () => {
    const steady = new BusyHeartbeat({ records: records(), workerName: 'drover@steady:31', workers: new Map(), intervalMs: 60_000, logger });
    closables.push({ close: () => steady.stop() });
    steady.start();
    await waitFor(async () => processNamed(await busy(), 'drover@steady:31'), 'the steady runtime listed');
    const realNow = Date.now.bind(Date);
    const ahead = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 5 * 60_000);
    try {
      // A runtime on a host 5 minutes ahead beats (and prunes the index)…
      const skewed = new BusyHeartbeat({ records: records(), workerName: 'drover@ahead:32', workers: new Map(), intervalMs: 60_000, logger });
      closables.push({ close: () => skewed.stop() });
      skewed.start();
      await waitFor(async () => peek.exists(skewed.runtimeId), 'the skewed beat written');
      // …and a console 5 minutes ahead reads: both are listed.
      const b = await busy();
      expect(b.error).toBeNull();
      expect([processNamed(b, 'drover@steady:31')?.kind, processNamed(b, 'drover@ahead:32')?.kind]).toEqual(['drover', 'drover']);
    } finally {
      ahead.mockRestore();
      // The few-second caches of the reads above were stamped 5 minutes ahead: the next suites of this
      // process (the same connection name) must not find them fresh for 5 minutes.
      (globalThis as { [key: symbol]: Map<string, unknown> | undefined })[Symbol.for('drover.short-cache')]?.clear();
    }
    expect(processNamed(await busy(), 'drover@steady:31')).toBeDefined();
  });});

describe('Busy view of other BullMQ workers (CLIENT LIST, Redis)', { timeout: 120_000 }, () => {
  const server = consoleForThisFile('redis');
  const peek = peekerOf('redis', server);
  const queue = (name: string) => queueOn(server, name);
  const redis = { client: () => server.redis(), get url() { return server.url; } };

  it('lists a plain BullMQ worker from CLIENT LIST with its active job, and an unnamed one per queue', async () => {
    const client = redis.client();
    const slow = async (job: Job) => {
      await job.updateProgress(70);
      await untilReleased();
    };
    const named = new Worker('busy-plain', slow, { connection: client, name: 'billing-worker', concurrency: 2 });
    const unnamed = new Worker('busy-unnamed', slow, { connection: client });
    closables.push(named, unnamed);
    const job = await queue('busy-plain').add('charge', { amount: 1 });
    const other = await queue('busy-unnamed').add('anonymous', {});
    const listed = await waitFor(async () => {
      const b = await busy();
      const p = processNamed(b, 'billing-worker');
      const u = processNamed(b, '(unnamed)');
      return p?.jobs[0]?.progress === 70 && u?.jobs.length ? { p, u, b } : undefined;
    }, 'both workers listed with their jobs');
    expect(listed.b.clientList).toBe(true);
    expect(listed.p).toMatchObject({ kind: 'bullmq', queues: ['busy-plain'], pid: null, jobsTotal: 1, partial: false, jobs: [{ queue: 'busy-plain', id: job.id, name: 'charge', progress: 70 }] });
    expect(listed.p.jobs[0].startedAt).toBeGreaterThanOrEqual(job.timestamp);
    expect(listed.p.addresses.length).toBeGreaterThan(0);
    expect(listed.u).toMatchObject({ kind: 'bullmq', queues: ['busy-unnamed'], jobsTotal: 1, jobs: [{ id: other.id, name: 'anonymous' }] });
  });

  it(`reads the active lists of the queues running the most jobs when workers watch more than ${BUSY_LIMITS.queuesRead} queues`, async () => {
    // 25 idle named workers on queues whose names sort first, and one worker running 3 jobs on a queue
    // whose name sorts last: its jobs are the ones worth reading.
    const client = redis.client();
    for (let i = 0; i < BUSY_LIMITS.queuesRead + 5; i++) {
      const idle = new Worker(`busy-aa-idle-${String(i).padStart(2, '0')}`, async () => {}, { connection: client, name: `idle-${i}` });
      closables.push(idle);
    }
    const working = new Worker('busy-zz-working', () => untilReleased(), { connection: client, name: 'zz-worker', concurrency: 5 });
    closables.push(working);
    const jobs = await queue('busy-zz-working').addBulk(Array.from({ length: 3 }, (_, i) => ({ name: 'long', data: { i } })));
    const listed = await waitFor(async () => {
      const p = processNamed(await busy(), 'zz-worker');
      return p && p.jobsTotal === 3 ? p : undefined;
    }, 'the working worker with its 3 jobs');
    expect(listed.jobs.map((j) => j.id).sort()).toEqual(jobs.map((j) => j.id!).sort());
    expect(listed.partial).toBe(false);
    // The idle ones were not read, and have nothing running: not partial either.
    expect(processNamed(await busy(), 'idle-0')).toMatchObject({ jobsTotal: 0, partial: false });
  });

  it(`reads at most ${BUSY_LIMITS.activeRead} active jobs of a plain worker's queue`, async () => {
    // A plain worker with 110 active jobs: only the oldest 100 of the active list are read (partial).
    const client = redis.client();
    const plain = new Worker('busy-plain-many', () => untilReleased(), { connection: client, name: 'bulk-worker', concurrency: 120 });
    closables.push(plain);
    await queue('busy-plain-many').addBulk(Array.from({ length: 110 }, (_, i) => ({ name: 'bulk', data: { i } })));
    const bulk = await waitFor(async () => {
      const p = processNamed(await busy(), 'bulk-worker');
      return p?.jobsTotal === BUSY_LIMITS.activeRead && (await client.llen('bull:busy-plain-many:active')) === 110 ? p : undefined;
    }, 'the plain worker running 110 jobs');
    expect(bulk).toMatchObject({ partial: true });
    expect(bulk.jobs).toHaveLength(BUSY_LIMITS.jobsPerProcess);

  });

  it('refuses heartbeat times no Date can hold, and drops such a start of another worker’s job', async () => {
    const client = redis.client();
    // A "heartbeat" beating in the year 1e300 (hand-written: no runtime writes one).
    const far = { runtimeId: 'far', workerName: 'drover@far:1', host: 'h', pid: 1, startedAt: 1e300, beatAt: Date.now(), queues: ['q'], concurrency: { q: 1 }, jobs: [{ queue: 'q', id: '1', name: 'n', startedAt: 1e300 }], jobsTotal: 1 };
    await peek.writeHandMade('far', far);
    // A plain worker's active job whose hash says it started at 1e300.
    const worker = new Worker('busy-far', () => untilReleased(), { connection: client, name: 'far-worker' });
    closables.push(worker);
    const job = await queue('busy-far').add('far', {});
    await waitFor(async () => (await client.llen('bull:busy-far:active')) === 1, 'the job active');
    await client.hset(`bull:busy-far:${job.id}`, 'processedOn', '1e300');
    const b = await waitFor(async () => {
      const r = await busy();
      return processNamed(r, 'far-worker')?.jobs.length ? r : undefined;
    }, 'the plain worker listed with its job');
    expect(processNamed(b, 'drover@far:1')).toBeUndefined();
    expect(b.unreadable).toBe(1);
    expect(processNamed(b, 'far-worker')!.jobs[0]).toMatchObject({ id: job.id, startedAt: null });
  });

  it('lists a Drover-named worker without a live heartbeat as a BullMQ worker marked "no heartbeat"', async () => {
    // A runtime with its heartbeat off, and any BullMQ worker naming itself like a runtime.
    const silent = await startRuntime({ connection: { name: 'default', url: redis.url, prefix: 'bull' }, kinds: [slowKind('busy-silent', 2)], settings, logger, workerName: 'drover@silent:11', schedulers: false, cancellation: false, deadLetters: false, heartbeat: false });
    runtimes.push(silent);
    const impostor = new Worker('busy-impostor', () => untilReleased(), { connection: redis.client(), name: 'drover@impostor:12' });
    closables.push(impostor);
    const job = await queue('busy-impostor').add('hidden', {});
    const b = await waitFor(async () => {
      const r = await busy();
      return processNamed(r, 'drover@silent:11') && processNamed(r, 'drover@impostor:12')?.jobs.length ? r : undefined;
    }, 'both listed', 10_000);
    expect(processNamed(b, 'drover@silent:11')).toMatchObject({ kind: 'bullmq', noHeartbeat: true, queues: ['busy-silent'] });
    expect(processNamed(b, 'drover@impostor:12')).toMatchObject({ kind: 'bullmq', noHeartbeat: true, jobsTotal: 1, jobs: [{ id: job.id, name: 'hidden' }] });
    // A runtime that beats is listed once, from its heartbeat.
    await runtime('busy-beating', 1, 'drover@beating:13');
    const beating = await waitFor(async () => {
      const r = await busy();
      return processNamed(r, 'drover@beating:13') ? r : undefined;
    }, 'the beating runtime listed');
    expect(beating.processes.filter((p) => p.name === 'drover@beating:13').map((p) => [p.kind, p.noHeartbeat])).toEqual([['drover', false]]);
  });

});
