// The benchmark data set on PostgreSQL (BullMQ 6's PostgreSQL backend, createPostgresBackend), built
// through BullMQ's API only — the same shape as the Redis seed (./seed.ts), optionally scaled down by
// BENCH_PG_SCALE: queue `big` with PROCESSED × scale jobs processed by real Workers (every 10th
// throws: 90 % completed, 10 % failed), WAITING × scale waiting and DELAYED × scale delayed; and the
// 50 small queues of 200 waiting jobs (not scaled). Nothing is written into BullMQ's tables directly.
import path from 'node:path';
import { Queue, createPostgresBackend } from 'bullmq';
import { startProcess, waitForLine } from './processes';
import { BIG, DELAYED, NEEDLE_INDEXES, PROCESSED, SMALL_QUEUES, SMALL_WAITING, WAITING, payload } from './seed';

const CHUNK = 1000;
/** Processing on PostgreSQL is ~20× slower than on Redis (STACK.md 27): more, smaller workers than the Redis seed's 2 × 300. */
const SEED_WORKERS = Number(process.env.BENCH_PG_SEED_WORKERS || 2);
const SEED_CONCURRENCY = Number(process.env.BENCH_PG_SEED_CONCURRENCY || 100);
/** Kept however many jobs: the default already keeps them, stated so a changed default does not empty the set. */
const KEEP = { removeOnComplete: false, removeOnFail: false } as const;

export type PgShape = { scale: number; processed: number; completed: number; failed: number; waiting: number; delayed: number; needles: number[] };

/** The Redis seed's shape × scale (a job index i fails when i % 10 === 9, as there). */
export function pgShape(scale: number): PgShape {
  const processed = Math.round(PROCESSED * scale);
  // Needles at the same relative positions, moved off failing indexes.
  const needles = NEEDLE_INDEXES.map((i) => Math.min(processed - 2, Math.round(i * scale))).map((i) => (i % 10 === 9 ? i - 1 : i));
  let failed = 0;
  for (let i = 0; i < processed; i++) if (i % 10 === 9) failed++;
  return { scale, processed, completed: processed - failed, failed, waiting: Math.round(WAITING * scale), delayed: Math.round(DELAYED * scale), needles };
}

export function pgQueue(url: string, name: string): Queue {
  // The factory form's types differ from the Redis Queue's; the bench uses the shared API only.
  const q = new Queue(name, { connection: { connectionString: url, migrate: true } }, createPostgresBackend) as unknown as Queue;
  q.on('error', () => {});
  return q;
}

async function addInChunks(queue: Queue, total: number, make: (i: number) => { name: string; data: unknown; opts?: object }, parallel = 2) {
  let next = 0;
  const lane = async () => {
    while (next < total) {
      const offset = next;
      next += CHUNK;
      const jobs = Array.from({ length: Math.min(CHUNK, total - offset) }, (_, k) => make(offset + k));
      await queue.addBulk(jobs as Parameters<Queue['addBulk']>[0]);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
}

export type PgSeedResult = { seconds: number; addSeconds: number; processSeconds: number; jobsPerSecond: number; counts: Record<string, number> };

export async function seedPostgres(url: string, shape: PgShape, log: (line: string) => void): Promise<PgSeedResult> {
  const started = performance.now();
  const big = pgQueue(url, BIG);
  await big.waitUntilReady(); // runs BullMQ's migrations (migrate: true) before the workers connect

  // 1. The processed jobs through real Workers (SEED_WORKERS processes): completed or failed.
  const workers = Array.from({ length: SEED_WORKERS }, (_, w) =>
    startProcess(`pg-seed-worker-${w}`, process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'seed-worker.ts'), url, BIG, String(SEED_CONCURRENCY)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await Promise.all(workers.map((w) => waitForLine(w, /READY/, 60_000)));
  const needles = new Set(shape.needles);
  await addInChunks(big, shape.processed, (i) => ({ name: 'process-order', data: payload(i, { fail: i % 10 === 9, needle: needles.has(i) }), opts: KEEP }));
  const addSeconds = (performance.now() - started) / 1000;
  log(`  added ${shape.processed.toLocaleString('en')} jobs to "${BIG}" in ${addSeconds.toFixed(1)} s; ${SEED_WORKERS} workers × concurrency ${SEED_CONCURRENCY} processing…`);
  let lastLog = performance.now();
  for (;;) {
    const c = await big.getJobCounts('completed', 'failed');
    const done = c.completed + c.failed;
    if (done >= shape.processed) break;
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      log(`  … ${done.toLocaleString('en')} processed after ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  await Promise.all(workers.map((w) => w.stop()));
  const processSeconds = (performance.now() - started) / 1000;
  log(`  processed ${shape.processed.toLocaleString('en')} jobs in ${processSeconds.toFixed(1)} s (adding included)`);

  // 2. Waiting and delayed jobs on `big` (no worker runs from here on), and the 50 small queues.
  await addInChunks(big, shape.waiting, (i) => ({ name: 'process-order', data: payload(PROCESSED + i) }));
  await addInChunks(big, shape.delayed, (i) => ({ name: 'process-order', data: payload(PROCESSED + WAITING + i), opts: { delay: 7 * 24 * 3600_000 } }));
  for (const name of SMALL_QUEUES) {
    const queue = pgQueue(url, name);
    await addInChunks(queue, SMALL_WAITING, (i) => ({ name: 'send-email', data: payload(i) }), 1);
    await queue.close();
  }

  const counts = await big.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active');
  await big.close();
  const expected = { completed: shape.completed, failed: shape.failed, waiting: shape.waiting, delayed: shape.delayed, active: 0 };
  for (const [state, n] of Object.entries(expected)) {
    if (counts[state] !== n) throw new Error(`seeding produced ${counts[state]} ${state} jobs in "${BIG}" on PostgreSQL, expected ${n}`);
  }
  return { seconds: (performance.now() - started) / 1000, addSeconds, processSeconds, jobsPerSecond: shape.processed / processSeconds, counts };
}
