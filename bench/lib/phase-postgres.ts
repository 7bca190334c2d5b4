// The PostgreSQL rows (BENCH_STORE=postgres|both): Drover's connection "postgres" against Bull Board's
// BullMQAdapter over Queues built with BullMQ's PostgreSQL backend, on the same PostgreSQL and data
// (./seed-postgres.ts). Reads, retry-all and the whole-queue search, judged like the Redis rows.
import pg from 'pg';
import type { Queue } from 'bullmq';
import { measureRetryAllAb } from './retry-ab';
import { searchToEnd } from './phase-search';
import { scanQuery } from './phase-query';
import { measureAb } from './ab';
import { droverOnlyRow, round } from './context';
import type { HttpClient } from './http';
import { abRow } from './phase-reads';
import type { Row } from './report';
import { ALL_QUEUES, BIG, NEEDLE } from './seed';
import type { PgShape } from './seed-postgres';
import { percentile, summarize } from './stats';

export const PG_CONN = 'postgres';
export const PG_QUEUE = `/api/v1/connections/${PG_CONN}/queues/${BIG}`;
const en = (n: number) => n.toLocaleString('en');

export type PgBenchContext = {
  /** the benchmark's own pool (superuser drover): checks, the retry restore, pg_stat_statements */
  pool: pg.Pool;
  /** `big` through BullMQ's PostgreSQL backend, for the expected answers */
  big: Queue;
  shape: PgShape;
  drover: HttpClient;
  /** the bearer token header of `drover`, for the one un-thrown probe of the search */
  droverHeaders: Record<string, string>;
  peer: HttpClient;
  warmup: number;
  log: (line: string) => void;
};

type DroverPage = { jobs: Array<{ id: string }> };
type PeerQueues = { queues: Array<{ name: string; jobs: Array<{ id: string }> }> };
type DroverOverview = { connections: Array<{ name: string; queues: unknown[] }> };

