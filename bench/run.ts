// `npm run bench`: Drover against Bull Board on one machine, in one run. Starts a private
// redis-server, seeds a fixed data set through BullMQ, starts Drover's production build and Bull
// Board on that Redis, measures each operation A/B interleaved and prints a table; the table is also
// written to bench/results/latest.json. Every process it starts is stopped on exit, failure or Ctrl-C.
// Env: NEXT_DIST_DIR (build dir, default .next), DROVER_SKIP_BUILD=1 (measure a stale build as is),
// BENCH_SAMPLES (30), BENCH_RETRY_SAMPLES (20), BENCH_SEARCH_SAMPLES (20), BENCH_LIVE_SAMPLES (30),
// BENCH_SSE_CLIENTS (200), BENCH_THROUGHPUT=off (skip the worker throughput row), BENCH_PAGE_SAMPLES (15),
// BENCH_PAGES=off (skip the browser page rows), BENCH_ONLY=pages (only the browser page rows), BENCH_ONLY=query (only the 1M-job query rows),
// BENCH_QUERY=off (skip the 1M-job query rows), BENCH_QUERY_SAMPLES (5), BENCH_QUERY_RETRY=off (skip the 100k bulk retry).
// BENCH_STORE=redis (default) | postgres (only the PostgreSQL rows, bench/lib/run-postgres.ts, written
// to bench/results/postgres.json; BENCH_PG_SCALE, BENCH_PG_SAMPLES, BENCH_PG_RETRY_SAMPLES,
// BENCH_PG_SEARCH_SAMPLES) | both (the Redis run, then the PostgreSQL run in a second process).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { startRedisServer } from '../lib/embedded/redis-server.mjs';
import { measureWorkerThroughput } from './worker-throughput';
import { ensureBuild, root } from './lib/build';
import { round, type BenchContext } from './lib/context';
import { HttpClient } from './lib/http';
import { measureLiveUpdates } from './lib/phase-live';
import { measurePages } from './lib/phase-pages';
import { measureReads } from './lib/phase-reads';
import { measureRetryAll } from './lib/phase-retry';
import { measureSearch } from './lib/phase-search';
import { MILLION, MILLION_PROCESSED, measureQuery, seedMillion } from './lib/phase-query';
import { runPostgres } from './lib/run-postgres';
import { cleanupAll, installSignalHandlers, wasInterrupted, onCleanup } from './lib/processes';
import { formatDetails, formatTable, judged, type Row } from './lib/report';
import { ALL_QUEUES, BIG, COMPLETED, DELAYED, FAILED, SMALL_QUEUES, SMALL_WAITING, WAITING, seed } from './lib/seed';
import { startBullBoard, startDrover, writeDroverConfig } from './lib/servers';

const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const SAMPLES = num('BENCH_SAMPLES', 30);
const RETRY_SAMPLES = num('BENCH_RETRY_SAMPLES', 20);
const SEARCH_SAMPLES = num('BENCH_SEARCH_SAMPLES', 20);
const LIVE_SAMPLES = num('BENCH_LIVE_SAMPLES', 30);
const SSE_CLIENTS = num('BENCH_SSE_CLIENTS', 200);
const PAGE_SAMPLES = num('BENCH_PAGE_SAMPLES', 15);
const QUERY_SAMPLES = num('BENCH_QUERY_SAMPLES', 5);
const ONLY_PAGES = process.env.BENCH_ONLY === 'pages';
const ONLY_QUERY = process.env.BENCH_ONLY === 'query';
/** The 1M-job query rows (issue 16) seed a second queue last; BENCH_QUERY=off skips them, BENCH_QUERY_RETRY=off the bulk retry row. */
const QUERY = ONLY_QUERY || process.env.BENCH_QUERY !== 'off';
const PAGES = !ONLY_QUERY && (ONLY_PAGES || process.env.BENCH_PAGES !== 'off');
const WARMUP = 3;
const STORE = process.env.BENCH_STORE || 'redis';

const runStarted = performance.now();
const elapsed = () => `${((performance.now() - runStarted) / 1000).toFixed(0)}s`;
const log = (line: string) => console.error(`[bench ${elapsed().padStart(4)}] ${line}`);
const en = (n: number) => n.toLocaleString('en');

/**
 * Two rows: the runtime against a raw BullMQ Worker run with the runtime's own BullMQ options (metrics
 * on, same concurrency: like for like, the 0.95 target), and against a bare raw Worker (information).
 */
