// Throughput of the Drover worker runtime against a raw BullMQ Worker on no-op jobs: same private
// redis-server, same job options and concurrency, alternating rounds. Target: runtime/raw ≥ 0.95.
//   node --import tsx --conditions=react-server bench/worker-throughput.ts
// Env: BENCH_JOBS (default 20000), BENCH_CONCURRENCY (10), BENCH_ROUNDS (5).
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
import { createWorkerLogger } from '../workers/runtime/logger';
import { startRuntime } from '../workers/runtime/start-runtime';

export type ThroughputOptions = { jobs?: number; concurrency?: number; rounds?: number; log?: (line: string) => void };

export type ThroughputResult = {
  jobs: number;
  concurrency: number;
  rounds: number;
  /** Jobs per second of each round. */
  raw: number[];
  runtime: number[];
  rawMedian: number;
  runtimeMedian: number;
  /** Median CPU µs per job (Node process, redis-server) of each side. */
  cpu: { raw: { node: number; redis: number }; runtime: { node: number; redis: number } };
  /** runtimeMedian / rawMedian; the target is ≥ 0.95. */
  ratio: number;
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
async function runRound(url: string, queueName: string, jobs: number, makeTarget: (queue: string) => Target): Promise<RoundResult> {
  const connection = new IORedis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection });
  for (let offset = 0; offset < jobs; offset += 1000) {
    const batch = Array.from({ length: Math.min(1000, jobs - offset) }, (_, i) => ({ name: 'noop', data: { n: offset + i }, opts: { removeOnComplete: true } }));
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

function rawTarget(url: string, concurrency: number) {
  return (queueName: string): Target => {
    const connection = new IORedis(url, { maxRetriesPerRequest: null });
    const worker = new Worker(queueName, async () => undefined, { connection, concurrency, autorun: false });
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
  };
}

function runtimeTarget(url: string, concurrency: number) {
  // Logs at the default level (info: one line per completed job), written to /dev/null.
  const logger = createWorkerLogger({ worker: 'bench' }, pino.destination({ dest: os.devNull, sync: true }));
  return (queueName: string): Target => {
    const definition = defineJobKind({
      kind: 'noop',
      queue: queueName,
      jobNames: ['noop'],
      description: 'benchmark no-op',
      dataSchema: z.object({ n: z.number() }),
      defaultJobOptions: {},
      concurrency,
    });
    let stop: () => Promise<unknown> = async () => {};
    let onCompleted: () => void = () => {};
    return {
      start: async () => {
        const runtime = await startRuntime({
          connection: { name: 'bench', url, prefix: 'bull' },
          kinds: [{ definition, processor: { type: 'inline', process: async () => undefined } }],
          settings: { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 30_000 },
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
  const log = opts.log ?? (() => {});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-bench-'));
  const redis = await startRedisServer({ dir });
  try {
    const info = new IORedis(redis.url);
    const redisVersion = /redis_version:(\S+)/.exec(await info.info('server'))?.[1] ?? 'unknown';
    info.disconnect();
    const raw: number[] = [];
    const runtime: number[] = [];
    const cpuRounds = { raw: [] as RoundResult[], runtime: [] as RoundResult[] };
    const variants = [
      { name: 'raw BullMQ Worker', results: raw, target: rawTarget(redis.url, concurrency) },
      { name: 'Drover runtime', results: runtime, target: runtimeTarget(redis.url, concurrency) },
    ];
    // One full warm-up round each (JIT, Lua script cache, Redis allocator), not measured.
    for (const v of variants) await runRound(redis.url, `warmup-${v.results === raw ? 'raw' : 'rt'}`, jobs, v.target);
    for (let round = 0; round < rounds; round++) {
      // Alternate the order so drift (CPU frequency, Redis memory) does not favour one side.
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) {
        const result = await runRound(redis.url, `bench-${round}-${v.results === raw ? 'raw' : 'rt'}`, jobs, v.target);
        v.results.push(result.perSecond);
        cpuRounds[v.results === raw ? 'raw' : 'runtime'].push(result);
        log(
          `round ${round + 1}/${rounds}  ${v.name.padEnd(18)} ${result.perSecond.toFixed(0).padStart(7)} jobs/s  ` +
            `cpu/job: node ${result.nodeCpuUsPerJob.toFixed(1)} µs, redis ${result.redisCpuUsPerJob.toFixed(1)} µs`,
        );
      }
    }
    const rawMedian = median(raw);
    const runtimeMedian = median(runtime);
    const cpuOf = (list: RoundResult[]) => ({ node: median(list.map((r) => r.nodeCpuUsPerJob)), redis: median(list.map((r) => r.redisCpuUsPerJob)) });
    const cpu = { raw: cpuOf(cpuRounds.raw), runtime: cpuOf(cpuRounds.runtime) };
    return { jobs, concurrency, rounds, raw, runtime, rawMedian, runtimeMedian, ratio: runtimeMedian / rawMedian, cpu, redisVersion };
  } finally {
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatThroughput(result: ThroughputResult): string {
  const row = (name: string, values: number[], med: number) => `| ${name.padEnd(18)} | ${values.map((v) => v.toFixed(0).padStart(7)).join(' | ')} | ${med.toFixed(0).padStart(7)} |`;
  const rounds = result.raw.map((_, i) => `round ${i + 1}`.padStart(7));
  return [
    `Worker throughput: ${result.jobs} no-op jobs per round, concurrency ${result.concurrency}, Redis ${result.redisVersion}, ${os.cpus().length} CPUs`,
    `| ${'jobs/s'.padEnd(18)} | ${rounds.join(' | ')} | ${'median'.padStart(7)} |`,
    `|${'-'.repeat(20)}|${rounds.map(() => '-'.repeat(9)).join('|')}|${'-'.repeat(9)}|`,
    row('raw BullMQ Worker', result.raw, result.rawMedian),
    row('Drover runtime', result.runtime, result.runtimeMedian),
    '',
    `CPU per job (median): raw node ${result.cpu.raw.node.toFixed(1)} µs + redis ${result.cpu.raw.redis.toFixed(1)} µs; ` +
      `runtime node ${result.cpu.runtime.node.toFixed(1)} µs + redis ${result.cpu.runtime.redis.toFixed(1)} µs`,
    `ratio runtime/raw: ${result.ratio.toFixed(3)} (target ≥ 0.95: ${result.ratio >= 0.95 ? 'met' : 'MISSED'})`,
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const env = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  measureWorkerThroughput({ jobs: env('BENCH_JOBS'), concurrency: env('BENCH_CONCURRENCY'), rounds: env('BENCH_ROUNDS'), log: (line) => console.error(line) })
    .then((result) => console.log(formatThroughput(result)))
    .catch((err: Error) => {
      console.error(`benchmark failed: ${err.message}`);
      process.exitCode = 1;
    });
}