/** Overview, failed page, a deep page, one job's detail: A/B, both sides checked against BullMQ's own answer first. */
export async function measurePgReads(ctx: PgBenchContext, samples: number): Promise<Row[]> {
  const { big, shape, drover: d, peer: p, log } = ctx;
  const Q = PG_QUEUE;
  // The same position as the Redis rows' page 20,000 (offset 199,990 of 270,000 completed), scaled.
  const page = Math.max(1, Math.round(20_000 * shape.scale));
  const ids = async (state: string, start: number) => (await big.getJobs([state as 'completed'], start, start + 9)).map((j) => String(j.id));
  const completedIds = await ids('completed', (page - 1) * 10);
  const failedIds = await ids('failed', 0);
  const detailId = completedIds[0];

  // Many jobs finish in the same millisecond: an order that differs only among equal finish times is
  // noted, not fatal (the rows still measure the same request on both sides).
  const notes: string[] = [];
  const expectIds = (who: string, got: string[], want: string[]) => {
    if (got.join() === want.join()) return;
    const same = got.length === want.length && got.every((id) => want.includes(id));
    const line = `${who} returned ${same ? 'the same jobs in another order' : 'other jobs'} than BullMQ's getJobs (${got.join(',')} vs ${want.join(',')})`;
    log(`  NOTE: ${line}`);
    notes.push(line);
  };
  const peerJobs = (body: PeerQueues) => body.queues.find((q) => q.name === BIG)!.jobs.map((j) => String(j.id));
  const overview = (await d.get<DroverOverview>('/api/v1/queues')).body.connections.find((c) => c.name === PG_CONN)?.queues.length;
  if (overview !== ALL_QUEUES.length) throw new Error(`Drover's overview lists ${overview} queues on connection "${PG_CONN}"`);
  const peerOverview = (await p.get<PeerQueues>('/api/queues')).body.queues;
  if (peerOverview.length !== ALL_QUEUES.length || peerOverview.some((q) => q.jobs.length)) throw new Error(`Bull Board's overview is not ${ALL_QUEUES.length} queues without jobs`);
  expectIds('Drover failed page', (await d.get<DroverPage>(`${Q}/jobs?state=failed&page=1&size=10`)).body.jobs.map((j) => j.id), failedIds);
  expectIds('Bull Board failed page', peerJobs((await p.get<PeerQueues>(`/api/queues?activeQueue=${BIG}&status=failed&page=1&jobsPerPage=10`)).body), failedIds);
  expectIds(`Drover page ${en(page)}`, (await d.get<DroverPage>(`${Q}/jobs?state=completed&page=${page}&size=10`)).body.jobs.map((j) => j.id), completedIds);
  expectIds(`Bull Board page ${en(page)}`, peerJobs((await p.get<PeerQueues>(`/api/queues?activeQueue=${BIG}&status=completed&page=${page}&jobsPerPage=10`)).body), completedIds);
  const droverDetail = String((await d.get<{ id: string }>(`${Q}/jobs/${detailId}`)).body.id);
  const peerDetail = String((await p.get<{ job: { id: string } }>(`/api/queues/${BIG}/${detailId}`)).body.job.id);
  if (droverDetail !== detailId || peerDetail !== detailId) throw new Error(`job detail: Drover ${droverDetail}, Bull Board ${peerDetail}, expected ${detailId}`);

  const reads = [
    {
      operation: `PostgreSQL overview: all ${ALL_QUEUES.length} queues with counts`,
      drover: '/api/v1/queues',
      peer: '/api/queues',
      note: 'Drover\'s overview also lists the console\'s Redis connection "default" (no queues)',
    },
    { operation: `PostgreSQL failed jobs of "${BIG}", first page (10 rows)`, drover: `${Q}/jobs?state=failed&page=1&size=10`, peer: `/api/queues?activeQueue=${BIG}&status=failed&page=1&jobsPerPage=10` },
    {
      operation: `PostgreSQL completed jobs, page ${en(page)} (10 rows)`,
      drover: `${Q}/jobs?state=completed&page=${page}&size=10`,
      peer: `/api/queues?activeQueue=${BIG}&status=completed&page=${page}&jobsPerPage=10`,
    },
    { operation: 'PostgreSQL one job detail', drover: `${Q}/jobs/${detailId}`, peer: `/api/queues/${BIG}/${detailId}` },
  ];
  log(`PostgreSQL read operations (A/B interleaved, ${ctx.warmup} warm-up + ${samples} samples each)…`);
  const rows: Row[] = [];
  for (const op of reads) {
    const sizes = { drover: (await d.get(op.drover)).bytes, peer: (await p.get(op.peer)).bytes };
    await ctx.pool.query('SELECT pg_stat_statements_reset()');
    const r = await measureAb(
      op.operation,
      { drover: { run: async () => (await d.get(op.drover)).ms }, peer: { run: async () => (await p.get(op.peer)).ms } },
      { warmup: ctx.warmup, samples, log },
    );
    const where = await statementsNote(ctx.pool, r.drover.n + r.peer.n + 2 * ctx.warmup);
    log(`    ${where}`);
    const rowNotes = [where, op.note, ...notes.filter((n) => (op.drover.includes('failed') ? n.includes('failed page') : op.drover.includes('completed') ? n.includes('page ') && !n.includes('failed') : false))].filter(Boolean);
    rows.push({ ...abRow(op.operation, r, 0.5), drover_response_bytes: sizes.drover, peer_response_bytes: sizes.peer, ...(rowNotes.length ? { notes: rowNotes.join('; ') } : {}) });
  }
  return rows;
}

/** Where PostgreSQL's time went during one A/B row (both sides and the console's background work). */
async function statementsNote(pool: pg.Pool, requests: number): Promise<string> {
  const { rows } = await pool.query<{ query: string; calls: string; total_exec_time: number; max_exec_time: number }>(
    `SELECT query, calls::text, total_exec_time, max_exec_time FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 4`,
  );
  const total = rows.reduce((a, b) => a + b.total_exec_time, 0);
  const oneLine = (q: string) => q.replace(/\s+/g, ' ').trim().slice(0, 90);
  return (
    `PostgreSQL statements over ${requests} requests (both sides, background included), the 4 costliest: ${total.toFixed(0)} ms in all; ` +
    rows.map((r) => `${r.total_exec_time.toFixed(0)} ms = ${r.calls} × (max ${r.max_exec_time.toFixed(1)} ms) ${oneLine(r.query)}…`).join(' | ')
  );
}

