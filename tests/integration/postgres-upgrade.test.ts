// Upgrading a deployment whose queues are on PostgreSQL and whose console connection is Redis: the
// earlier Drover kept those queues' paused schedules on the console's Redis
// ("drover:paused-schedulers:{pg:<name>}"); they move into schema "drover" of the queues' database the
// first time the console or a worker runtime needs them, so a schedule paused before the upgrade is
// still paused after it — and a code-defined one is not re-created by the runtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startConfiguredStore, type TestStore } from '../helpers/stores';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { listPausedSchedules } from '@/lib/schedules/paused-store';
import { legacyPausedKey } from '@/lib/schedules/legacy-paused';
import { startRuntime } from '@/workers/runtime/start-runtime';
import { createWorkerLogger } from '@/workers/runtime/logger';
import { reportKind } from '@/lib/job-kinds/report';
import { resolveWorkerTarget } from '@/workers/runtime/worker-connection';

const settings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 5_000 };
const entry = (id: string, pausedBy: string) =>
  JSON.stringify({ scheduler: { id, pattern: '0 3 * * *', template: { name: 'deliver', data: { n: 1 } } }, iterationsDone: 2, pausedAt: 1_700_000_000_000, pausedBy, nextAtPause: null });

let store: TestStore;
let redis: Redis;

beforeAll(async () => {
  store = await startConfiguredStore('postgres');
  const { default: IORedis } = await import('ioredis');
  redis = new IORedis(store.consoleUrl, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  redis?.disconnect();
  await closeAllConnections();
  await store?.stop();
});

describe('paused schedules an earlier Drover kept on the console Redis', () => {
  it('move into the database on the console\'s first read; a copy already there wins; nothing is left behind', async () => {
    const main = getConnection('main');
    await redis.hset(legacyPausedKey('main'), { 'orders:hourly': entry('hourly', 'before-upgrade@test'), 'orders:kept': entry('kept', 'legacy@test'), 'billing:nightly': entry('nightly', 'before-upgrade@test') });
    // A copy already in the database (written there directly: any call through the records would move the hash first).
    await main.drover.run('INSERT INTO drover.paused_schedule (schema_name, queue, id, definition) VALUES ($1, $2, $3, $4)', ['bullmq', 'orders', 'kept', entry('kept', 'already-here@test')]);

    const listed = await listPausedSchedules(main);
    expect(listed.map((p) => [p.queue, p.scheduler.id, p.pausedBy, p.iterationsDone]).sort()).toEqual([
      ['billing', 'nightly', 'before-upgrade@test', 2],
      ['orders', 'hourly', 'before-upgrade@test', 2],
      ['orders', 'kept', 'already-here@test', 2],
    ]);
    expect(await redis.exists(legacyPausedKey('main'))).toBe(0);
  });

  it('move in when a worker runtime starts first: a code-defined schedule paused before the upgrade stays paused', async () => {
    const { connection, legacyConsole } = await resolveWorkerTarget({ DROVER_CONFIG: process.env.DROVER_CONFIG, DROVER_WORKER_CONNECTION: 'main' });
    expect([connection.name, legacyConsole?.name]).toEqual(['main', 'console']);
    await redis.hset(legacyPausedKey('main'), 'report:hourly-webhook-report', entry('hourly-webhook-report', 'before-upgrade@test'));

    const runtime = await startRuntime({
      connection,
      legacyConsole,
      kinds: [{ definition: reportKind, processor: { type: 'inline', process: async () => ({}) } }],
      settings,
      logger: createWorkerLogger({}, { write: () => {} }),
      cancellation: false,
      deadLetters: false,
      heartbeat: false,
    });
    try {
      const report = store.queue('report');
      // The other declared scheduler is created; the paused one is not.
      expect(await report.getJobScheduler('email-report-every-6h')).toBeDefined();
      expect(await report.getJobScheduler('hourly-webhook-report')).toBeUndefined();
      expect(await redis.exists(legacyPausedKey('main'))).toBe(0);
      expect((await listPausedSchedules(getConnection('main'), 'report')).map((p) => p.scheduler.id)).toEqual(['hourly-webhook-report']);
    } finally {
      await runtime.close();
    }
  });
});
