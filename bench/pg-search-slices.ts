// How long Drover's PostgreSQL search statements run on a big queue: builds N waiting jobs (addBulk in
// batches) and some failed ones on a private PostgreSQL, then walks every slice of each search field and
// each rank-to-position hop, timing every statement. Prints the slowest and the median per kind.
// Run: node --import tsx bench/pg-search-slices.ts [jobs=300000] [slice sizes=500,1000,2000]
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Queue, Worker, createPostgresBackend } from 'bullmq';
import { startTestPostgres } from '../tests/helpers/postgres';
import { countAfterSql, hopSql, walkSliceSql } from '../lib/store/postgres/search-sql';
import type { JobState } from '../lib/jobs/job-states';
import type { JobMatcher } from '../lib/store/search-store';

const JOBS = Number(process.argv[2] ?? 300_000);
const SLICES = (process.argv[3] ?? '500,1000,2000').split(',').map(Number);
const FAILED = Math.min(30_000, Math.round(JOBS / 10));
const HOP = 10_000;

async function main() {
const server = await startTestPostgres();
const connection = { connectionString: server.url, migrate: true };
const queue = new Queue('big', { connection }, createPostgresBackend) as unknown as Queue;
let t = performance.now();
for (let i = 0; i < JOBS; i += 5000) {
  await queue.addBulk(Array.from({ length: Math.min(5000, JOBS - i) }, (_, k) => ({
    name: `send-${(i + k) % 7}`,
    data: { to: `user${i + k}@example.com`, order: i + k, items: [{ sku: 'A-1', qty: 2 }, { sku: 'B-2', qty: 1 }], note: 'Lorem ipsum dolor sit amet' },
  })));
}
console.log(`added ${JOBS} waiting jobs in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const failing = new Queue('bigfail', { connection }, createPostgresBackend) as unknown as Queue;
for (let i = 0; i < FAILED; i += 5000) {
  await failing.addBulk(Array.from({ length: Math.min(5000, FAILED - i) }, (_, k) => ({ name: 'charge', data: { order: i + k, amount: 1234 } })));
}
t = performance.now();
let failed = 0;
const worker = new Worker('bigfail', async (job) => { await job.log(`trying order ${job.data.order}`); throw new Error(`card declined for order ${job.data.order}`); }, { connection, concurrency: 100 }, createPostgresBackend) as unknown as Worker;
worker.on('failed', () => failed++);
while (failed < FAILED) await new Promise((r) => setTimeout(r, 500));
await worker.close();
console.log(`failed ${FAILED} jobs in ${((performance.now() - t) / 1000).toFixed(1)} s`);

const pool = new pg.Pool({ connectionString: server.url, max: 1, options: '-c search_path=bullmq' });
await pool.query('VACUUM ANALYZE bullmq.job');
await pool.query('VACUUM ANALYZE bullmq.job_log');

type Timing = { kind: string; ms: number[] };
const timings: Timing[] = [];
async function timed(kind: string, text: string, values: unknown[]) {
  let timing = timings.find((x) => x.kind === kind);
  if (!timing) timings.push((timing = { kind, ms: [] }));
  const start = performance.now();
  const res = await pool.query(text, values);
  timing.ms.push(performance.now() - start);
  return res.rows as Array<Record<string, string>>;
}

async function walk(q: string, state: JobState, field: JobMatcher['field'], needle: string, SLICE: number) {
  const keys = state === 'failed' ? 2 : 1;
  let position: string[] | null = null;
  let hits = 0;
  for (;;) {
    const rows = await timed(`${state} ${field} (${SLICE} jobs/slice)`, walkSliceSql(state, 'desc', field, position !== null), [q, SLICE, needle, ...(position ?? [])]);
    hits += rows.filter((r) => r.hit).length;
    if (rows.length < SLICE) return hits;
    const last = rows[rows.length - 1];
    position = Array.from({ length: keys }, (_, i) => last[`k${i}`]);
  }
}

for (const slice of SLICES) {
  for (const field of ['any', 'data', 'name', 'name-exact'] as const) console.log(`waiting ${field}: ${await walk('big', 'waiting', field, field === 'name-exact' ? 'send-3' : 'nowhere-to-be-found', slice)} hits`);
  for (const field of ['any', 'failedReason', 'logs'] as const) console.log(`failed ${field}: ${await walk('bigfail', 'failed', field, 'order 12345', slice)} hits`);
}
// One count(*) over the whole state, for comparison: what the hop-wise count (the hops below) replaces.
for (let i = 0; i < 3; i++) await timed(`one count(*) of ${JOBS} waiting (not used)`, countAfterSql('waiting', false), ['big']);
for (const [q, state, keys] of [['big', 'waiting', 1], ['bigfail', 'failed', 2]] as const) {
  let position: string[] | null = null;
  for (;;) {
    const rows = await timed(`hop of ${HOP} in ${state}`, hopSql(state, 'desc', position !== null), [q, HOP, ...(position ?? [])]);
    if (!rows[0]) break;
    position = Array.from({ length: keys }, (_, k) => rows[0][`k${k}`]);
  }
}
console.log('\nstatement                                   n   median ms   p99 ms   max ms');
for (const { kind, ms } of timings) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(1);
  console.log(`${kind.padEnd(42)} ${String(ms.length).padStart(4)} ${at(0.5).padStart(10)} ${at(0.99).padStart(8)} ${at(1).padStart(8)}`);
}
await pool.end();
await queue.close();
await failing.close();
await server.stop();
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
