// Throughput of the Drover worker runtime against a raw BullMQ Worker on no-op jobs, on one private
// redis-server, alternating rounds among three sides:
// - "same options": a raw BullMQ Worker given exactly the options the runtime gives its Workers
//   (droverWorkerOptions: metrics on, concurrency, worker name, lock and stalled settings, a connection
//   made like the runtime's). The target, runtime/same-options ≥ 0.95, is on this like-for-like ratio.
// - "bare": a raw BullMQ Worker with only the concurrency (BullMQ's defaults otherwise, no metrics), the
//   comparison this benchmark made before; its ratio is printed for information.
// - "runtime": startRuntime() with one inline no-op kind (attempt history, cancellation listener,
//   dead-letter capture, Busy heartbeat, schema validation all on, logging at info to /dev/null).
//   node --import tsx --conditions=react-server bench/worker-throughput.ts
// Env: BENCH_JOBS (default 20000), BENCH_CONCURRENCY (10), BENCH_ROUNDS (5), BENCH_KEEP_JOBS=1 (jobs stay
// completed instead of removeOnComplete: true; the runtime then writes every run's attempt record).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import pino from 'pino';
import { z } from 'zod';
import { startRedisServer } from '../lib/embedded/redis-server.mjs';
import { defineJobKind } from '../lib/job-kinds/kind';
import { createRedisClient } from '../lib/redis/create-client';
import { droverWorkerName } from '../lib/workers/worker-name';
import { droverWorkerOptions } from '../workers/runtime/drover-worker';
import { createWorkerLogger } from '../workers/runtime/logger';
import type { RuntimeKind } from '../workers/runtime/processor';
import { startRuntime } from '../workers/runtime/start-runtime';

export type ThroughputOptions = {
  jobs?: number;
  concurrency?: number;
  rounds?: number;
  log?: (line: string) => void;
  /** Completed jobs stay (default false: removeOnComplete: true, whose first runs leave no attempt history). */
  keepJobs?: boolean;
};

/** Median CPU µs per job of one side: this Node process, and redis-server, while the side's jobs ran. */
export type CpuPerJob = { node: number; redis: number };

/**
 * What measureWorkerThroughput() returns (npm run bench and npm run bench:scale read it). Throughputs
 * are jobs/s between the first and the last completion of a round; medians over the measured rounds.
 */
export type ThroughputResult = {
  jobs: number;
  concurrency: number;
  rounds: number;
  keepJobs: boolean;
  /** Jobs/s of each round: the Drover runtime. */
  runtime: number[];
  /** Jobs/s of each round: a raw BullMQ Worker with the runtime's own BullMQ options (metrics on, …). */
  sameOptions: number[];
  /** Jobs/s of each round: a raw BullMQ Worker with only the concurrency set (no metrics). */
  bare: number[];
  runtimeMedian: number;
  sameOptionsMedian: number;
  bareMedian: number;
  /** Like for like: runtimeMedian / sameOptionsMedian. The target is ≥ 0.95. */
  ratio: number;
  /** For information: runtimeMedian / bareMedian (what this benchmark compared before). */
  ratioBare: number;
  /** Median CPU per job of each side. `raw` is `sameOptions` (kept for older readers). */
  cpu: { runtime: CpuPerJob; sameOptions: CpuPerJob; bare: CpuPerJob; raw: CpuPerJob };
  /** Same as `sameOptions` / `sameOptionsMedian`: the raw Worker the target compares with (kept for older readers). */
  raw: number[];
  rawMedian: number;
  redisVersion: string;
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

type Target = { start: () => Promise<void>; onCompleted: (cb: () => void) => void; stop: () => Promise<void> };

type RoundResult = {
  perSecond: number;
  /** CPU time per job of this Node process and of redis-server while the jobs ran (less sensitive to other load than jobs/s). */
  nodeCpuUsPerJob: number;
  redisCpuUsPerJob: number;
};

async function redisCpuSeconds(connection: IORedis): Promise<number> {
  const info = await connection.info('cpu');
  const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return value('used_cpu_user') + value('used_cpu_sys');
}

/** Jobs per second between the first and the last completion (start-up is not measured). */
async function runRound(url: string, queueName: string, jobs: number, keepJobs: boolean, makeTarget: (queue: string) => Target): Promise<RoundResult> {
  const connection = new IORedis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection });
  for (let offset = 0; offset < jobs; offset += 1000) {
    const batch = Array.from({ length: Math.min(1000, jobs - offset) }, (_, i) => ({ name: 'noop', data: { n: offset + i }, opts: { removeOnComplete: !keepJobs } }));
    await queue.addBulk(batch);
  }
  const target = makeTarget(queueName);
  let completed = 0;
  let first = 0;
  let last = 0;
  const done = new Promise<void>((resolve) =>
    target.onCompleted(() => {
      completed += 1;
      if (completed === 1) first = performance.now();
      if (completed === jobs) {
        last = performance.now();
        resolve();
      }
    }),
  );
  const cpuBefore = process.cpuUsage();
  const redisBefore = await redisCpuSeconds(connection);
  await target.start();
  await done;
  const cpu = process.cpuUsage(cpuBefore);
  const redisCpu = (await redisCpuSeconds(connection)) - redisBefore;
  await target.stop();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return {
    perSecond: ((jobs - 1) / (last - first)) * 1000,
    nodeCpuUsPerJob: (cpu.user + cpu.system) / jobs,
    redisCpuUsPerJob: (redisCpu * 1e6) / jobs,
  };
}

