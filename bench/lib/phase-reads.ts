// Read operations, A/B against Bull Board: overview, failed page, deep page, job detail. Plus two
// Drover-only rows that explain them: the overview with queue discovery and the per-request floor.
import { measureAb, type AbResult } from './ab';
import { droverOnlyRow, round, type BenchContext } from './context';
import type { Row } from './report';
import { ALL_QUEUES, BIG } from './seed';
import { summarize } from './stats';

export const DROVER_QUEUE = `/api/v1/connections/default/queues/${BIG}`;

export function abRow(operation: string, r: AbResult, target: number): Row {
  return {
    operation,
    drover_p50_ms: round(r.drover.p50),
    drover_p95_ms: round(r.drover.p95),
    peer_p50_ms: round(r.peer.p50),
    peer_p95_ms: round(r.peer.p95),
    ratio: round(r.drover.p50 / r.peer.p50, 3),
    target,
    unit: 'ratio',
    samples: { drover: r.drover.n, peer: r.peer.n },
    drover_redis_cpu_ms: r.droverProbe === null ? undefined : round(r.droverProbe),
    peer_redis_cpu_ms: r.peerProbe === null ? undefined : round(r.peerProbe),
  };
}

type DroverPage = { jobs: Array<{ id: string }> };
type PeerQueues = { queues: Array<{ name: string; jobs: Array<{ id: string }> }> };
type DroverOverview = { connections: Array<{ queues: unknown[] }> };

export async function measureReads(ctx: BenchContext, samples: number): Promise<Row[]> {
  const { redis, drover: d, peer: p, log } = ctx;
  const Q = DROVER_QUEUE;
  const completedIds = await redis.zrevrange(`bull:${BIG}:completed`, 199_990, 199_999);
  const failedIds = await redis.zrevrange(`bull:${BIG}:failed`, 0, 9);
  const detailId = completedIds[0];

  // Each answer is checked once before measuring, so both sides are known to return the same jobs.
  const expectIds = (who: string, got: string[], want: string[]) => {
    if (got.join() !== want.join()) throw new Error(`${who} returned jobs ${got.join(',')}, expected ${want.join(',')}`);
  };
  const peerJobs = (body: PeerQueues) => body.queues.find((q) => q.name === BIG)!.jobs.map((j) => String(j.id));
  const overview = (await d.get<DroverOverview>('/api/v1/queues')).body.connections[0].queues.length;
  if (overview !== ALL_QUEUES.length) throw new Error(`Drover's overview lists ${overview} queues`);
  const peerOverview = (await p.get<PeerQueues>('/api/queues')).body.queues;
  if (peerOverview.length !== ALL_QUEUES.length || peerOverview.some((q) => q.jobs.length)) throw new Error(`Bull Board's overview is not ${ALL_QUEUES.length} queues without jobs`);
  expectIds('Drover failed page', (await d.get<DroverPage>(`${Q}/jobs?state=failed&page=1&size=10`)).body.jobs.map((j) => j.id), failedIds);
  expectIds('Bull Board failed page', peerJobs((await p.get<PeerQueues>(`/api/queues?activeQueue=${BIG}&status=failed&page=1&jobsPerPage=10`)).body), failedIds);
  expectIds('Drover page 20,000', (await d.get<DroverPage>(`${Q}/jobs?state=completed&page=20000&size=10`)).body.jobs.map((j) => j.id), completedIds);
  expectIds('Bull Board page 20,000', peerJobs((await p.get<PeerQueues>(`/api/queues?activeQueue=${BIG}&status=completed&page=20000&jobsPerPage=10`)).body), completedIds);
  expectIds('Drover job detail', [(await d.get<{ id: string }>(`${Q}/jobs/${detailId}`)).body.id], [detailId]);
  expectIds('Bull Board job detail', [String((await p.get<{ job: { id: string } }>(`/api/queues/${BIG}/${detailId}`)).body.job.id)], [detailId]);

  const reads = [
    { operation: `overview: all ${ALL_QUEUES.length} queues with counts`, drover: '/api/v1/queues', peer: '/api/queues' },
    { operation: `failed jobs of "${BIG}", first page (10 rows)`, drover: `${Q}/jobs?state=failed&page=1&size=10`, peer: `/api/queues?activeQueue=${BIG}&status=failed&page=1&jobsPerPage=10` },
    { operation: 'completed jobs, page 20,000 (10 rows)', drover: `${Q}/jobs?state=completed&page=20000&size=10`, peer: `/api/queues?activeQueue=${BIG}&status=completed&page=20000&jobsPerPage=10` },
    { operation: 'one job detail', drover: `${Q}/jobs/${detailId}`, peer: `/api/queues/${BIG}/${detailId}` },
  ];
  log(`read operations (A/B interleaved, ${ctx.warmup} warm-up + ${samples} samples each)…`);
  const rows: Row[] = [];
  for (const op of reads) {
    const sizes = { drover: (await d.get(op.drover)).bytes, peer: (await p.get(op.peer)).bytes };
    const r = await measureAb(
      op.operation,
      { drover: { run: async () => (await d.get(op.drover)).ms }, peer: { run: async () => (await p.get(op.peer)).ms } },
      { warmup: ctx.warmup, samples, log, probe: ctx.redisCpuMs },
    );
    rows.push({ ...abRow(op.operation, r, 0.5), drover_response_bytes: sizes.drover, peer_response_bytes: sizes.peer });
  }

  // The overview re-discovers queues (SCAN of the whole keyspace for "*:meta") every 15 s; the A/B
  // samples above run between two scans. This row shows what a request that rescans costs.
  const rescan: number[] = [];
  for (let i = 0; i < 10; i++) rescan.push((await d.get('/api/v1/queues?refresh=1')).ms);
  const rescanSummary = summarize(rescan);
  log(`  Drover overview with queue discovery (?refresh=1): p50 ${rescanSummary.p50.toFixed(1)} / p95 ${rescanSummary.p95.toFixed(1)} ms`);
  rows.push(
    droverOnlyRow({
      operation: 'Drover overview including queue discovery (?refresh=1, SCAN of all keys)',
      summary: rescanSummary,
      value: round(rescanSummary.p50),
      unit: 'ms',
      target: null,
      notes: `informational: what the overview costs once every 15 s (discovery cache), here over ${(await redis.dbsize()).toLocaleString('en')} keys`,
    }),
  );

  // Drover's per-request floor (Next route handler, bearer token check, JSON), for reading the rows above.
  for (let i = 0; i < ctx.warmup; i++) await d.get('/api/v1/me');
  const floor: number[] = [];
  for (let i = 0; i < samples; i++) floor.push((await d.get('/api/v1/me')).ms);
  const floorSummary = summarize(floor);
  log(`  Drover request floor (GET /api/v1/me): p50 ${floorSummary.p50.toFixed(2)} / p95 ${floorSummary.p95.toFixed(2)} ms`);
  rows.push(
    droverOnlyRow({
      operation: 'Drover request floor: GET /api/v1/me (auth only, no queue work)',
      summary: floorSummary,
      value: round(floorSummary.p50),
      unit: 'ms',
      target: null,
      notes: 'informational: what every Drover API call costs before any queue work',
    }),
  );
  return rows;
}