async function workerThroughputRows(): Promise<Row[]> {
  log('worker runtime vs raw BullMQ Worker throughput (bench/worker-throughput.ts)…');
  const t = await measureWorkerThroughput({ log: (line) => log(`  ${line}`) });
  const size = `${t.jobs} no-op jobs per round, concurrency ${t.concurrency}, ${t.rounds} rounds each`;
  const common = { drover_p50_ms: null, drover_p95_ms: null, peer_p50_ms: null, peer_p95_ms: null, unit: 'ratio', higher_is_better: true, samples: { drover: t.rounds, peer: t.rounds } } as const;
  return [
    {
      ...common,
      operation: 'worker runtime / raw BullMQ Worker with the same options (metrics on) throughput (higher is better)',
      ratio: round(t.ratio, 3),
      target: 0.95,
      notes: `median jobs/s: runtime ${t.runtimeMedian.toFixed(0)}, raw same options ${t.sameOptionsMedian.toFixed(0)}; CPU µs/job node+redis: runtime ${t.cpu.runtime.node.toFixed(0)}+${t.cpu.runtime.redis.toFixed(0)}, raw ${t.cpu.sameOptions.node.toFixed(0)}+${t.cpu.sameOptions.redis.toFixed(0)} (${size})`,
    },
    {
      ...common,
      operation: 'worker runtime / bare raw BullMQ Worker (no metrics) throughput, for information',
      ratio: round(t.ratioBare, 3),
      target: null,
      notes: `median jobs/s: runtime ${t.runtimeMedian.toFixed(0)}, raw bare ${t.bareMedian.toFixed(0)}; CPU µs/job node+redis: raw bare ${t.cpu.bare.node.toFixed(0)}+${t.cpu.bare.redis.toFixed(0)} (${size})`,
    },
  ];
}

