// A long state on PostgreSQL (150,000 completed jobs, seeded by bench:scale's set-based seeding): its
// count is PostgreSQL's estimate, flagged approximate, while a short state's is exact; every page —
// first, deep in the newer half, in the older half, last — holds the ids BullMQ's getJobs gives for it,
// and deep pages of every kind of state (keys with ties, a tuple of keys, a single key) hold the ids the
// plain ORDER BY … OFFSET gives. A real PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import pg from 'pg';
import { startPostgresStore } from '../../bench/scale/store-postgres';
import type { ScaleStore } from '../../bench/scale/types';
import { configureFromFile } from '../helpers/console-env';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { listJobs } from '@/lib/jobs/list-jobs';
import { listJobsQuerySchema } from '@/lib/jobs/schemas';
import { getQueueSummaries } from '@/lib/queues/queue-summary';
import { STATE_SQL } from '@/lib/store/postgres/sql';
import { EXACT_COUNT_MAX } from '@/lib/store/postgres/postgres-queue-store';
import type { JobState } from '@/lib/jobs/job-states';

const LONG = 150_000;
const SHORT = 1_000;
let dir: string;
let store: ScaleStore;
let sql: pg.Pool;
const open: Queue[] = [];
const queue = (name: string) => {
  const q = store.queue(name);
  open.push(q);
  return q;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-long-states-'));
  store = await startPostgresStore(dir, () => {});
  sql = new pg.Pool({ connectionString: store.peerUrl, max: 1, application_name: 'bench-scale' });
  sql.on('error', () => {});
  await store.growCompleted('long', 0, LONG);
  await store.growCompleted('short', 0, SHORT);
  await configureFromFile(store.configFile);
}, 180_000);

