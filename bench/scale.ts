// `npm run bench:scale`: how each page's cost grows. Grows one dimension at a time — queues, jobs in
// one queue, payload size, live clients, console replicas — on a private redis-server and on a private
// PostgreSQL (BullMQ's PostgreSQL backend), Drover and Bull Board side by side in the same run
// (interleaved), and writes bench/results/scale.json and bench/results/scale.html (self-contained: one
// chart per dimension and metric, both servers on the same axes; the targets as rows).
//
//   npm run bench:scale                    # both stores at the default sizes (about 20 minutes on 2 cores)
//   npm run bench:scale -- --quick         # tiny sizes, a minute or two (npm test runs it)
//   npm run bench:scale -- --store=redis   # one store; --only=queues,jobs to pick dimensions
//   npm run bench:scale -- --out=<dir>     # where scale.json / scale.html go (default bench/results)
//
// Each store runs in its own process (lib/'s connection registry and config are per process); the
// parent runs the worker-throughput comparison, merges both stores' curves, judges the targets and
// writes the report. Every process a run starts is stopped at the end, on failure and on Ctrl-C.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuild, root } from './lib/build';
import { HttpClient } from './lib/http';
import { cleanupAll, installSignalHandlers, onCleanup, wasInterrupted } from './lib/processes';
import { startDrover, type Server } from './lib/servers';
import { clientsDimension, jobsDimension, payloadDimension, queuesDimension, replicasDimension, type DimContext, type Sizes } from './scale/dimensions';
import { judgeTargets } from './scale/targets';
import { renderReport } from './scale/report-html';
import type { Curve, ScaleResult, ScaleStore } from './scale/types';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const QUICK = flag('quick');
const STORE = option('store') ?? process.env.BENCH_SCALE_STORE ?? 'both';
const PART = option('part');
const ONLY = (option('only') ?? process.env.BENCH_SCALE_ONLY)?.split(',').filter(Boolean);
const OUT = path.resolve(option('out') ?? path.join(root, 'bench', 'results'));
const PROFILE = !QUICK && !flag('no-profile');
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const list = (name: string, fallback: number[]) => (process.env[name] ? process.env[name]!.split(',').map(Number) : fallback);

const SIZES: Sizes = QUICK
  ? { queues: [5, 20], jobs: [1_000, 5_000], payload: [1024, 100 * 1024], clients: [2, 10], replicas: [1, 2] }
  : {
      queues: list('BENCH_SCALE_QUEUES', [50, 500, 2000]),
      jobs: list('BENCH_SCALE_JOBS', [100_000, 1_000_000, 3_000_000]),
      payload: list('BENCH_SCALE_PAYLOAD', [1024, 100 * 1024, 2 * 1024 * 1024]),
      clients: list('BENCH_SCALE_CLIENTS', [10, 200, 1000]),
      replicas: list('BENCH_SCALE_REPLICAS', [1, 3]),
    };
/** PostgreSQL's job sizes may be set apart (seeding and counting there cost more). */
const PG_JOBS = QUICK ? SIZES.jobs : list('BENCH_SCALE_PG_JOBS', SIZES.jobs);
const SAMPLES = num('BENCH_SCALE_SAMPLES', QUICK ? 3 : 25);
/** At the biggest size of a dimension (the slowest calls), fewer samples: stated in the report. */
const SAMPLES_BIGGEST = num('BENCH_SCALE_SAMPLES_BIGGEST', QUICK ? 3 : 12);
const WARMUP = QUICK ? 1 : 2;
const DIMENSIONS = ['queues', 'payload', 'clients', 'jobs', 'replicas'] as const;

const runStarted = performance.now();
const elapsed = () => `${((performance.now() - runStarted) / 1000).toFixed(0)}s`;
const tag = PART ? `scale:${STORE}` : 'scale';
const log = (line: string) => console.error(`[${tag} ${elapsed().padStart(4)}] ${line}`);

type Part = { store: 'redis' | 'postgres'; label: string; curves: Curve[]; notes: string[]; profiles: Record<string, string>; seconds: number };

