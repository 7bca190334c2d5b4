// `BENCH_STORE=postgres npm run bench`: the PostgreSQL rows. Starts a private PostgreSQL (with
// pg_stat_statements) and a private redis-server (the console connection: Drover keeps its users and
// tokens on Redis in this version), seeds the Redis seed's data set × BENCH_PG_SCALE through BullMQ's
// PostgreSQL backend, starts Drover's production build with connections "default" (Redis) and
// "postgres", and Bull Board over Queues built with createPostgresBackend on the same database, then
// measures the reads, the search and retry-all. Writes bench/results/postgres.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startPostgresServer } from '../../lib/embedded/postgres-server.mjs';
import { startRedisServer } from '../../lib/embedded/redis-server.mjs';
import { root } from './build';
import { HttpClient } from './http';
import { PG_QUERY, measurePgQuery, measurePgReads, measurePgRetryAll, measurePgSearch, type PgBenchContext } from './phase-postgres';
import { cleanupAll, onCleanup } from './processes';
import { formatTable, judged, type Row } from './report';
import { ALL_QUEUES, BIG, SMALL_QUEUES, SMALL_WAITING } from './seed';
import { pgQueue, pgShape, seedPostgres } from './seed-postgres';
import { startBullBoard, startDrover, writeDroverConfig } from './servers';

const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const en = (n: number) => n.toLocaleString('en');