const SETTINGS = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 30_000 };

function noopKind(queueName: string, concurrency: number): RuntimeKind {
  const definition = defineJobKind({
    kind: 'noop',
    queue: queueName,
    jobNames: ['noop'],
    description: 'benchmark no-op',
    dataSchema: z.object({ n: z.number() }),
    defaultJobOptions: {},
    concurrency,
  });
  return { definition, processor: { type: 'inline', process: async () => undefined } };
}

function workerTarget(worker: Worker, connection: IORedis): Target {
  return {
    start: async () => {
      await worker.waitUntilReady();
      worker.run().catch(() => {});
    },
    onCompleted: (cb) => worker.on('completed', cb),
    stop: async () => {
      await worker.close();
      connection.disconnect();
    },
  };
}

/** A raw BullMQ Worker with only the concurrency set. */
function bareTarget(url: string, concurrency: number) {
  return (queueName: string): Target => {
    const connection = new IORedis(url, { maxRetriesPerRequest: null });
    return workerTarget(new Worker(queueName, async () => undefined, { connection, concurrency, autorun: false }), connection);
  };
}

/** A raw BullMQ Worker with the options and the kind of connection the runtime gives its Workers. */
function sameOptionsTarget(url: string, concurrency: number) {
  return (queueName: string): Target => {
    const connection = createRedisClient({ name: 'bench', url }, { purpose: 'worker', maxRetriesPerRequest: null });
    const options = droverWorkerOptions(noopKind(queueName, concurrency), { client: connection, prefix: 'bull', workerName: droverWorkerName(), settings: SETTINGS });
    return workerTarget(new Worker(queueName, async () => undefined, options as never), connection);
  };
}

function runtimeTarget(url: string, concurrency: number) {
  // Logs at the default level (info: one line per completed job), written to /dev/null.
  const logger = createWorkerLogger({ worker: 'bench' }, pino.destination({ dest: os.devNull, sync: true }));
  return (queueName: string): Target => {
    const kind = noopKind(queueName, concurrency);
    let stop: () => Promise<unknown> = async () => {};
    let onCompleted: () => void = () => {};
    return {
      start: async () => {
        const runtime = await startRuntime({
          connection: { name: 'bench', url, prefix: 'bull' },
          kinds: [kind],
          settings: SETTINGS,
          logger,
        });
        runtime.workers.get(queueName)!.on('completed', () => onCompleted());
        stop = runtime.close;
      },
      onCompleted: (cb) => (onCompleted = cb),
      stop: async () => {
        await stop();
      },
    };
  };
}

