// Live updates through Drover's SSE endpoint: latency from job.updateProgress to the client, then
// 200 concurrent clients on the same queue — server memory, the Redis connections the console holds
// (1 client vs 200) and the fan-out latency to every client.
import { Worker, type Job } from 'bullmq';
import IORedis from 'ioredis';
import { droverOnlyRow, round, sleep, type BenchContext } from './context';
import { onCleanup } from './processes';
import { connectionsTo, treeRssBytes } from './proc-stats';
import type { Row } from './report';
import { openSse, type SseClient } from './sse';
import { summarize } from './stats';

type ProgressEvent = { type?: string; event?: string; jobId?: string; progress?: unknown };

export async function measureLiveUpdates(ctx: BenchContext, opts: { queue: string; samples: number; clients: number }): Promise<Row[]> {
  const { redis, log } = ctx;
  log(`live-update latency on "${opts.queue}" (${ctx.warmup} warm-up + ${opts.samples} samples)…`);
  const sseUrl = `${ctx.drover.base}/api/v1/events?queue=default/${opts.queue}`;

  /** The console's Redis connections: sockets of the console process tree to the Redis port, named from CLIENT LIST. */
  const consoleConnections = async () => {
    const ports = new Set(connectionsTo(ctx.droverPid, ctx.redisPort));
    const names: Record<string, number> = {};
    for (const line of ((await redis.client('LIST')) as string).split('\n')) {
      const port = Number(/ addr=[^ ]*:(\d+) /.exec(` ${line}`)?.[1]);
      if (!ports.has(port)) continue;
      const name = /name=(\S*)/.exec(line)?.[1] || '(unnamed)';
      names[name] = (names[name] ?? 0) + 1;
    }
    return { count: ports.size, names };
  };
  const processStats = async () => ({ rss: treeRssBytes(ctx.droverPid), redis: await consoleConnections() });
  const idle = await processStats();

  const waiters = new Map<string, Array<(at: number) => void>>();
  const onEvent = (data: unknown, at: number) => {
    const e = data as ProgressEvent;
    if (e.type !== 'job' || e.event !== 'progress') return;
    const key = `${e.jobId}:${String(e.progress)}`;
    waiters.get(key)?.forEach((fn) => fn(at));
    waiters.delete(key);
  };
  /** Resolves with the time the SSE event carrying this progress value arrived. */
  const arrival = (jobId: string, progress: number, timeoutMs: number) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SSE progress ${progress} for job ${jobId} within ${timeoutMs} ms`)), timeoutMs);
      const key = `${jobId}:${progress}`;
      waiters.set(key, [...(waiters.get(key) ?? []), (at) => (clearTimeout(timer), resolve(at))]);
    });

  const clients: SseClient[] = [];
  onCleanup(async () => clients.splice(0).forEach((c) => c.close()));
  clients.push(openSse(sseUrl, ctx.auth, onEvent));
  await clients[0].connected;

  // A worker holds one job of the queue in the active state while its progress changes.
  const workerConnection = new IORedis(ctx.redisUrl, { maxRetriesPerRequest: null });
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let gotJob!: (job: Job) => void;
  const activeJob = new Promise<Job>((r) => (gotJob = r));
  const worker = new Worker(
    opts.queue,
    async (job) => {
      gotJob(job);
      await released;
    },
    { connection: workerConnection, concurrency: 1 },
  );
  const stopWorker = async () => {
    release();
    await worker.close(true).catch(() => {});
    workerConnection.disconnect();
  };
  onCleanup(stopWorker);
  const job = await activeJob;
  let progress = 0;
  const liveOnce = async () => {
    progress += 1;
    const arrived = arrival(job.id!, progress, 5000);
    const started = performance.now();
    await job.updateProgress(progress);
    return (await arrived) - started;
  };
  // The hub's QueueEvents reads from "$" once connected: the very first updates may predate it.
  for (let attempt = 0; ; attempt++) {
    try {
      await liveOnce();
      break;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
  for (let i = 0; i < ctx.warmup; i++) await liveOnce();
  const live: number[] = [];
  for (let i = 0; i < opts.samples; i++) {
    live.push(await liveOnce());
    await sleep(20);
  }
  const liveSummary = summarize(live);
  log(`  p50 ${liveSummary.p50.toFixed(1)} ms, p95 ${liveSummary.p95.toFixed(1)} ms`);

  await sleep(1000);
  const one = await processStats();
  log(`${opts.clients} concurrent SSE clients on "${opts.queue}"…`);
  for (let i = 1; i < opts.clients; i++) clients.push(openSse(sseUrl, ctx.auth, onEvent));
  await Promise.all(clients.map((c) => c.connected));
  await sleep(2000);
  const many = await processStats();
  // Fan-out: each progress update must reach every client.
  const fanout: number[] = [];
  for (let i = 0; i < 5; i++) {
    progress += 1;
    const arrivals = clients.map(() => arrival(job.id!, progress, 10_000));
    const started = performance.now();
    await job.updateProgress(progress);
    for (const at of await Promise.all(arrivals)) fanout.push(at - started);
    await sleep(200);
  }
  const fan = summarize(fanout);
  clients.splice(0).forEach((c) => c.close());
  await stopWorker();

  const mb = (b: number) => round(b / 1024 / 1024, 1);
  const names = (n: Record<string, number>) => Object.entries(n).map(([k, v]) => `${k}×${v}`).join(', ');
  log(
    `  RSS ${mb(idle.rss)} MB idle → ${mb(one.rss)} MB (1 client) → ${mb(many.rss)} MB (${opts.clients}); Redis connections ${idle.redis.count} → ${one.redis.count} → ${many.redis.count} ` +
      `(${names(many.redis.names)}); fan-out to all ${opts.clients}: p50 ${fan.p50.toFixed(1)} / p95 ${fan.p95.toFixed(1)} / max ${fan.max.toFixed(1)} ms`,
  );
  return [
    droverOnlyRow({
      operation: 'live update: job.updateProgress → SSE client receives it (p50)',
      summary: liveSummary,
      value: round(liveSummary.p50),
      unit: 'ms',
      target: 50,
      notes: 'Bull Board has no live stream (its UI polls)',
    }),
    droverOnlyRow({
      operation: `Redis connections held by the console with ${opts.clients} SSE clients (vs 1 client)`,
      value: many.redis.count,
      unit: 'connections',
      target: one.redis.count,
      notes:
        `no SSE client: ${idle.redis.count} (${names(idle.redis.names)}); 1 client: ${one.redis.count} (${names(one.redis.names)}); ` +
        `${opts.clients} clients: ${many.redis.count} (${names(many.redis.names)}); target = the 1-client count`,
    }),
    droverOnlyRow({
      operation: `console server RSS with ${opts.clients} SSE clients`,
      value: mb(many.rss),
      unit: 'MB',
      target: null,
      notes: `console process tree VmRSS: ${mb(idle.rss)} MB with no SSE client, ${mb(one.rss)} MB with 1, ${mb(many.rss)} MB with ${opts.clients}`,
    }),
    droverOnlyRow({
      operation: `live update fan-out to ${opts.clients} SSE clients (every client, 5 updates)`,
      summary: fan,
      value: round(fan.p50),
      unit: 'ms',
      target: null,
      notes: `max ${fan.max.toFixed(1)} ms; the clients and the updating worker share the benchmark process`,
    }),
  ];
}