export async function runPostgres(opts: { log: (line: string) => void; elapsed: () => string; warmup: number }): Promise<void> {
  const { log, elapsed } = opts;
  const scale = num('BENCH_PG_SCALE', 1);
  if (!(scale > 0 && scale <= 1)) throw new Error(`BENCH_PG_SCALE must be in (0, 1], got ${process.env.BENCH_PG_SCALE}`);
  const samples = num('BENCH_PG_SAMPLES', num('BENCH_SAMPLES', 30));
  const retrySamples = num('BENCH_PG_RETRY_SAMPLES', 3);
  const retryWarmup = num('BENCH_PG_RETRY_WARMUP', 1);
  const searchSamples = num('BENCH_PG_SEARCH_SAMPLES', 10);
  const loadAtStart = os.loadavg().map((l) => l.toFixed(2));

  // PostgreSQL runs as the user postgres when we are root: its directory must be reachable by it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-bench-pg-'));
  fs.chmodSync(dir, 0o777);
  onCleanup(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const redisServer = await startRedisServer({ dir: path.join(dir, 'redis') });
  onCleanup(() => redisServer.stop());
  const pgServer = await startPostgresServer({
    dir: path.join(dir, 'pg'),
    extraArgs: ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.max=10000'],
    log: (line: string) => log(`  ${line}`),
  });
  onCleanup(() => pgServer.stop());
  const pool = new pg.Pool({ connectionString: pgServer.url, max: 3, application_name: 'bench' });
  pool.on('error', () => {});
  onCleanup(() => pool.end().catch(() => {}));
  await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const pgVersion = (await pool.query<{ v: string }>(`SELECT split_part(current_setting('server_version'), ' ', 1) AS v`)).rows[0].v;
  log(`PostgreSQL ${pgVersion} on ${pgServer.url.replace(/\/\/[^@]*@/, '//')} (pg_stat_statements), console redis-server on ${redisServer.url}`);

  const shape = pgShape(scale);
  log(
    `seeding PostgreSQL "${BIG}" (${en(shape.completed)} completed, ${en(shape.failed)} failed, ${en(shape.waiting)} waiting, ${en(shape.delayed)} delayed${scale < 1 ? `; BENCH_PG_SCALE ${scale}` : ''}) ` +
      `and ${SMALL_QUEUES.length} queues × ${SMALL_WAITING} waiting…`,
  );
  const seeded = await seedPostgres(pgServer.url, shape, log);
  const size = (await pool.query<{ s: string }>(`SELECT pg_size_pretty(pg_database_size(current_database())) AS s`)).rows[0].s;
  log(`seeded in ${seeded.seconds.toFixed(1)} s (processing ${seeded.jobsPerSecond.toFixed(0)} jobs/s; database ${size})`);
  await pool.query('ANALYZE');

  const configFile = writeDroverConfig(dir, redisServer.url, pgServer.url);
  process.env.DROVER_CONFIG = configFile;
  const { createApiToken } = await import('@/lib/auth/api-tokens');
  const { closeAllConnections } = await import('@/lib/redis/connections');
  const { token } = await createApiToken({ name: 'bench', role: 'operator', createdBy: 'bench' });
  await closeAllConnections();

  log('starting Drover (scripts/server.mjs) with connections "default" (Redis) and "postgres", and Bull Board on the same PostgreSQL…');
  const [drover, peer] = await Promise.all([startDrover(dir, configFile), startBullBoard(dir, pgServer.url, ALL_QUEUES)]);
  log(`Drover on ${drover.base} (pid ${drover.process.pid}), Bull Board on ${peer.base} (pid ${peer.process.pid})`);
  const auth = { Authorization: `Bearer ${token}` };
  const big = pgQueue(pgServer.url, BIG);
  onCleanup(() => big.close().catch(() => {}));
  const ctx: PgBenchContext = { pool, big, shape, drover: new HttpClient(drover.base, auth), droverHeaders: auth, peer: new HttpClient(peer.base), warmup: opts.warmup, log };

  // A phase that fails becomes a "not measured" row with the reason, so one failure keeps the others.
  const rows: Row[] = [];
  const phase = async (name: string, target: number | null, run: () => Promise<Row | Row[]>) => {
    try {
      const r = await run();
      rows.push(...(Array.isArray(r) ? r : [r]));
    } catch (err) {
      const message = (err as Error).message;
      log(`  ${name} failed: ${message}`);
      rows.push({ operation: name, drover_p50_ms: null, drover_p95_ms: null, peer_p50_ms: null, peer_p95_ms: null, ratio: 0, target, not_measured: `failed: ${message.slice(0, 200)}` });
    }
  };
  await phase('PostgreSQL reads', 0.5, () => measurePgReads(ctx, samples));
  // The search reads completed jobs only; retry-all (which puts the failed rows back) comes last.
  await phase(`PostgreSQL search ${en(shape.completed)} completed jobs' data: full scan (Drover only)`, 1500, () => measurePgSearch(ctx, searchSamples));
  // Before retry-all, which moves the failed jobs the query reads.
  await phase(`PostgreSQL query "${PG_QUERY}": full scan (Drover only)`, 3000, () => measurePgQuery(ctx, searchSamples));
  await phase(`PostgreSQL retry all ${en(shape.failed)} failed jobs`, 0.5, () => measurePgRetryAll(ctx, retrySamples, retryWarmup));
  const loadAtEnd = os.loadavg().map((l) => l.toFixed(2));
  await cleanupAll();

  const judgedRows = rows.map(judged);
  const outFile = path.join(root, 'bench', 'results', 'postgres.json');
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const meta = {
    store: 'postgres',
    postgres: pgVersion,
    cpus: os.cpus().length,
    node: process.version,
    load_average_start: loadAtStart,
    load_average_end: loadAtEnd,
    scale,
    shape: { ...shape, small_queues: SMALL_QUEUES.length, small_waiting: SMALL_WAITING },
    seeding: { seconds: round1(seeded.seconds), add_seconds: round1(seeded.addSeconds), process_seconds: round1(seeded.processSeconds), jobs_per_second: Math.round(seeded.jobsPerSecond) },
  };
  fs.writeFileSync(outFile, `${JSON.stringify({ ...meta, rows: judgedRows }, null, 2)}\n`);
  const missed = judgedRows.filter((r) => r.met === false);
  const notMeasured = judgedRows.filter((r) => r.not_measured);
  console.log(
    [
      '',
      `Drover vs Bull Board on PostgreSQL ${pgVersion} (BullMQ's PostgreSQL backend) — ${os.cpus().length} CPUs, Node ${process.version}; ` +
        `load average ${loadAtStart.join(' ')} at the start, ${loadAtEnd.join(' ')} at the end`,
      `Data set: ${scale < 1 ? `the Redis seed × ${scale} (BENCH_PG_SCALE)` : 'the Redis seed\'s shape, full size'}: "${BIG}" ${en(shape.completed)} completed, ${en(shape.failed)} failed, ` +
        `${en(shape.waiting)} waiting, ${en(shape.delayed)} delayed; ${SMALL_QUEUES.length} queues × ${SMALL_WAITING} waiting.`,
      `Seeding took ${seeded.seconds.toFixed(0)} s (${seeded.processSeconds.toFixed(0)} s to add and process ${en(shape.processed)} jobs through Workers, ${seeded.jobsPerSecond.toFixed(0)} jobs/s).`,
      formatTable(judgedRows),
      '',
      missed.length ? `Targets missed: ${missed.map((r) => `${r.operation} (${r.ratio}${r.unit === 'ratio' ? '×' : ` ${r.unit}`})`).join('; ')}.` : 'No measured target missed.',
      ...(notMeasured.length ? [`Not measured: ${notMeasured.map((r) => `${r.operation}: ${r.not_measured}`).join('; ')}.`] : []),
      `Wrote ${path.relative(process.cwd(), outFile)}. Total run time ${elapsed()}.`,
    ].join('\n'),
  );
}

const round1 = (v: number) => Number(v.toFixed(1));