export async function measureWorkerThroughput(opts: ThroughputOptions = {}): Promise<ThroughputResult> {
  const jobs = opts.jobs ?? 20_000;
  const concurrency = opts.concurrency ?? 10;
  const rounds = opts.rounds ?? 5;
  const keepJobs = opts.keepJobs ?? false;
  const log = opts.log ?? (() => {});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-bench-'));
  const redis = await startRedisServer({ dir });
  try {
    const info = new IORedis(redis.url);
    const redisVersion = /redis_version:(\S+)/.exec(await info.info('server'))?.[1] ?? 'unknown';
    info.disconnect();
    type Side = { key: 'runtime' | 'sameOptions' | 'bare'; name: string; target: (queue: string) => Target; rounds: RoundResult[] };
    const sides: Side[] = [
      { key: 'sameOptions', name: 'raw, same options', target: sameOptionsTarget(redis.url, concurrency), rounds: [] },
      { key: 'runtime', name: 'Drover runtime', target: runtimeTarget(redis.url, concurrency), rounds: [] },
      { key: 'bare', name: 'raw, bare', target: bareTarget(redis.url, concurrency), rounds: [] },
    ];
    // One full warm-up round each (JIT, Lua script cache, Redis allocator), not measured.
    for (const side of sides) await runRound(redis.url, `warmup-${side.key}`, jobs, keepJobs, side.target);
    for (let round = 0; round < rounds; round++) {
      // Rotate the order so drift (CPU frequency, Redis memory, other load) does not favour one side.
      const order = sides.map((_, i) => sides[(i + round) % sides.length]);
      for (const side of order) {
        const result = await runRound(redis.url, `bench-${round}-${side.key}`, jobs, keepJobs, side.target);
        side.rounds.push(result);
        log(
          `round ${round + 1}/${rounds}  ${side.name.padEnd(18)} ${result.perSecond.toFixed(0).padStart(7)} jobs/s  ` +
            `cpu/job: node ${result.nodeCpuUsPerJob.toFixed(1)} µs, redis ${result.redisCpuUsPerJob.toFixed(1)} µs`,
        );
      }
    }
    const of = (key: Side['key']) => sides.find((s) => s.key === key)!.rounds;
    const perSecond = (key: Side['key']) => of(key).map((r) => r.perSecond);
    const cpuOf = (key: Side['key']): CpuPerJob => ({ node: median(of(key).map((r) => r.nodeCpuUsPerJob)), redis: median(of(key).map((r) => r.redisCpuUsPerJob)) });
    const [runtime, sameOptions, bare] = [perSecond('runtime'), perSecond('sameOptions'), perSecond('bare')];
    const [runtimeMedian, sameOptionsMedian, bareMedian] = [median(runtime), median(sameOptions), median(bare)];
    const cpu = { runtime: cpuOf('runtime'), sameOptions: cpuOf('sameOptions'), bare: cpuOf('bare'), raw: cpuOf('sameOptions') };
    return {
      jobs,
      concurrency,
      rounds,
      keepJobs,
      runtime,
      sameOptions,
      bare,
      runtimeMedian,
      sameOptionsMedian,
      bareMedian,
      ratio: runtimeMedian / sameOptionsMedian,
      ratioBare: runtimeMedian / bareMedian,
      cpu,
      raw: sameOptions,
      rawMedian: sameOptionsMedian,
      redisVersion,
    };
  } finally {
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatThroughput(result: ThroughputResult): string {
  const row = (name: string, values: number[], med: number) => `| ${name.padEnd(18)} | ${values.map((v) => v.toFixed(0).padStart(7)).join(' | ')} | ${med.toFixed(0).padStart(7)} |`;
  const rounds = result.runtime.map((_, i) => `round ${i + 1}`.padStart(7));
  const cpu = (c: CpuPerJob) => `node ${c.node.toFixed(1)} µs + redis ${c.redis.toFixed(1)} µs`;
  return [
    `Worker throughput: ${result.jobs} no-op jobs per round (${result.keepJobs ? 'kept once completed' : 'removeOnComplete: true'}), concurrency ${result.concurrency}, Redis ${result.redisVersion}, ${os.cpus().length} CPUs`,
    `| ${'jobs/s'.padEnd(18)} | ${rounds.join(' | ')} | ${'median'.padStart(7)} |`,
    `|${'-'.repeat(20)}|${rounds.map(() => '-'.repeat(9)).join('|')}|${'-'.repeat(9)}|`,
    row('Drover runtime', result.runtime, result.runtimeMedian),
    row('raw, same options', result.sameOptions, result.sameOptionsMedian),
    row('raw, bare', result.bare, result.bareMedian),
    '',
    `CPU per job (median): runtime ${cpu(result.cpu.runtime)}; raw same options ${cpu(result.cpu.sameOptions)}; raw bare ${cpu(result.cpu.bare)}`,
    `ratio runtime/raw with the same options: ${result.ratio.toFixed(3)} (target ≥ 0.95: ${result.ratio >= 0.95 ? 'met' : 'MISSED'})`,
    `ratio runtime/raw bare (no metrics; for information): ${result.ratioBare.toFixed(3)}`,
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const env = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  measureWorkerThroughput({ jobs: env('BENCH_JOBS'), concurrency: env('BENCH_CONCURRENCY'), rounds: env('BENCH_ROUNDS'), keepJobs: process.env.BENCH_KEEP_JOBS === '1', log: (line) => console.error(line) })
    .then((result) => console.log(formatThroughput(result)))
    .catch((err: Error) => {
      console.error(`benchmark failed: ${err.message}`);
      process.exitCode = 1;
    });
}
