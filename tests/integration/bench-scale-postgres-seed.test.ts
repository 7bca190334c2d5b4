// bench:scale's PostgreSQL store (bench/scale/store-postgres.ts) at small sizes: the jobs its set-based
// seeding writes are what BullMQ itself reads — counts, ranges, Job.fromId with the payload the Redis
// seed would carry — and what Drover's pages read; BullMQ goes on working after it (the next add continues the ids, a Worker
// processes it); its client count sees other processes' connections and not the bench's own; reset()
// leaves an empty schema. A real PostgreSQL and a real redis-server.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job, type Queue } from 'bullmq';
import IORedis from 'ioredis';
import pg from 'pg';
import { startPostgresStore } from '../../bench/scale/store-postgres';
import type { ScaleStore } from '../../bench/scale/types';
import { payload } from '../../bench/lib/seed';
import { waitFor } from '../helpers/wait';
import { configureFromFile } from '../helpers/console-env';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { listJobs } from '@/lib/jobs/list-jobs';
import { listJobsQuerySchema } from '@/lib/jobs/schemas';
import { getJob } from '@/lib/jobs/get-job';

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
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-scale-pg-'));
  store = await startPostgresStore(dir, () => {});
  sql = new pg.Pool({ connectionString: store.peerUrl, max: 1, application_name: 'bench-scale' });
  // An idle client still closing when the server stops gets its FATAL as an error event: not the test's.
  sql.on('error', () => {});
});

