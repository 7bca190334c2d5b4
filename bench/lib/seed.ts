// The benchmark data set, built through BullMQ's API: queue `big` with 270,000 completed and 30,000
// failed jobs (processed by real Workers in two processes), 90,000 waiting and 10,000 delayed; and
// 50 small queues of 200 waiting jobs. Payloads are ~200 bytes of JSON.
import path from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { startProcess, waitForLine } from './processes';

export const BIG = 'big';
export const SMALL_QUEUES = Array.from({ length: 50 }, (_, i) => `q-${String(i + 1).padStart(2, '0')}`);
export const ALL_QUEUES = [BIG, ...SMALL_QUEUES];

export const PROCESSED = 300_000;
export const COMPLETED = 270_000;
export const FAILED = 30_000;
export const WAITING = 90_000;
export const DELAYED = 10_000;
export const SMALL_WAITING = 200;

/** A rare substring in the data of a few completed jobs, for the search benchmark. */
export const NEEDLE = 'zebra-7f3a9c';
/** Processed job indexes whose data carries the needle (none of them fails: i % 10 !== 9). */
export const NEEDLE_INDEXES = [3, 54_003, 108_003, 162_003, 216_003, 269_993];

const CHUNK = 1000;
const SEED_WORKERS = 2;
const SEED_CONCURRENCY = 300;

const NOTES = 'customer asked for gift wrap; deliver after 5pm; leave at the reception desk';

/** ~200 bytes of order-like JSON. `fail` marks every 10th processed job, which the seed worker throws on. */
export function payload(i: number, opts: { fail?: boolean; needle?: boolean } = {}) {
  return {
    orderId: `ord-${String(i).padStart(7, '0')}`,
    customer: { id: `cus-${(i * 7919) % 100_000}`, email: `user${i % 5000}@example.com`, country: ['DE', 'FR', 'US', 'JP'][i % 4] },
    items: [{ sku: `SKU-${i % 977}`, qty: 1 + (i % 5), price: 19.99 }],
    note: opts.needle ? `${NOTES.slice(0, 40)} ${NEEDLE}` : NOTES.slice(0, 54),
    ...(opts.fail ? { fail: true } : {}),
  };
}

export async function addInChunks(queue: Queue, total: number, make: (i: number) => { name: string; data: unknown; opts?: object }, parallel = 2) {
  const starts: number[] = [];
  for (let offset = 0; offset < total; offset += CHUNK) starts.push(offset);
  let next = 0;
  const lane = async () => {
    while (next < starts.length) {
      const offset = starts[next++];
      const jobs = Array.from({ length: Math.min(CHUNK, total - offset) }, (_, k) => make(offset + k));
      await queue.addBulk(jobs as Parameters<Queue['addBulk']>[0]);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
}

export type SeedResult = { seconds: number; processSeconds: number; counts: Record<string, number>; payloadBytes: number };

export async function seed(url: string, log: (line: string) => void): Promise<SeedResult> {
  const started = performance.now();
  const connection = new IORedis(url, { maxRetriesPerRequest: null, connectionName: 'bench-seed' });
  // Failures surface through the awaited calls (an unhandled 'error' event would only add noise on Ctrl-C).
  connection.on('error', () => {});
  const big = new Queue(BIG, { connection });
  big.on('error', () => {});

  // 1. 300,000 jobs through real Workers (2 processes, concurrency 300 each): completed or failed.
  const workers = Array.from({ length: SEED_WORKERS }, (_, w) =>
    startProcess(`seed-worker-${w}`, process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'seed-worker.ts'), url, BIG, String(SEED_CONCURRENCY)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await Promise.all(workers.map((w) => waitForLine(w, /READY/, 30_000)));
  const needles = new Set(NEEDLE_INDEXES);
  await addInChunks(big, PROCESSED, (i) => ({ name: 'process-order', data: payload(i, { fail: i % 10 === 9, needle: needles.has(i) }) }));
  log(`  added ${PROCESSED.toLocaleString('en')} jobs to "${BIG}" in ${((performance.now() - started) / 1000).toFixed(1)} s; workers processing…`);
  for (;;) {
    const [completed, failed] = await Promise.all([connection.zcard(`bull:${BIG}:completed`), connection.zcard(`bull:${BIG}:failed`)]);
    if (completed + failed >= PROCESSED) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await Promise.all(workers.map((w) => w.stop()));
  const processSeconds = (performance.now() - started) / 1000;
  log(`  processed ${PROCESSED.toLocaleString('en')} jobs in ${processSeconds.toFixed(1)} s`);

  // 2. Waiting and delayed jobs on `big` (no worker runs from here on), and the 50 small queues.
  await addInChunks(big, WAITING, (i) => ({ name: 'process-order', data: payload(PROCESSED + i) }));
  await addInChunks(big, DELAYED, (i) => ({ name: 'process-order', data: payload(PROCESSED + WAITING + i), opts: { delay: 7 * 24 * 3600_000 } }));
  for (const name of SMALL_QUEUES) {
    const queue = new Queue(name, { connection });
    await addInChunks(queue, SMALL_WAITING, (i) => ({ name: 'send-email', data: payload(i) }), 1);
    await queue.close();
  }

  const counts = await big.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active');
  await big.close();
  connection.disconnect();
  const expected = { completed: COMPLETED, failed: FAILED, waiting: WAITING, delayed: DELAYED, active: 0 };
  for (const [state, n] of Object.entries(expected)) {
    if (counts[state] !== n) throw new Error(`seeding produced ${counts[state]} ${state} jobs in "${BIG}", expected ${n}`);
  }
  return { seconds: (performance.now() - started) / 1000, processSeconds, counts, payloadBytes: JSON.stringify(payload(123_456)).length };
}