/**
 * Retry all failed jobs of `big`, A/B. Between samples the failed jobs' rows of BullMQ's `job` table
 * are put back from a copy taken before (an UPDATE of those rows from `bench_snapshot.failed_jobs`):
 * the PostgreSQL counterpart of the Redis rows' DUMP/RESTORE, for measurement only — seeding and both
 * sides' retries go through BullMQ.
 */
export async function measurePgRetryAll(ctx: PgBenchContext, samples: number, warmup: number): Promise<Row> {
  const { pool, big, shape, drover: d, peer: p, log } = ctx;
  log(`PostgreSQL retry all ${en(shape.failed)} failed (${warmup} warm-up + ${samples} samples each; copy of the failed rows first)…`);
  await pool.query('CREATE SCHEMA IF NOT EXISTS bench_snapshot');
  await pool.query('DROP TABLE IF EXISTS bench_snapshot.failed_jobs');
  await pool.query(`CREATE TABLE bench_snapshot.failed_jobs AS SELECT * FROM bullmq.job WHERE queue = $1 AND state = 'failed'`, [BIG]);
  const columns = (
    await pool.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'bullmq' AND table_name = 'job' AND column_name NOT IN ('queue', 'id') ORDER BY ordinal_position`,
    )
  ).rows.map((r) => `"${r.column_name}"`);
  const r = await measureRetryAllAb({
    name: `PostgreSQL retry all ${shape.failed} failed`,
    store: 'PostgreSQL',
    drover: d,
    peer: p,
    droverQueue: PG_QUEUE,
    peerQueue: BIG,
    expected: { failed: shape.failed, waiting: shape.waiting, completed: shape.completed },
    counts: async () => {
      const c = await big.getJobCounts('failed', 'waiting', 'completed');
      return { failed: c.failed, waiting: c.waiting, completed: c.completed };
    },
    putBack: async () => {
      await pool.query(
        `UPDATE bullmq.job j SET (${columns.join(', ')}) = (${columns.map((c) => `s.${c}`).join(', ')}) FROM bench_snapshot.failed_jobs s WHERE j.queue = s.queue AND j.id = s.id`,
      );
    },
    warmup,
    samples,
    log,
  });
  await pool.query('DROP SCHEMA bench_snapshot CASCADE');
  return {
    ...abRow(`PostgreSQL retry all ${en(shape.failed)} failed jobs`, r, 0.5),
    notes: `${warmup} warm-up + ${samples} samples per side; failed rows put back by an UPDATE from a copy between samples (measurement only)`,
  };
}

type StatementRow = { query: string; calls: string; max_exec_time: number; mean_exec_time: number; total_exec_time: number; rows: string };

/**
 * The whole-queue search over `big`'s completed jobs for the needle, through Drover's cursor API (Bull
 * Board has no search): first result, full scan, and the longest single statement PostgreSQL ran
 * meanwhile (pg_stat_statements' max_exec_time, reset right before the measured searches). Answers one
 * "not measured" row when Drover's search on a PostgreSQL connection answers 501.
 */
export async function measurePgSearch(ctx: PgBenchContext, samples: number): Promise<Row[]> {
  const { pool, shape, drover: d, log } = ctx;
  const label = `PostgreSQL search ${en(shape.completed)} completed jobs' data`;
  const url = (cursor: string | null) => `${PG_QUEUE}/search?q=${NEEDLE}&field=data&state=completed${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const probe = await fetch(d.base + url(null), { headers: ctx.droverHeaders });
  const probeText = await probe.text();
  if (probe.status === 501) {
    log(`  search on PostgreSQL answers 501 (${probeText.slice(0, 160)}): not measured`);
    return [
      {
        ...droverOnlyRow({ operation: `${label}: full scan (Drover only)`, value: 0, unit: 'ms', target: 1500, notes: `Drover answered 501: ${probeText.slice(0, 200)}` }),
        not_measured: 'search on PostgreSQL not built in this commit',
      },
    ];
  }
  if (!probe.ok) throw new Error(`search on PostgreSQL answered ${probe.status}: ${probeText.slice(0, 300)}`);

  log(`${label} for "${NEEDLE}" (${ctx.warmup} warm-up + ${samples} samples, pg_stat_statements)…`);
  const searchOnce = () => searchToEnd(d, url, { matches: shape.needles.length, scanned: shape.completed, store: 'PostgreSQL' });
  for (let i = 0; i < ctx.warmup; i++) await searchOnce();

  await pool.query('SELECT pg_stat_statements_reset()');
  const searches: Array<{ first: number; full: number; requests: number }> = [];
  for (let i = 0; i < samples; i++) searches.push(await searchOnce());
  const { statements, over25 } = await longestStatements(pool);
  const longest = statements[0];
  const oneLine = (q: string) => q.replace(/\s+/g, ' ').trim().slice(0, 220);
  const first = summarize(searches.map((s) => s.first));
  const full = summarize(searches.map((s) => s.full));
  const requests = searches[0].requests;
  log(
    `  first result p50 ${first.p50.toFixed(0)} ms, full scan p50 ${full.p50.toFixed(0)} / p95 ${full.p95.toFixed(0)} ms (${requests} requests per search); ` +
      `longest statement ${longest ? `${longest.max_exec_time.toFixed(2)} ms (${longest.calls} calls, mean ${longest.mean_exec_time.toFixed(2)} ms): ${oneLine(longest.query)}` : '(none)'}`,
  );
  for (const s of statements.slice(1)) log(`    next: ${s.max_exec_time.toFixed(2)} ms max, ${s.calls} calls, mean ${s.mean_exec_time.toFixed(2)} ms: ${oneLine(s.query).slice(0, 140)}`);
  return [
    droverOnlyRow({
      operation: `${label}: time to first result (Drover only)`,
      summary: first,
      value: round(first.p50),
      unit: 'ms',
      target: null,
      notes: `${shape.needles.length} matching jobs spread over the completed set`,
    }),
    droverOnlyRow({
      operation: `${label}: full scan (Drover only)`,
      summary: full,
      value: round(full.p50),
      unit: 'ms',
      target: 1500,
      notes: `${requests} HTTP requests per search (cursor loop); full-scan p99 of ${samples}: ${percentile(searches.map((s) => s.full), 99).toFixed(0)} ms`,
    }),
    droverOnlyRow({
      operation: 'PostgreSQL search: longest single statement during the searches (pg_stat_statements)',
      value: longest ? round(longest.max_exec_time, 3) : 0,
      unit: 'ms',
      target: 25,
      notes: longest
        ? `${oneLine(longest.query)} (${longest.calls} calls, mean ${longest.mean_exec_time.toFixed(2)} ms); statements with a max ≥ 25 ms: ${over25} (target: none). ` +
          `Every statement PostgreSQL ran during the ${samples} searches counts (the console's background work too); the next longest: ` +
          statements
            .slice(1)
            .map((s) => `${s.max_exec_time.toFixed(1)} ms max / ${s.mean_exec_time.toFixed(2)} ms mean × ${s.calls}: ${oneLine(s.query).slice(0, 120)}…`)
            .join(' | ')
        : 'no statement recorded',
    }),
  ];
}