afterAll(async () => {
  await closeAllConnections();
  await Promise.all(open.map((q) => q.close().catch(() => {})));
  await sql?.end();
  await store?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('bench:scale PostgreSQL store', () => {
  it('names PostgreSQL and writes a Drover config whose "postgres" connection holds the data', async () => {
    expect(store.label).toMatch(/^PostgreSQL \d+\.\d+/);
    expect(store.connection).toBe('postgres');
    const config = JSON.parse(fs.readFileSync(store.configFile, 'utf8'));
    expect(config.consoleConnection).toBe('default');
    expect(config.connections).toEqual([
      { name: 'default', url: expect.stringMatching(/^redis:\/\//) },
      { name: 'postgres', url: store.peerUrl },
    ]);
    expect(store.peerUrl).toContain(`:${store.port}/`);
  });

  it('starts empty: the template queue it processed is gone', async () => {
    const { rows } = await sql.query(`SELECT (SELECT count(*) FROM bullmq.job)::int AS jobs, (SELECT count(*) FROM bullmq.meta)::int AS meta`);
    expect(rows[0]).toEqual({ jobs: 0, meta: 0 });
  });

  it('addQueues: 50 queues × 4 waiting jobs that BullMQ counts and lists in the order they were added', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `scale-q-${i}`);
    await store.addQueues(names, 4);
    for (const name of [names[0], names[17], names[49]]) {
      const q = queue(name);
      expect(await q.getJobCounts('waiting', 'active', 'completed')).toEqual({ waiting: 4, active: 0, completed: 0 });
      const waiting = await q.getWaiting(0, -1);
      expect(waiting.map((j) => j.data)).toEqual([0, 1, 2, 3].map((i) => payload(i)));
      expect(waiting.map((j) => j.id)).toEqual(['1', '2', '3', '4']);
      expect(waiting[0].name).toBe('send-email');
    }
    // A Worker takes them first in, first out.
    const seen: string[] = [];
    const worker = store.worker(names[17], async (job) => {
      seen.push(job.id!);
      return null;
    });
    await waitFor(() => seen.length === 4, { timeout: 30_000, what: 'the 4 seeded waiting jobs processed' });
    await worker.close();
    expect(seen).toEqual(['1', '2', '3', '4']);
    expect(await queue(names[17]).getJobCounts('waiting', 'completed')).toEqual({ waiting: 0, completed: 4 });
  });

  it('growCompleted: 0 → 2,000 → 5,000 completed jobs that BullMQ and Drover count, page and read back, and the queue goes on working', async () => {
    await store.growCompleted('scale-big', 0, 2000);
    await store.growCompleted('scale-big', 2000, 5000);
    await expect(store.growCompleted('scale-big', 4000, 6000)).rejects.toThrow(/holds 5000 completed jobs, not 4000/);
    const q = queue('scale-big');
    expect(await q.getJobCounts('completed', 'failed', 'waiting', 'active')).toEqual({ completed: 5000, failed: 0, waiting: 0, active: 0 });

    const newest = await q.getJobs(['completed'], 0, 9);
    expect(newest.map((j) => j.id)).toEqual(Array.from({ length: 10 }, (_, k) => String(5000 - k)));
    const oldest = await q.getJobs(['completed'], 4990, 4999);
    expect(oldest.map((j) => j.id)).toEqual(Array.from({ length: 10 }, (_, k) => String(10 - k)));
    const finished = newest.map((j) => j.finishedOn!);
    expect([...finished].sort((a, b) => b - a)).toEqual(finished);

    const job = await Job.fromId(q, '2345');
    expect(job?.data).toEqual(payload(2344));
    expect(job?.returnvalue).toEqual({ ok: true });
    expect(job?.attemptsMade).toBe(1);
    expect(job!.processedOn!).toBeGreaterThanOrEqual(job!.timestamp);
    expect(job!.finishedOn!).toBeGreaterThanOrEqual(job!.processedOn!);
    expect(await job?.getState()).toBe('completed');

    // Drover's own reads, through the config the store wrote (its "postgres" connection).
    await configureFromFile(store.configFile);
    const conn = getConnection('postgres');
    const last = await listJobs(conn, 'scale-big', listJobsQuerySchema.parse({ state: 'completed', size: 10, page: 500 }));
    expect(last.total).toBe(5000);
    expect(last.jobs.map((j) => j.id)).toEqual(Array.from({ length: 10 }, (_, k) => String(10 - k)));
    const detail = await getJob(conn, 'scale-big', '4321');
    expect(detail).toMatchObject({ state: 'completed', name: 'process-order', attemptsMade: 1, failedReason: null });
    expect(detail.dataSize).toBeGreaterThan(100);

    const added = await q.add('process-order', payload(5000));
    expect(added.id).toBe('5001');
    const worker = store.worker('scale-big', async () => ({ ok: 'after seeding' }));
    const done = await waitFor(async () => (await Job.fromId(q, '5001'))?.finishedOn && Job.fromId(q, '5001'), { timeout: 30_000, what: 'the job added after seeding completed' });
    await worker.close();
    expect(done && done.returnvalue).toEqual({ ok: 'after seeding' });
    expect(await q.getJobCounts('completed')).toEqual({ completed: 5001 });
  });

  it('addFailed: 3 failed jobs of ~100 KB that BullMQ counts and reads back with their reason and stack trace', async () => {
    await store.addFailed('scale-pay', 3, 100 * 1024);
    const q = queue('scale-pay');
    expect(await q.getJobCounts('failed', 'completed')).toEqual({ failed: 3, completed: 0 });
    const failed = await q.getFailed(0, -1);
    expect(failed.map((j) => j.id)).toEqual(['3', '2', '1']);
    for (const job of failed) {
      const i = Number(job.id) - 1;
      const { blob, ...rest } = job.data as { blob: string };
      expect(rest).toEqual(payload(i, { fail: true }));
      expect(blob).toMatch(/^[0-9a-f]+$/);
      expect(Math.abs(JSON.stringify(job.data).length - 100 * 1024)).toBeLessThan(64);
      expect(job.failedReason).toBe(`payment declined for ${payload(i).orderId}`);
      expect(job.stacktrace?.[0]).toMatch(/^Error: payment declined/);
      expect(job.attemptsMade).toBe(1);
    }
    // Every row's data differs (random hex, as stored: PostgreSQL cannot compress it away).
    expect(new Set(failed.map((j) => (j.data as { blob: string }).blob)).size).toBe(3);
    const { rows } = await sql.query<{ size: number }>(`SELECT min(pg_column_size(data))::int AS size FROM bullmq.job WHERE queue = 'scale-pay'`);
    expect(rows[0].size).toBeGreaterThan(90 * 1024);
  });

  it('counts client connections of other processes (a child of the bench too), not the bench’s own', async () => {
    const before = await store.clientCount();
    expect(before).toBe(0); // this process holds its pool, Queues and (closed) Workers' connections
    const script = `const pg = require('pg'); const c = new pg.Client(${JSON.stringify(store.peerUrl)}); c.connect().then(() => console.log('READY')); setInterval(() => {}, 1000);`;
    const child: ChildProcess = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d) => String(d).includes('READY') && resolve());
        child.once('exit', (code) => reject(new Error(`client process exited (${code})`)));
      });
      expect(await store.clientCount()).toBe(1);
    } finally {
      child.kill();
    }
    await waitFor(async () => (await store.clientCount()) === 0, { timeout: 10_000, what: 'the other process’s connection gone' });
  });

  it('reports PostgreSQL’s CPU time growing with the work it does', async () => {
    const before = await store.cpuMs();
    await sql.query(`SELECT count(*) FROM generate_series(1, 1000000) g WHERE md5(g::text) LIKE 'ff%'`);
    const after = await store.cpuMs();
    expect(before).toBeGreaterThan(0);
    expect(after - before).toBeGreaterThan(100);
  });

  it('reset: BullMQ’s tables empty, ids start over, Drover’s Redis untouched', async () => {
    await Promise.all(open.splice(0).map((q) => q.close()));
    const redisUrl = JSON.parse(fs.readFileSync(store.configFile, 'utf8')).connections[0].url;
    const redis = new IORedis(redisUrl);
    await redis.set('drover:test:kept', 'yes');
    await store.reset();
    expect(await redis.get('drover:test:kept')).toBe('yes');
    redis.disconnect();
    const { rows } = await sql.query(
      `SELECT (SELECT count(*) FROM bullmq.job)::int AS jobs, (SELECT count(*) FROM bullmq.meta)::int AS meta,
              (SELECT count(*) FROM pg_sequences WHERE schemaname = 'bullmq' AND sequencename LIKE 'bullmq\\_jid\\_%')::int AS id_sequences`,
    );
    expect(rows[0]).toEqual({ jobs: 0, meta: 0, id_sequences: 0 });
    const q = queue('scale-big');
    expect(await q.getJobCounts('completed')).toEqual({ completed: 0 });
    expect((await q.add('again', {})).id).toBe('1');
  });
});
