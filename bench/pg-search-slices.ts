// How long Drover's PostgreSQL search statements run on a big queue: builds N waiting jobs (addBulk in
// batches) and some failed ones on a private PostgreSQL, then walks every slice of each search field and
// each rank-to-position hop, timing every statement. Prints the slowest and the median per kind.
// Run: node --import tsx bench/pg-search-slices.ts [jobs=300000] [slice sizes=500,1000,2000] [failed=min(30000, jobs/10)] [passes=1]
// Each failed-job search is also EXPLAIN ANALYZEd once on a slice from the middle of the state (the server's own time).
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Queue, Worker, createPostgresBackend } from 'bullmq';
import { startTestPostgres } from '../tests/helpers/postgres';
import { countAfterSql, hopSql, walkSlice } from '../lib/store/postgres/search-sql';
import type { JobState } from '../lib/jobs/job-states';
import type { JobPredicate, PredicateClause } from '../lib/jobs/query/ast';

const JOBS = Number(process.argv[2] ?? 300_000);
const SLICES = (process.argv[3] ?? '500,1000,2000').split(',').map(Number);
const FAILED = Number(process.argv[4] ?? Math.min(30_000, Math.round(JOBS / 10)));
const PASSES = Number(process.argv[5] ?? 1);
const PLANS = ['business', 'free', 'pro', 'team'];
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
  await failing.addBulk(Array.from({ length: Math.min(5000, FAILED - i) }, (_, k) => ({
    name: 'charge',
    data: { order: i + k, amount: 1234, user: { id: `u-${i + k}`, plan: PLANS[(i + k) % 4], email: `user${i + k}@example.com` }, items: [{ sku: 'A-1', qty: 2 }], note: 'Lorem ipsum dolor sit amet' },
  })));
}
t = performance.now();
let failed = 0;
const worker = new Worker('bigfail', async (job) => { await job.log(`trying order ${job.data.order}`); throw new Error(`card declined for order ${job.data.order}`); }, { connection, concurrency: 100 }, createPostgresBackend) as unknown as Worker;
worker.on('failed', () => failed++);
while (failed < FAILED) await new Promise((r) => setTimeout(r, 500));
await worker.close();
console.log(`failed ${FAILED} jobs in ${((performance.now() - t) / 1000).toFixed(1)} s`);

const pool = new pg.Pool({ connectionString: server.url, max: 1, options: '-c search_path=bullmq' });
// The server stopping at the end reaches the pool's idle client: not a failure of the bench.
pool.on('error', () => {});
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

async function walk(q: string, state: JobState, label: string, predicate: JobPredicate, SLICE: number) {
  let position: string[] | null = null;
  let hits = 0;
  for (;;) {
    const { text, values } = walkSlice(q, state, 'desc', SLICE, position, predicate);
    const rows = await timed(`${state} ${label} (${SLICE}/slice)`, text, values);
    hits += rows.filter((r) => r.hit).length;
    if (rows.length < SLICE) return hits;
    const last = rows[rows.length - 1];
    position = Object.keys(last).filter((k) => /^k\d$/.test(k)).map((k) => last[k]);
  }
}

const text = (field: 'error' | 'logs' | 'any', needle: string): PredicateClause => ({ kind: 'text', negate: false, field, needle });
const name = (op: 'eq' | 'contains', value: string): PredicateClause => ({ kind: 'name', negate: false, op, value });
const path = (dotted: string, op: 'eq' | 'gt' | 'contains', value: string | number): PredicateClause => ({ kind: 'path', negate: false, root: 'data', path: dotted === '' ? [] : dotted.split('.'), op, value });
const waitingSearches: Array<[string, JobPredicate]> = [
  ['any', [text('any', 'nowhere-to-be-found')]],
  ['data', [path('', 'contains', 'nowhere-to-be-found')]],
  ['name', [name('contains', 'nowhere-to-be-found')]],
  ['name-exact', [name('eq', 'send-3')]],
  ['data.items.0.sku:A-1', [path('items.0.sku', 'eq', 'A-1')]],
];
const [newest] = await pool.query<{ t: string }>(`SELECT max(finished_at_ms)::text AS t FROM bullmq.job WHERE queue = 'bigfail' AND state = 'failed'`).then((r) => r.rows);
const failedSearches: Array<[string, JobPredicate]> = [
  ['error:~"order 12345" data.user.plan:business', [text('error', 'order 12345'), path('user.plan', 'eq', 'business')]],
  ['error:~declined data.user.plan:business', [text('error', 'declined'), path('user.plan', 'eq', 'business')]],
  ['data.amount:>1000 data.user.email:~user9', [path('amount', 'gt', 1000), path('user.email', 'contains', 'user9')]],
  ['any (old)', [text('any', 'order 12345')]],
  ['error (old)', [text('error', 'order 12345')]],
  ['logs', [text('logs', 'order 12345')]],
  ['finished:last 1/10 s + error', [{ kind: 'time', negate: false, field: 'finished', min: Number(newest.t) - 100, max: null }, text('error', 'order 12345')]],
];
for (let pass = 0; pass < PASSES; pass++) {
  for (const slice of SLICES) {
    for (const [label, predicate] of JOBS > 0 ? waitingSearches : []) console.log(`waiting ${label}: ${await walk('big', 'waiting', label, predicate, slice)} hits`);
    for (const [label, predicate] of failedSearches) console.log(`failed ${label}: ${await walk('bigfail', 'failed', label, predicate, slice)} hits`);
  }
}
const [middle] = await pool
  .query<{ f: string; s: string }>(`SELECT finished_at_ms::text AS f, seq::text AS s FROM bullmq.job WHERE queue = 'bigfail' AND state = 'failed' ORDER BY finished_at_ms DESC, seq DESC OFFSET $1 LIMIT 1`, [Math.floor(FAILED / 2)])
  .then((r) => r.rows);
for (const [label, predicate] of middle ? failedSearches : []) {
  const { text, values } = walkSlice('bigfail', 'failed', 'desc', SLICES[0], [middle.f, middle.s], predicate);
  const plan = (await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values)).rows.map((r) => r['QUERY PLAN']);
  console.log(`\nEXPLAIN ANALYZE failed ${label}, one slice of ${SLICES[0]} from the middle:\n  ${plan.join('\n  ')}`);
}
// One count(*) over the whole state, for comparison: what the hop-wise count (the hops below) replaces.
for (let i = 0; i < (JOBS > 0 ? 3 : 0); i++) await timed(`one count(*) of ${JOBS} waiting (not used)`, countAfterSql('waiting', false), ['big']);
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