/** One store, in this process: start it, start Drover on it, run the dimensions, write the part file. */
async function runStore(kind: 'redis' | 'postgres', partFile: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `drover-scale-${kind}-`));
  fs.chmodSync(dir, 0o777); // PostgreSQL runs as the user postgres when we are root
  onCleanup(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const store: ScaleStore =
    kind === 'redis'
      ? await (await import('./scale/store-redis')).startRedisStore(dir, log)
      : await (await import('./scale/store-postgres')).startPostgresStore(dir, log);
  onCleanup(() => store.stop());
  log(`${store.label}: store up; Drover's data on connection "${store.connection}"`);

  // An operator token, written by this checkout's lib/ into the console store.
  process.env.DROVER_CONFIG = store.configFile;
  const { createApiToken } = await import('@/lib/auth/api-tokens');
  const { closeAllConnections } = await import('@/lib/redis/connections');
  const { token } = await createApiToken({ name: 'bench-scale', role: 'operator', createdBy: 'bench' });
  await closeAllConnections();
  const auth = { Authorization: `Bearer ${token}` };

  // Live streams for the clients dimension: above the default caps, as in `npm run bench`.
  const maxClients = String(Math.max(...SIZES.clients) + 50);
  const droverEnv = { DROVER_SSE_MAX_STREAMS_PER_USER: maxClients, DROVER_SSE_MAX_STREAMS: maxClients };
  let drover: Server = await startDrover(dir, store.configFile, { env: droverEnv });
  const profiles: Record<string, string> = {};
  const notes: string[] = [];
  const ctx: DimContext = {
    store,
    dir,
    drover,
    droverClient: new HttpClient(drover.base, auth),
    auth,
    log,
    warmup: WARMUP,
    samples: (_dimension, index, count) => (index === count - 1 && count > 1 ? SAMPLES_BIGGEST : SAMPLES),
    profile: PROFILE
      ? async (name, urlPath) => {
          log(`  profiling Drover serving ${name} (node --cpu-prof, 300 calls)…`);
          const profDir = path.join(dir, `prof-${Object.keys(profiles).length}`);
          fs.mkdirSync(profDir, { recursive: true });
          const spawned = performance.now();
          const profiled = await startDrover(dir, store.configFile, { env: droverEnv, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`], name: 'drover-profiled' });
          const client = new HttpClient(profiled.base, auth);
          for (let i = 0; i < 20; i++) await client.get(urlPath);
          const t = performance.now();
          // The window of the measured calls (the profile starts with the process: start-up left out).
          const fromMs = t - spawned;
          for (let i = 0; i < 300; i++) await client.get(urlPath);
          const perCall = (performance.now() - t) / 300;
          const toMs = performance.now() - spawned;
          await profiled.process.stop();
          const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
          if (!file) {
            profiles[`${kind}: ${name}`] = `no profile was written (${profDir} is empty)`;
            return;
          }
          const { summarizeCpuProfile } = await import('./scale/profile');
          const summary = summarizeCpuProfile(path.join(profDir, file), 15, { root, fromMs, toMs });
          profiles[`${kind}: ${name}`] = `${kind}: ${perCall.toFixed(2)} ms per call under the profiler (300 sequential calls of ${urlPath.replace(/\/jobs\/\d+$/, '/jobs/<id>')}).\n${summary.text}`;
        }
      : undefined,
  };
  log(`Drover on ${drover.base} (pid ${drover.process.pid})`);
  const curves: Curve[] = [];
  const sizes = { ...SIZES, jobs: kind === 'postgres' ? PG_JOBS : SIZES.jobs };
  for (const dimension of DIMENSIONS) {
    if (ONLY && !ONLY.includes(dimension)) continue;
    const started = performance.now();
    log(`${dimension}: ${sizes[dimension].map((n) => n.toLocaleString('en')).join(' → ')}`);
    try {
      if (dimension === 'queues') curves.push(...(await queuesDimension(ctx, sizes.queues)));
      if (dimension === 'payload') curves.push(...(await payloadDimension(ctx, sizes.payload)));
      if (dimension === 'clients') curves.push(...(await clientsDimension(ctx, sizes.clients, { updates: QUICK ? 2 : 10, peerIntervalMs: 5000, windowMs: QUICK ? 1000 : 5000 })));
      if (dimension === 'jobs') {
        curves.push(...(await jobsDimension(ctx, sizes.jobs)));
        await store.reset();
      }
      if (dimension === 'replicas') {
        // The run's own console stops first: the replicas start with a 1 s sampling interval and the
        // sampler's lock must be free (a stopping console releases it; wait for that).
        await drover.process.stop();
        const waited = performance.now();
        await waitForSamplerLockFree(store);
        log(`  the sampler's lock was free ${((performance.now() - waited) / 1000).toFixed(1)} s after the run's console stopped`);
        curves.push(...(await replicasDimension(ctx, sizes.replicas, store.configFile, droverEnv)));
        drover = await startDrover(dir, store.configFile, { env: droverEnv });
        ctx.drover = drover;
        ctx.droverClient = new HttpClient(drover.base, auth);
      }
    } catch (err) {
      const message = (err as Error).stack ?? (err as Error).message;
      log(`${dimension} FAILED: ${message}`);
      notes.push(`${kind} ${dimension}: not measured — ${(err as Error).message.slice(0, 300)}`);
    }
    log(`${dimension}: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const part: Part = { store: kind, label: store.label, curves, notes, profiles, seconds: (performance.now() - runStarted) / 1000 };
  fs.writeFileSync(partFile, JSON.stringify(part));
}

async function waitForSamplerLockFree(store: ScaleStore): Promise<void> {
  const { default: IORedis } = await import('ioredis');
  const config = JSON.parse(fs.readFileSync(store.configFile, 'utf8')) as { connections: Array<{ name: string; url: string }>; consoleConnection: string };
  const redis = new IORedis(config.connections.find((c) => c.name === config.consoleConnection)!.url, { maxRetriesPerRequest: null, connectionName: 'bench-scale-lock' });
  try {
    const deadline = Date.now() + 60_000;
    while ((await redis.exists('drover:{console}:metrics:sampler-lock')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  } finally {
    redis.disconnect();
  }
}

function runChild(kind: 'redis' | 'postgres', partFile: string): Promise<number> {
  return new Promise((resolve) => {
    const args = [...process.execArgv, process.argv[1], ...argv.filter((a) => !a.startsWith('--store=') && !a.startsWith('--part=')), `--store=${kind}`, `--part=${partFile}`];
    const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, DROVER_SKIP_BUILD: '1' } });
    onCleanup(async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  installSignalHandlers(log);
  if (PART) {
    if (STORE !== 'redis' && STORE !== 'postgres') throw new Error(`--part needs --store=redis or --store=postgres`);
    return runStore(STORE, PART);
  }
  if (!['redis', 'postgres', 'both'].includes(STORE)) throw new Error(`--store must be redis, postgres or both, not "${STORE}"`);
  const loadStart = os.loadavg();
  const startedAt = new Date();
  log(`${os.cpus().length} CPUs, Node ${process.version}, load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}${QUICK ? ' — QUICK run (tiny sizes)' : ''}`);
  const build = await ensureBuild(log);
  log(`production build: ${build.distDir}${build.built ? ` (built in ${build.seconds.toFixed(0)} s)` : ' (up to date or DROVER_SKIP_BUILD)'}`);

  // Worker throughput first, while nothing else of this run uses the CPUs.
  let throughput: Awaited<ReturnType<typeof import('./worker-throughput').measureWorkerThroughput>> | null = null;
  if (!ONLY || ONLY.includes('throughput')) {
    log('worker runtime vs raw BullMQ Worker (bench/worker-throughput.ts)…');
    const { measureWorkerThroughput } = await import('./worker-throughput');
    throughput = await measureWorkerThroughput({ ...(QUICK ? { jobs: 2000, rounds: 1 } : {}), log: (line) => log(`  ${line}`) });
  }

  const parts: Part[] = [];
  const notes: string[] = [];
  for (const kind of STORE === 'both' ? (['redis', 'postgres'] as const) : [STORE as 'redis' | 'postgres']) {
    const partFile = path.join(os.tmpdir(), `drover-scale-part-${process.pid}-${kind}.json`);
    onCleanup(async () => fs.rmSync(partFile, { force: true }));
    const code = await runChild(kind, partFile);
    if (wasInterrupted()) return;
    if (code !== 0 || !fs.existsSync(partFile)) {
      notes.push(`${kind}: the store's run failed (exit ${code}); see the log above.`);
      continue;
    }
    const part = JSON.parse(fs.readFileSync(partFile, 'utf8')) as Part;
    parts.push(part);
    notes.push(...part.notes);
  }
  const curves = parts.flatMap((p) => p.curves);
  const result: ScaleResult = {
    started: startedAt.toISOString(),
    finished: new Date().toISOString(),
    seconds: Math.round((performance.now() - runStarted) / 1000),
    quick: QUICK,
    machine: { cpus: os.cpus().length, node: process.version, load_start: loadStart.map((l) => Number(l.toFixed(2))), load_end: os.loadavg().map((l) => Number(l.toFixed(2))) },
    stores: parts.map((p) => ({ kind: p.store, label: p.label })),
    sizes: { ...SIZES, pg_jobs: PG_JOBS } as unknown as Record<string, number[]>,
    curves,
    targets: judgeTargets(curves, throughput),
    notes: [
      `Samples per side: ${SAMPLES} at each size, ${SAMPLES_BIGGEST} at the biggest size of a dimension (after ${WARMUP} warm-up calls per side).`,
      ...(throughput
        ? [
            `Worker throughput (no-op jobs, concurrency ${throughput.concurrency}, ${throughput.rounds} rounds): runtime ${throughput.runtimeMedian.toFixed(0)} jobs/s; ` +
              `raw Worker with the runtime's BullMQ options ${throughput.sameOptionsMedian.toFixed(0)} jobs/s (ratio ${throughput.ratio.toFixed(3)}); ` +
              `bare raw Worker ${throughput.bareMedian.toFixed(0)} jobs/s (ratio ${throughput.ratioBare.toFixed(3)}).`,
          ]
        : []),
      ...notes,
    ],
    profiles: Object.assign({}, ...parts.map((p) => p.profiles)),
  };
  fs.mkdirSync(OUT, { recursive: true });
  const jsonFile = path.join(OUT, 'scale.json');
  const htmlFile = path.join(OUT, 'scale.html');
  fs.writeFileSync(jsonFile, `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(htmlFile, renderReport(result));
  const missed = result.targets.filter((t) => t.met === false);
  console.log(
    [
      '',
      `Drover vs Bull Board as the work grows — ${result.machine.cpus} CPUs, Node ${result.machine.node}, ${result.stores.map((s) => s.label).join(' and ')}; ` +
        `load average ${result.machine.load_start.join(' ')} at the start, ${result.machine.load_end.join(' ')} at the end`,
      '',
      ...result.targets.map((t) => `${t.met === null ? '  —  ' : t.met ? ' met ' : 'MISSED'}  ${t.store.padEnd(8)} ${t.target}: ${t.measured} (target ${t.threshold})`),
      '',
      ...result.notes.map((n) => `note: ${n}`),
      missed.length ? `${missed.length} target(s) missed.` : 'Every measured target met.',
      `Wrote ${path.relative(process.cwd(), jsonFile)} and ${path.relative(process.cwd(), htmlFile)} (open it in a browser). Total run time ${elapsed()}.`,
    ].join('\n'),
  );
  if (parts.length === 0) process.exitCode = 1;
}

main()
  .catch((err: Error) => {
    if (!wasInterrupted()) log(`bench:scale failed: ${err.stack ?? err.message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanupAll();
    process.exit(process.exitCode ?? 0);
  });
