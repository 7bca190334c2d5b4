// The dimensions of `npm run bench:scale`, each grown one size at a time on one store, Drover and
// Bull Board measured side by side (interleaved A/B through bench/lib/ab.ts, the store's CPU read
// around every measured sample).
import fs from 'node:fs';
import type { Job } from 'bullmq';
import { measureAb } from '../lib/ab';
import { HttpClient } from '../lib/http';
import { onCleanup } from '../lib/processes';
import { connectionsTo, treeRssBytes } from '../lib/proc-stats';
import { startBullBoard, startDrover, type Server } from '../lib/servers';
import { openSse, type SseClient } from '../lib/sse';
import { percentile, summarize } from '../lib/stats';
import type { Curve, Point, ScaleStore } from './types';

export type Sizes = { queues: number[]; jobs: number[]; payload: number[]; clients: number[]; replicas: number[] };

export type DimContext = {
  store: ScaleStore;
  dir: string;
  drover: Server;
  droverClient: HttpClient;
  auth: Record<string, string>;
  log: (line: string) => void;
  warmup: number;
  /** measured samples per side at a size; fewer at the biggest sizes (stated in the report) */
  samples: (dimension: Curve['dimension'], index: number, count: number) => number;
  /** called for a point where a target may be missed: profiles Drover serving `path` (text summary) */
  profile?: (name: string, path: string) => Promise<void>;
};

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const r2 = (v: number) => Math.round(v * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const en = (n: number) => n.toLocaleString('en');

function emptyCurve(ctx: DimContext, dimension: Curve['dimension'], operation: string, xLabel: string, droverCall: string, peerCall: string): Curve {
  return { store: ctx.store.kind, dimension, operation, xLabel, drover: [], peer: [], drover_call: droverCall, peer_call: peerCall };
}

/**
 * One operation at one size, A/B: both sides' p50/p95, the store's CPU per request and each server's
 * RSS afterwards. `drover`/`peer` are paths on each server; `check` validates one answer of each (after
 * the clock stops) so that both sides are seen to return the same thing.
 */
async function measurePoint(
  ctx: DimContext,
  label: string,
  x: number,
  samples: number,
  sides: { drover: string; peer: string; peerClient: HttpClient; peerPid: number },
  check?: (drover: unknown, peer: unknown) => void,
): Promise<{ drover: Point; peer: Point }> {
  const bytes = { drover: 0, peer: 0 };
  const [d, p] = await Promise.all([ctx.droverClient.get(sides.drover), sides.peerClient.get(sides.peer)]);
  check?.(d.body, p.body);
  const ab = await measureAb(
    label,
    {
      drover: {
        run: async () => {
          const t = await ctx.droverClient.get(sides.drover);
          bytes.drover = t.bytes;
          return t.ms;
        },
      },
      peer: {
        run: async () => {
          const t = await sides.peerClient.get(sides.peer);
          bytes.peer = t.bytes;
          return t.ms;
        },
      },
    },
    { warmup: ctx.warmup, samples, log: ctx.log, probe: ctx.store.cpuMs },
  );
  const point = (s: typeof ab.drover, cpu: number | null, rss: number, b: number): Point => ({
    x,
    p50_ms: r2(s.p50),
    p95_ms: r2(s.p95),
    store_cpu_ms: cpu === null ? null : r2(cpu),
    rss_mb: mb(rss),
    samples: s.n,
    bytes: b,
  });
  return {
    drover: point(ab.drover, ab.droverProbe, treeRssBytes(ctx.drover.process.pid), bytes.drover),
    peer: point(ab.peer, ab.peerProbe, treeRssBytes(sides.peerPid), bytes.peer),
  };
}

async function withPeer<T>(ctx: DimContext, queues: string[], fn: (peer: Server, client: HttpClient) => Promise<T>): Promise<T> {
  const peer = await startBullBoard(ctx.dir, ctx.store.peerUrl, queues);
  try {
    return await fn(peer, new HttpClient(peer.base));
  } finally {
    await peer.process.stop();
  }
}

type OverviewBody = { connections: Array<{ name: string; queues: Array<{ name: string; counts?: Record<string, number> }> }> };
type PeerQueuesBody = { queues: Array<{ name: string; counts: Record<string, number>; jobs: Array<{ id: string; progress?: unknown }> }> };

function overviewQueues(body: unknown, connection: string) {
  return (body as OverviewBody).connections.find((c) => c.name === connection)?.queues ?? [];
}

/** Number of queues: the overview with every queue's counts. */
export async function queuesDimension(ctx: DimContext, sizes: number[]): Promise<Curve[]> {
  const curve = emptyCurve(ctx, 'queues', 'overview: every queue with its counts', 'queues', 'GET /api/v1/queues', 'GET /api/queues');
  const names: string[] = [];
  const name = (i: number) => `tenant-${String(i).padStart(5, '0')}`;
  for (const [index, size] of sizes.entries()) {
    const fresh = Array.from({ length: size - names.length }, (_, k) => name(names.length + k + 1));
    const started = performance.now();
    await ctx.store.addQueues(fresh, 5);
    names.push(...fresh);
    ctx.log(`  queues: ${en(size)} queues × 5 waiting (${((performance.now() - started) / 1000).toFixed(1)} s to add ${en(fresh.length)})`);
    // Discovery (a background SCAN every 15 s) is forced once so every queue is listed.
    await ctx.droverClient.get('/api/v1/queues?refresh=1');
    const point = await withPeer(ctx, names, (peer, client) =>
      measurePoint(ctx, `overview, ${en(size)} queues`, size, ctx.samples('queues', index, sizes.length), { drover: '/api/v1/queues', peer: '/api/queues', peerClient: client, peerPid: peer.process.pid }, (d, p) => {
        const mine = overviewQueues(d, ctx.store.connection).filter((q) => q.name.startsWith('tenant-'));
        const theirs = (p as PeerQueuesBody).queues;
        if (mine.length !== size || theirs.length !== size) throw new Error(`overview lists ${mine.length} (Drover) and ${theirs.length} (Bull Board) queues, expected ${size}`);
        const waiting = mine.reduce((s, q) => s + (q.counts?.waiting ?? 0), 0);
        if (waiting !== size * 5) throw new Error(`Drover's overview counts ${waiting} waiting jobs, expected ${size * 5}`);
      }),
    );
    curve.drover.push(point.drover);
    curve.peer.push(point.peer);
    if (index === sizes.length - 1) await ctx.profile?.(`overview of ${en(size)} queues`, '/api/v1/queues');
  }
  await ctx.store.reset();
  await ctx.droverClient.get('/api/v1/queues?refresh=1');
  return [curve];
}

/** Jobs in one queue: first page, page 20,000 and the last page of completed; one job's detail. */
export async function jobsDimension(ctx: DimContext, sizes: number[]): Promise<Curve[]> {
  const queue = 'big';
  const conn = ctx.store.connection;
  const curves = {
    first: emptyCurve(ctx, 'jobs', 'completed, first page (10 rows)', 'completed jobs in the queue', `GET …/queues/${queue}/jobs?state=completed&page=1&size=10`, `GET /api/queues?activeQueue=${queue}&status=completed&page=1&jobsPerPage=10`),
    deep: emptyCurve(ctx, 'jobs', 'completed, page 20,000 (10 rows)', 'completed jobs in the queue', `…&page=20000`, `…&page=20000`),
    last: emptyCurve(ctx, 'jobs', 'completed, last page (10 rows)', 'completed jobs in the queue', `…&page=<last>`, `…&page=<last>`),
    detail: emptyCurve(ctx, 'jobs', 'one job (detail)', 'completed jobs in the queue', `GET /api/v1/connections/${conn}/queues/${queue}/jobs/<id>`, `GET /api/queues/${queue}/<id>`),
  };
  curves.deep.notes = 'Where the queue holds fewer than 200,000 jobs, the deep page is the middle page instead (stated per point as extra.page).';
  let have = 0;
  await withPeer(ctx, [queue], async (peer, client) => {
    for (const [index, size] of sizes.entries()) {
      await ctx.store.growCompleted(queue, have, size);
      have = size;
      const samples = ctx.samples('jobs', index, sizes.length);
      const lastPage = Math.ceil(size / 10);
      const deepPage = size >= 200_000 ? 20_000 : Math.max(1, Math.floor(lastPage / 2));
      const list = (page: number) => ({
        drover: `/api/v1/connections/${conn}/queues/${queue}/jobs?state=completed&page=${page}&size=10`,
        peer: `/api/queues?activeQueue=${queue}&status=completed&page=${page}&jobsPerPage=10`,
        peerClient: client,
        peerPid: peer.process.pid,
      });
      const sameIds = (d: unknown, p: unknown) => {
        const mine = ((d as { jobs: Array<{ id: string }> }).jobs ?? []).map((j) => j.id);
        const theirs = ((p as PeerQueuesBody).queues.find((q) => q.name === queue)?.jobs ?? []).map((j) => j.id);
        if (mine.length === 0 || mine.join(',') !== theirs.join(',')) throw new Error(`pages differ: Drover [${mine.join(',')}] vs Bull Board [${theirs.join(',')}]`);
      };
      // Queue discovery (Drover only: Bull Board is given its queues) walks the store's keys: one full
      // walk's time and store CPU at this size ("Rediscover"; in the background it is spaced by its cost).
      const cpuBefore = await ctx.store.cpuMs();
      const discovery = await ctx.droverClient.get('/api/v1/queues?refresh=1');
      const discoveryCpu = (await ctx.store.cpuMs()) - cpuBefore;
      for (const [key, page] of [['first', 1], ['deep', deepPage], ['last', lastPage]] as const) {
        const point = await measurePoint(ctx, `completed page ${en(page)}, ${en(size)} jobs`, size, samples, list(page), sameIds);
        point.drover.extra = key === 'first' ? { page, discovery_ms: r2(discovery.ms), discovery_store_cpu_ms: r2(discoveryCpu) } : { page };
        point.peer.extra = { page };
        curves[key].drover.push(point.drover);
        curves[key].peer.push(point.peer);
      }
      const id = String(Math.max(2, Math.floor(size / 2)));
      const detail = await measurePoint(
        ctx,
        `job ${id} of ${en(size)}`,
        size,
        samples,
        { drover: `/api/v1/connections/${conn}/queues/${queue}/jobs/${id}`, peer: `/api/queues/${queue}/${id}`, peerClient: client, peerPid: peer.process.pid },
        (d, p) => {
          const mine = (d as { job?: { id: string }; id?: string }).job?.id ?? (d as { id?: string }).id;
          const theirs = (p as { job?: { id: string } }).job?.id;
          if (mine !== id || theirs !== id) throw new Error(`job detail returned ${mine} (Drover) and ${theirs} (Bull Board), expected ${id}`);
        },
      );
      curves.detail.drover.push(detail.drover);
      curves.detail.peer.push(detail.peer);
      if (index === 0) await ctx.profile?.(`job detail (${en(size)} jobs)`, `/api/v1/connections/${conn}/queues/${queue}/jobs/${id}`);
    }
  });
  return Object.values(curves);
}

/** Payload size: the failed list's first page and one job's page, for 1 KB … 2 MB payloads. */
export async function payloadDimension(ctx: DimContext, sizes: number[]): Promise<Curve[]> {
  const conn = ctx.store.connection;
  const list = emptyCurve(ctx, 'payload', 'failed, first page (10 rows)', 'payload bytes per job', 'GET …/queues/<q>/jobs?state=failed&page=1&size=10', 'GET /api/queues?activeQueue=<q>&status=failed&page=1&jobsPerPage=10');
  const detail = emptyCurve(ctx, 'payload', 'one job (detail)', 'payload bytes per job', 'GET …/queues/<q>/jobs/<id>', 'GET /api/queues/<q>/<id>');
  const queueOf = (bytes: number) => `payload-${bytes}`;
  const COUNT = 20;
  for (const bytes of sizes) await ctx.store.addFailed(queueOf(bytes), COUNT, bytes);
  await ctx.droverClient.get('/api/v1/queues?refresh=1');
  await withPeer(ctx, sizes.map(queueOf), async (peer, client) => {
    for (const [index, bytes] of sizes.entries()) {
      const queue = queueOf(bytes);
      const samples = ctx.samples('payload', index, sizes.length);
      const l = await measurePoint(ctx, `failed page, ${en(bytes)}-byte payloads`, bytes, samples, {
        drover: `/api/v1/connections/${conn}/queues/${queue}/jobs?state=failed&page=1&size=10`,
        peer: `/api/queues?activeQueue=${queue}&status=failed&page=1&jobsPerPage=10`,
        peerClient: client,
        peerPid: peer.process.pid,
      });
      list.drover.push(l.drover);
      list.peer.push(l.peer);
      const firstId = ((await ctx.droverClient.get<{ jobs: Array<{ id: string }> }>(`/api/v1/connections/${conn}/queues/${queue}/jobs?state=failed&page=1&size=10`)).body.jobs[0]).id;
      const d = await measurePoint(ctx, `job page, ${en(bytes)}-byte payload`, bytes, samples, {
        drover: `/api/v1/connections/${conn}/queues/${queue}/jobs/${firstId}`,
        peer: `/api/queues/${queue}/${firstId}`,
        peerClient: client,
        peerPid: peer.process.pid,
      });
      detail.drover.push(d.drover);
      detail.peer.push(d.peer);
    }
  });
  await ctx.store.reset();
  return [list, detail];
}

/**
 * Live clients: Drover's SSE streams against Bull Board's UI polling (its default: every 5 s, the
 * failed/active page of the open queue). Per size: the console's RSS, the store connections it holds,
 * the time until every client has seen an update (fan-out), and the store's CPU per second spent
 * serving the watchers.
 */
export async function clientsDimension(ctx: DimContext, sizes: number[], opts: { updates: number; peerIntervalMs: number; windowMs: number }): Promise<Curve[]> {
  const queue = 'live';
  const conn = ctx.store.connection;
  const fanout = emptyCurve(ctx, 'clients', 'live update to every client (fan-out)', 'live clients', `GET /api/v1/events?queue=${conn}/${queue} (SSE)`, `GET /api/queues?activeQueue=${queue}&status=active every ${opts.peerIntervalMs / 1000} s (its UI's polling)`);
  fanout.notes =
    'p50/p95 = time from job.updateProgress until the last client has the new value; store CPU = ms of store CPU per second of watching (not per request); extra.store_connections = connections the server holds to the store.';
  const q = ctx.store.queue(queue);
  await q.add('watch-me', { n: 1 });
  let gotJob!: (job: Job) => void;
  const active = new Promise<Job>((r) => (gotJob = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const worker = ctx.store.worker(queue, async (job) => {
    gotJob(job);
    await released;
  });
  const job = await active;
  let progress = 0;
  const cpuPerSecond = async (ms: number) => {
    const before = await ctx.store.cpuMs();
    const t = performance.now();
    await sleep(ms);
    return ((await ctx.store.cpuMs()) - before) / ((performance.now() - t) / 1000);
  };
  await ctx.droverClient.get('/api/v1/queues?refresh=1');

  // Drover: SSE streams.
  const seen = new Map<number, number>(); // progress value → clients that have it
  const done = new Map<number, () => void>();
  let clientsOpen = 0;
  const onData = (data: unknown) => {
    const e = data as { type?: string; event?: string; jobId?: string; progress?: unknown };
    if (e.type !== 'job' || e.event !== 'progress' || e.jobId !== job.id) return;
    const v = Number(e.progress);
    const n = (seen.get(v) ?? 0) + 1;
    seen.set(v, n);
    if (n === clientsOpen) done.get(v)?.();
  };
  const sseUrl = `${ctx.drover.base}/api/v1/events?queue=${conn}/${queue}`;
  // The baseline: one client that has received an update (so the console's event reader is running).
  let firstSeen!: () => void;
  const firstUpdate = new Promise<void>((r) => (firstSeen = r));
  const one = openSse(sseUrl, ctx.auth, (data) => {
    const e = data as { type?: string; event?: string; jobId?: string };
    if (e.type === 'job' && e.event === 'progress' && e.jobId === job.id) firstSeen();
  });
  await one.connected;
  // Said again until the client has it: a stream's subscription is in place some time after it opens
  // (later on a loaded machine, and on PostgreSQL's event reader), and an update sent before that is
  // not replayed — a single update waited for without a limit hung a loaded run here.
  let first = false;
  void firstUpdate.then(() => (first = true));
  const firstBy = Date.now() + 120_000;
  while (!first) {
    if (Date.now() > firstBy) throw new Error('the SSE client got no progress update within 120 s');
    await job.updateProgress(++progress);
    await Promise.race([firstUpdate, sleep(500)]);
  }
  const baseline = connectionsTo(ctx.drover.process.pid, ctx.store.port).length;
  one.close();
  await one.closed;
  for (const [index, n] of sizes.entries()) {
    const clients: SseClient[] = [];
    onCleanup(async () => clients.forEach((c) => c.close()));
    for (let i = 0; i < n; i += 50) {
      const batch = Array.from({ length: Math.min(50, n - i) }, () => openSse(sseUrl, ctx.auth, onData));
      clients.push(...batch);
      await Promise.all(batch.map((c) => c.connected));
    }
    clientsOpen = n;
    const connections = connectionsTo(ctx.drover.process.pid, ctx.store.port).length;
    const rss = treeRssBytes(ctx.drover.process.pid);
    const cpu = await cpuPerSecond(opts.windowMs);
    const times: number[] = [];
    for (let u = 0; u < opts.updates + 1; u++) {
      const value = ++progress;
      const all = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${seen.get(value) ?? 0} of ${n} SSE clients got progress ${value} within 30 s`)), 30_000);
        done.set(value, () => (clearTimeout(timer), resolve()));
      });
      const t0 = performance.now();
      await job.updateProgress(value);
      await all;
      if (u > 0) times.push(performance.now() - t0); // the first update is a warm-up
    }
    const s = summarize(times);
    fanout.drover.push({ x: n, p50_ms: r2(s.p50), p95_ms: r2(s.p95), store_cpu_ms: r2(cpu), rss_mb: mb(rss), samples: s.n, extra: { store_connections: connections, store_connections_1_client: baseline } });
    ctx.log(`  ${en(n)} SSE clients: fan-out p50 ${s.p50.toFixed(1)} / p95 ${s.p95.toFixed(1)} ms, console RSS ${mb(rss)} MB, ${connections} store connections (1 client: ${baseline}), store CPU ${cpu.toFixed(1)} ms/s (${index + 1}/${sizes.length})`);
    clients.forEach((c) => c.close());
    await Promise.all(clients.map((c) => c.closed));
  }

  // Bull Board: N browsers polling the open queue at its UI's interval.
  await withPeer(ctx, [queue], async (peer, client) => {
    const path = `/api/queues?activeQueue=${queue}&status=active&page=1&jobsPerPage=10`;
    for (const n of sizes) {
      const latest = new Array<number>(n).fill(0);
      let stop = false;
      const pollers = Array.from({ length: n }, async (_, i) => {
        await sleep(Math.random() * opts.peerIntervalMs);
        while (!stop) {
          try {
            const body = (await client.get<PeerQueuesBody>(path)).body;
            const j = body.queues.find((x) => x.name === queue)?.jobs.find((x) => x.id === job.id);
            latest[i] = Number(j?.progress ?? 0);
          } catch {
            /* a refused poll is a missed poll: the client stays behind */
          }
          await sleep(opts.peerIntervalMs);
        }
      });
      await sleep(opts.peerIntervalMs + 500);
      const rss = treeRssBytes(peer.process.pid);
      const connections = connectionsTo(peer.process.pid, ctx.store.port).length;
      const cpu = await cpuPerSecond(opts.windowMs);
      const times: number[] = [];
      for (let u = 0; u < Math.max(1, Math.ceil(opts.updates / 2)); u++) {
        const value = ++progress;
        const t0 = performance.now();
        await job.updateProgress(value);
        const deadline = t0 + 4 * opts.peerIntervalMs + 10_000;
        while (latest.some((v) => v < value)) {
          if (performance.now() > deadline) throw new Error(`Bull Board pollers: ${latest.filter((v) => v < value).length} of ${n} never saw progress ${value}`);
          await sleep(20);
        }
        times.push(performance.now() - t0);
      }
      stop = true;
      await Promise.all(pollers);
      fanout.peer.push({
        x: n,
        p50_ms: r2(percentile(times, 50)),
        p95_ms: r2(percentile(times, 95)),
        store_cpu_ms: r2(cpu),
        rss_mb: mb(rss),
        samples: times.length,
        extra: { store_connections: connections },
      });
      ctx.log(`  Bull Board, ${en(n)} polling clients: update seen by all after p50 ${percentile(times, 50).toFixed(0)} ms, RSS ${mb(rss)} MB, ${connections} store connections, store CPU ${cpu.toFixed(1)} ms/s`);
    }
  });
  release();
  await worker.close(true).catch(() => {});
  await q.close();
  await ctx.store.reset();
  return [fanout];
}

/**
 * Console replicas behind one store: the overview through every replica in turn, checked to agree
 * with BullMQ's counts; one live update reaching a client on every replica; the metrics sampler
 * running in one replica only (samples per second of one queue, with a 1 s sampling interval).
 */
export async function replicasDimension(ctx: DimContext, sizes: number[], configFile: string, extraEnv: Record<string, string>): Promise<Curve[]> {
  const conn = ctx.store.connection;
  const curve = emptyCurve(ctx, 'replicas', 'overview through every replica in turn (50 queues)', 'console replicas', 'GET /api/v1/queues (round robin)', 'GET /api/queues (round robin)');
  curve.notes =
    'RSS is the sum over the replicas. extra: overview_correct (every replica lists 50 queues × 5 waiting), live_correct (an update reached a client on every replica), sampler_samples_per_s (one queue\'s samples per second at a 1 s interval: 1 = the sampler runs once), idle_store_cpu_ms_per_s.';
  const names = Array.from({ length: 50 }, (_, i) => `r-${String(i + 1).padStart(2, '0')}`);
  await ctx.store.addQueues(names, 5);
  const replicas: Server[] = [];
  const peers: Server[] = [];
  try {
    for (const [index, count] of sizes.entries()) {
      const more = Array.from({ length: count - replicas.length }, (_, k) => replicas.length + k + 1);
      const [newReplicas, newPeers] = await Promise.all([
        Promise.all(more.map((n) => startDrover(ctx.dir, configFile, { env: { DROVER_SAMPLE_INTERVAL_MS: '1000', ...extraEnv }, name: `drover-replica-${n}` }))),
        Promise.all(more.map(() => startBullBoard(ctx.dir, ctx.store.peerUrl, names))),
      ]);
      replicas.push(...newReplicas);
      peers.push(...newPeers);
      const droverClients = replicas.map((r) => new HttpClient(r.base, ctx.auth));
      const peerClients = peers.map((p) => new HttpClient(p.base));
      // Correctness: each replica's overview equals what BullMQ itself counts for every queue.
      const expected = new Map<string, Record<string, number>>();
      for (const name of names) {
        const q = ctx.store.queue(name);
        expected.set(name, await q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'));
        await q.close();
      }
      let overviewCorrect = true;
      for (const c of droverClients) {
        const qs = overviewQueues((await c.get('/api/v1/queues?refresh=1')).body, conn).filter((q) => q.name.startsWith('r-'));
        const wrong = qs.filter((q) => Object.entries(expected.get(q.name) ?? {}).some(([state, n]) => (q.counts?.[state] ?? 0) !== n));
        if (qs.length !== names.length || wrong.length) {
          overviewCorrect = false;
          ctx.log(`  ${c.base}: overview lists ${qs.length} queues; differing from BullMQ: ${wrong.map((q) => `${q.name} ${JSON.stringify(q.counts)} vs ${JSON.stringify(expected.get(q.name))}`).join('; ')}`);
        }
      }
      // Live: one client per replica, one update.
      const q = ctx.store.queue(names[0]);
      let gotJob!: (job: Job) => void;
      const active = new Promise<Job>((r) => (gotJob = r));
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const worker = ctx.store.worker(names[0], async (job) => {
        gotJob(job);
        await released;
      });
      const job = await active;
      const value = 1000 + index;
      const got = new Set<number>();
      const streams = replicas.map((r, i) =>
        openSse(`${r.base}/api/v1/events?queue=${conn}/${names[0]}`, ctx.auth, (data) => {
          const e = data as { type?: string; event?: string; progress?: unknown };
          if (e.type === 'job' && e.event === 'progress' && Number(e.progress) === value) got.add(i);
        }),
      );
      await Promise.all(streams.map((s) => s.connected));
      await job.updateProgress(value);
      const deadline = Date.now() + 15_000;
      while (got.size < replicas.length && Date.now() < deadline) await sleep(20);
      const liveCorrect = got.size === replicas.length;
      streams.forEach((s) => s.close());
      release();
      await worker.close(true).catch(() => {});
      await q.close();
      // The sampler: samples of one queue per second, and the store's idle CPU, over a few seconds.
      const samplerRate = await samplesPerSecond(ctx, conn, names[1], 5000);
      const before = await ctx.store.cpuMs();
      const t = performance.now();
      await sleep(3000);
      const idleCpu = ((await ctx.store.cpuMs()) - before) / ((performance.now() - t) / 1000);
      let di = 0;
      let pi = 0;
      const ab = await measureAb(
        `overview through ${count} replica(s)`,
        {
          drover: { run: async () => (await droverClients[di++ % count].get('/api/v1/queues')).ms },
          peer: { run: async () => (await peerClients[pi++ % count].get('/api/queues')).ms },
        },
        { warmup: ctx.warmup * count, samples: ctx.samples('replicas', index, sizes.length), log: ctx.log, probe: ctx.store.cpuMs },
      );
      const rss = (servers: Server[]) => mb(servers.reduce((s, x) => s + treeRssBytes(x.process.pid), 0));
      curve.drover.push({
        x: count,
        p50_ms: r2(ab.drover.p50),
        p95_ms: r2(ab.drover.p95),
        store_cpu_ms: r2(ab.droverProbe ?? 0),
        rss_mb: rss(replicas),
        samples: ab.drover.n,
        extra: { overview_correct: overviewCorrect ? 'yes' : 'no', live_correct: liveCorrect ? 'yes' : 'no', sampler_samples_per_s: r2(samplerRate), idle_store_cpu_ms_per_s: r2(idleCpu) },
      });
      curve.peer.push({ x: count, p50_ms: r2(ab.peer.p50), p95_ms: r2(ab.peer.p95), store_cpu_ms: r2(ab.peerProbe ?? 0), rss_mb: rss(peers), samples: ab.peer.n });
      ctx.log(`  ${count} replica(s): overview correct ${overviewCorrect}, live correct ${liveCorrect}, sampler ${samplerRate.toFixed(2)} samples/s, idle store CPU ${idleCpu.toFixed(1)} ms/s`);
    }
  } finally {
    await Promise.all([...replicas, ...peers].map((s) => s.process.stop()));
  }
  await ctx.store.reset();
  return [curve];
}

/** Metrics samples of one queue recorded per second (the sampler's stream: entry id = sample time). */
async function samplesPerSecond(ctx: DimContext, conn: string, queue: string, windowMs: number): Promise<number> {
  const { default: IORedis } = await import('ioredis');
  const config = JSON.parse(fs.readFileSync(ctx.store.configFile, 'utf8')) as { connections: Array<{ name: string; url: string }>; consoleConnection: string };
  const consoleUrl = config.connections.find((c) => c.name === config.consoleConnection)!.url;
  const redis = new IORedis(consoleUrl, { maxRetriesPerRequest: null, connectionName: 'bench-scale-sampler' });
  try {
    const key = `drover:{console}:metrics:${conn}:${queue}:10s`;
    const from = Date.now();
    await sleep(windowMs);
    const entries = (await redis.xrange(key, String(from), '+')) as unknown[];
    return entries.length / (windowMs / 1000);
  } finally {
    redis.disconnect();
  }
}