/**
 * The statements PostgreSQL ran since the last pg_stat_statements_reset(), longest first, and how many
 * reached 25 ms. Only the console's (application_name is not recorded; the bench's checks are excluded by text).
 */
async function longestStatements(pool: pg.Pool, only = '%'): Promise<{ statements: StatementRow[]; over25: string }> {
  const statements = (
    await pool.query<StatementRow>(
      `SELECT query, calls::text, max_exec_time, mean_exec_time, total_exec_time, rows::text FROM pg_stat_statements
        WHERE query NOT ILIKE '%pg_stat_statements%' AND query ILIKE $1 ORDER BY max_exec_time DESC LIMIT 5`,
      [only],
    )
  ).rows;
  const over25 = (await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_stat_statements WHERE max_exec_time >= 25 AND query NOT ILIKE '%pg_stat_statements%' AND query ILIKE $1`, [only])).rows[0].n;
  return { statements, over25 };
}

/** The issue-16 query on `big`'s failed jobs: first page of 25, full scan, the longest statement meanwhile. */
export const PG_QUERY = 'state:failed error:~declined data.customer.country:JP';

export async function measurePgQuery(ctx: PgBenchContext, samples: number): Promise<Row[]> {
  const { pool, shape, drover: d, log } = ctx;
  // Failed jobs are the indexes i % 10 === 9; their country is JP when i % 4 === 3: i % 20 === 19.
  let expected = 0;
  for (let i = 19; i < shape.processed; i += 20) expected++;
  log(`PostgreSQL query "${PG_QUERY}" on ${en(shape.failed)} failed jobs (${ctx.warmup} warm-up + ${samples} samples, pg_stat_statements)…`);
  const once = async () => {
    const run = await scanQuery(d, PG_QUEUE, PG_QUERY);
    if (run.matches !== expected) throw new Error(`the PostgreSQL query found ${run.matches} jobs, expected ${expected}`);
    return run;
  };
  for (let i = 0; i < ctx.warmup; i++) await once();
  await pool.query('SELECT pg_stat_statements_reset()');
  const runs: Array<{ firstPage: number; full: number; requests: number }> = [];
  for (let i = 0; i < samples; i++) runs.push(await once());
  // The engine's own statements (each slice computes "AS hit"), apart from the console's background
  // work (the sampler's counts) that runs meanwhile and is reported beside them.
  const { statements, over25 } = await longestStatements(pool, '% AS hit%');
  const longest = statements[0];
  const { statements: all, over25: allOver25 } = await longestStatements(pool);
  const oneLine = (q: string) => q.replace(/\s+/g, ' ').trim().slice(0, 160);
  const first = summarize(runs.map((r) => r.firstPage));
  const full = summarize(runs.map((r) => r.full));
  log(`  first page p50 ${first.p50.toFixed(0)} ms, full scan p50 ${full.p50.toFixed(0)} ms (${runs[0].requests} requests); longest slice ${longest ? longest.max_exec_time.toFixed(2) : 0} ms (${over25} ≥ 25 ms); longest statement of any kind ${all[0] ? all[0].max_exec_time.toFixed(2) : 0} ms: ${all[0] ? oneLine(all[0].query).slice(0, 100) : ''}`);
  return [
    droverOnlyRow({ operation: `PostgreSQL query "${PG_QUERY}" on ${en(shape.failed)} failed jobs: first page of 25 (Drover only)`, summary: first, value: round(first.p50), unit: 'ms', target: 300, notes: `${en(expected)} matches` }),
    droverOnlyRow({ operation: `PostgreSQL query "${PG_QUERY}": full scan (Drover only)`, summary: full, value: round(full.p50), unit: 'ms', target: 3000, notes: `${runs[0].requests} HTTP requests per scan` }),
    droverOnlyRow({
      operation: 'PostgreSQL query: longest query-engine statement (a slice of 500) during the scans (pg_stat_statements)',
      value: longest ? round(longest.max_exec_time, 3) : 0,
      unit: 'ms',
      target: 25,
      notes: longest ? `${longest.calls} slices, mean ${longest.mean_exec_time.toFixed(2)} ms; slices with a max ≥ 25 ms: ${over25}` : 'no statement recorded',
    }),
    droverOnlyRow({
      operation: 'PostgreSQL query: longest statement of any kind during the scans, background work included (pg_stat_statements)',
      value: all[0] ? round(all[0].max_exec_time, 3) : 0,
      unit: 'ms',
      target: null,
      notes: all[0] ? `${oneLine(all[0].query)} (${all[0].calls} calls, mean ${all[0].mean_exec_time.toFixed(2)} ms); statements with a max ≥ 25 ms: ${allOver25}` : 'no statement recorded',
    }),
  ];
}