async function main(): Promise<void> {
  installSignalHandlers(log);
  const loadAtStart = os.loadavg().map((l) => l.toFixed(2));
  log(`${os.cpus().length} CPUs, Node ${process.version}, load average ${loadAtStart.join(' ')}`);

  const build = await ensureBuild(log);
  log(`production build: ${build.distDir}${build.built ? ` (built in ${build.seconds.toFixed(0)} s)` : process.env.DROVER_SKIP_BUILD ? ' (existing, DROVER_SKIP_BUILD)' : ' (up to date)'}`);
  if (!['redis', 'postgres', 'both'].includes(STORE)) throw new Error(`BENCH_STORE must be redis, postgres or both, not "${STORE}"`);
  if (STORE === 'postgres') return runPostgres({ log, elapsed, warmup: WARMUP });

  // Worker throughput first, while nothing else of this run uses the CPUs (it runs its own Redis).
  const throughput = process.env.BENCH_THROUGHPUT === 'off' || ONLY_PAGES || ONLY_QUERY ? null : await workerThroughputRows();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-bench-'));
  onCleanup(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const redisServer = await startRedisServer({ dir: path.join(dir, 'redis') });
  onCleanup(() => redisServer.stop());
  const redis = new IORedis(redisServer.url, { maxRetriesPerRequest: null, connectionName: 'bench' });
  onCleanup(async () => redis.disconnect());
  const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  log(`redis-server ${redisVersion} on ${redisServer.url}`);

  log(
    `seeding "${BIG}" (${en(COMPLETED)} completed, ${en(FAILED)} failed, ${en(WAITING)} waiting, ${en(DELAYED)} delayed) ` +
      `and ${SMALL_QUEUES.length} queues × ${SMALL_WAITING} waiting…`,
  );
  const seeded = await seed(redisServer.url, log);
  const memory = /used_memory_human:(\S+)/.exec(await redis.info('memory'))?.[1];
  log(`seeded in ${seeded.seconds.toFixed(1)} s (payload ${seeded.payloadBytes} bytes; Redis ${en(await redis.dbsize())} keys, ${memory})`);

  // A token for Drover's API, written by lib/ into the benchmark Redis (the console reads it there).
  const configFile = writeDroverConfig(dir, redisServer.url);
  process.env.DROVER_CONFIG = configFile;
  const { createApiToken } = await import('@/lib/auth/api-tokens');
  const { closeAllConnections } = await import('@/lib/redis/connections');
  const { token } = await createApiToken({ name: 'bench', role: 'operator', createdBy: 'bench' });
  // A user for the browser rows (pages need a session; the API rows use the token).
  const { createUser } = await import('@/lib/auth/users');
  const pageUser = { email: 'bench@bench.test', password: `bench-${Date.now()}-pages` };
  await createUser({ ...pageUser, role: 'viewer' });
  await closeAllConnections();

  log('starting Drover (scripts/server.mjs, as npm start serves it) and Bull Board…');
  const [drover, peer] = await Promise.all([startDrover(dir, configFile), startBullBoard(dir, redisServer.url, QUERY ? [...ALL_QUEUES, MILLION] : ALL_QUEUES)]);
  log(`Drover on ${drover.base} (pid ${drover.process.pid}), Bull Board on ${peer.base} (pid ${peer.process.pid})`);
  const auth = { Authorization: `Bearer ${token}` };
  const ctx: BenchContext = {
    redis,
    redisUrl: redisServer.url,
    redisPort: redisServer.port,
    drover: new HttpClient(drover.base, auth),
    droverPid: drover.process.pid,
    auth,
    peer: new HttpClient(peer.base),
    warmup: WARMUP,
    log,
    redisCpuMs: async () => {
      const info = await redis.info('cpu');
      const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
      return (value('used_cpu_user') + value('used_cpu_sys')) * 1000;
    },
  };
  // The token was written by this checkout's lib/; a build made from older sources may not read it.
  await ctx.drover.get('/api/v1/me').catch((err: Error) => {
    throw new Error(`Drover refused the benchmark's API token (${err.message}); is the build in ${build.distDir} older than the sources? Rebuild without DROVER_SKIP_BUILD.`);
  });

  const rows: Row[] = [];
  if (!ONLY_PAGES && !ONLY_QUERY) rows.push(...(await measureReads(ctx, SAMPLES)));
  // Pages before retry-all, which moves the 30,000 failed jobs the failed page shows.
  if (PAGES) rows.push(...(await measurePages({ ...ctx, droverBase: drover.base, peerBase: peer.base, user: pageUser }, PAGE_SAMPLES)));
  if (!ONLY_PAGES) {
    if (!ONLY_QUERY) {
      rows.push(await measureRetryAll(ctx, RETRY_SAMPLES));
      rows.push(...(await measureSearch(ctx, SEARCH_SAMPLES)));
      rows.push(...(await measureLiveUpdates(ctx, { queue: SMALL_QUEUES[SMALL_QUEUES.length - 1], samples: LIVE_SAMPLES, clients: SSE_CLIENTS })));
    }
    if (QUERY) {
      // Last: a million more jobs in Redis would change what every other row measures.
      log(`seeding "${MILLION}" (${en(MILLION_PROCESSED)} jobs through Workers: 900,000 completed, 100,000 failed)…`);
      const million = await seedMillion(redisServer.url, log);
      log(`  seeded in ${million.seconds.toFixed(0)} s (payload ${million.payloadBytes} bytes)`);
      rows.push(...(await measureQuery(ctx, QUERY_SAMPLES, { retry: process.env.BENCH_QUERY_RETRY !== 'off' })));
    }
  }
  if (throughput) rows.push(...throughput);
  await cleanupAll();

  const judgedRows = rows.map(judged);
  // A partial run (BENCH_ONLY) does not overwrite the full run's figures.
  const outFile = path.join(root, 'bench', 'results', ONLY_PAGES ? 'pages.json' : ONLY_QUERY ? 'query.json' : 'latest.json');
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(judgedRows, null, 2)}\n`);
  const missed = judgedRows.filter((r) => r.met === false);
  console.log(
    [
      '',
      `Drover vs Bull Board — ${os.cpus().length} CPUs, Node ${process.version}, Redis ${redisVersion}; load average ${loadAtStart.join(' ')} at the start, ` +
        `${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the end`,
      `Seeding took ${seeded.seconds.toFixed(0)} s (${seeded.processSeconds.toFixed(0)} s to add and process 300,000 jobs through Workers).`,
      formatTable(judgedRows),
      '',
      'Where the time goes (redis-server CPU per request, mean over the measured samples; decoded response size):',
      formatDetails(judgedRows),
      '',
      missed.length ? `Targets missed: ${missed.map((r) => r.operation).join('; ')}.` : 'All targets met.',
      `Wrote ${path.relative(process.cwd(), outFile)}. Total run time ${elapsed()}.`,
    ].join('\n'),
  );
  if (STORE === 'both') {
    // A second process: lib/'s connection registry and config are per process, and this run's are closed.
    log('BENCH_STORE=both: the PostgreSQL rows in a second process…');
    const r = spawnSync(process.execPath, process.execArgv.concat(process.argv.slice(1)), {
      stdio: 'inherit',
      env: { ...process.env, BENCH_STORE: 'postgres', DROVER_SKIP_BUILD: '1' },
    });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  }
}

main()
  .catch((err: Error) => {
    if (!wasInterrupted()) log(`benchmark failed: ${err.stack ?? err.message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanupAll();
    // Keep-alive sockets and timers must not hold the process open.
    process.exit(process.exitCode ?? 0);
  });