afterAll(async () => {
  await closeAllConnections();
  await Promise.all(open.map((q) => q.close().catch(() => {})));
  await sql?.end();
  await store?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Drover's page ids as the API lists them (newest first). */
async function droverPage(name: string, page: number, size = 10) {
  const result = await listJobs(getConnection('postgres'), name, listJobsQuerySchema.parse({ state: 'completed', page, size }));
  return { ids: result.jobs.map((j) => j.id), total: result.total, approximate: result.approximate };
}

/** The same page as BullMQ reads it (getJobs, newest first). */
async function bullmqPage(name: string, page: number, size = 10) {
  const start = (page - 1) * size;
  return (await queue(name).getJobs(['completed'], start, start + size - 1, false)).map((j) => j.id);
}

/** The reference order: the state's full sort keys with a plain OFFSET (Drover's statement before keysets). */
async function referencePage(name: string, state: JobState, order: 'desc' | 'asc', start: number, size: number) {
  const { where, keys } = STATE_SQL[state];
  const dir = order === 'desc' ? 'DESC' : 'ASC';
  const { rows } = await sql.query<{ id: string }>(
    `SELECT id FROM bullmq.job WHERE queue = $1 AND ${where} ORDER BY ${keys.map((k) => `${k} ${dir}`).join(', ')} OFFSET $2 LIMIT $3`,
    [name, start, size],
  );
  return rows.map((r) => r.id);
}

async function storePage(name: string, state: JobState, order: 'desc' | 'asc', start: number, size: number) {
  const slice = await getConnection('postgres').store.jobPage(name, state, order, start, size);
  return slice.jobs.map((j) => j.id);
}

describe('PostgreSQL long states', () => {
  it('counts a long state by the planner (flagged approximate) and a short one exactly', async () => {
    const [long, short] = await getQueueSummaries(getConnection('postgres'), ['long', 'short']);
    expect(long.approximate).toEqual(['completed']);
    expect(long.counts.completed).toBeGreaterThan(EXACT_COUNT_MAX);
    // The estimate of freshly analyzed statistics: near the real length, not equal to it by construction.
    expect(Math.abs(long.counts.completed - LONG) / LONG).toBeLessThan(0.2);
    expect(long.counts.waiting).toBe(0);
    expect(short.approximate).toBeUndefined();
    expect(short.counts.completed).toBe(SHORT);
    expect(await queue('short').getCompletedCount()).toBe(SHORT);
  });

  it('lists the first page, a deep page, an older-half page and the last page as BullMQ does', async () => {
    const first = await droverPage('long', 1);
    expect(first.approximate).toBe(true);
    expect(first.ids).toEqual(await bullmqPage('long', 1));
    // Newer half, past the plain OFFSET's reach: the keyset read, the total still estimated.
    const deep = await droverPage('long', 6_001);
    expect(deep.approximate).toBe(true);
    expect(deep.ids).toHaveLength(10);
    expect(deep.ids).toEqual(await bullmqPage('long', 6_001));
    // Older half: the exact total, then read from the oldest end.
    const older = await droverPage('long', 9_001);
    expect(older.approximate).toBeUndefined();
    expect(older.total).toBe(LONG);
    expect(older.ids).toEqual(await bullmqPage('long', 9_001));
    const last = await droverPage('long', LONG / 10);
    expect(last.total).toBe(LONG);
    expect(last.ids).toEqual(await bullmqPage('long', LONG / 10));
    expect(last.ids[last.ids.length - 1]).toBe('1');
    // The short queue: exact, no flag.
    const short = await droverPage('short', 50);
    expect(short).toEqual({ ids: await bullmqPage('short', 50), total: SHORT, approximate: undefined });
  });

  it('pages through jobs that share a finish time as the full sort does (ties both within and beyond what a keyset read compares)', async () => {
    // Test data only: two groups of jobs given one finish time each (30 jobs, and 300 jobs: more than a
    // deep read looks back over, so it falls back to the plain OFFSET there).
    await sql.query(`UPDATE bullmq.job SET finished_at_ms = (SELECT finished_at_ms FROM bullmq.job WHERE queue = 'long' AND id = '40000') WHERE queue = 'long' AND id::int BETWEEN 40000 AND 40029`);
    await sql.query(`UPDATE bullmq.job SET finished_at_ms = (SELECT finished_at_ms FROM bullmq.job WHERE queue = 'long' AND id = '20000') WHERE queue = 'long' AND id::int BETWEEN 20000 AND 20299`);
    // Newest first, positions of the groups: id 40029 is at LONG - 40029, id 20299 at LONG - 20299.
    for (const start of [LONG - 40_035, LONG - 40_029, LONG - 40_020, LONG - 40_005, LONG - 20_299, LONG - 20_250, LONG - 20_050, LONG - 20_005]) {
      for (const order of ['desc', 'asc'] as const) {
        const at = order === 'desc' ? start : LONG - start - 10;
        expect(await storePage('long', 'completed', order, at, 10), `${order} from ${at}`).toEqual(await referencePage('long', 'completed', order, at, 10));
      }
    }
  });

  it('pages deep into waiting, prioritized and delayed jobs as the full sort does', async () => {
    const n = 2_500;
    const now = Date.now();
    await queue('wide-waiting').addBulk(Array.from({ length: n }, (_, i) => ({ name: 'w', data: { i } })));
    await queue('wide-prioritized').addBulk(Array.from({ length: n }, (_, i) => ({ name: 'p', data: { i }, opts: { priority: (i % 7) + 1 } })));
    // Groups of 20 jobs due at one time: ties a keyset read resolves by the jobs' ids.
    await queue('wide-delayed').addBulk(Array.from({ length: n }, (_, i) => ({ name: 'd', data: { i }, opts: { delay: 3_600_000 + Math.floor(i / 20) * 1000, timestamp: now } })));
    const cases: Array<[string, JobState]> = [
      ['wide-waiting', 'waiting'],
      ['wide-prioritized', 'prioritized'],
      ['wide-delayed', 'delayed'],
    ];
    for (const [name, state] of cases) {
      expect((await getConnection('postgres').store.jobPage(name, state, 'desc', 0, 10)).total).toBe(n);
      for (const start of [0, 1_001, 1_013, 1_200, 1_240, 1_260, 2_000, 2_495]) {
        for (const order of ['desc', 'asc'] as const) {
          expect(await storePage(name, state, order, start, 10), `${state} ${order} from ${start}`).toEqual(await referencePage(name, state, order, start, 10));
        }
      }
    }
  });
});
