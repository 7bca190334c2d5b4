// The issue's targets, judged from the measured curves: each becomes one row of the report (a target
// whose curve was not measured is a row that says so, never a pass).
import type { Curve, Point, TargetRow } from './types';

export type ThroughputReading = { ratio: number; ratioBare: number; runtimeMedian: number; sameOptionsMedian: number; bareMedian: number };

const f = (v: number, digits = 1) => v.toFixed(digits);
const find = (curves: Curve[], store: string, dimension: Curve['dimension'], operation: string) =>
  curves.find((c) => c.store === store && c.dimension === dimension && c.operation.startsWith(operation));
const at = (points: Point[], x: number) => points.find((p) => p.x === x);
const biggest = (points: Point[]) => points[points.length - 1];
const smallest = (points: Point[]) => points[0];

function notMeasured(target: string, store: TargetRow['store'], threshold: string): TargetRow {
  return { target, store, measured: 'not measured in this run', threshold, met: null };
}

export function judgeTargets(curves: Curve[], throughput: ThroughputReading | null): TargetRow[] {
  const rows: TargetRow[] = [];
  const stores = [...new Set(curves.map((c) => c.store))];
  for (const store of stores) {
    // Overview of the most queues measured (2,000 at the default sizes).
    const overview = find(curves, store, 'queues', 'overview');
    if (overview && overview.drover.length && overview.peer.length) {
      const d = biggest(overview.drover);
      const p = biggest(overview.peer);
      const ratio = d.p50_ms! / p.p50_ms!;
      rows.push({
        target: `overview of ${d.x.toLocaleString('en')} queues: p50`,
        store,
        measured: `${f(d.p50_ms!)} ms (Bull Board ${f(p.p50_ms!)} ms, ${f(ratio, 2)}×)`,
        threshold: '≤ 100 ms and ≤ 0.5× Bull Board',
        met: d.p50_ms! <= 100 && ratio <= 0.5,
      });
      const cpuRatio = d.store_cpu_ms! / p.store_cpu_ms!;
      const s = smallest(overview.drover);
      // Growth no worse than linear: CPU per queue at the biggest size ≤ 1.25 × CPU per queue at the smallest.
      // (A store CPU reading of 0 at the smallest size — PostgreSQL's 10 ms clock ticks over few samples — leaves the growth unknown.)
      const perQueueGrowth = s.store_cpu_ms! > 0 ? d.store_cpu_ms! / d.x / (s.store_cpu_ms! / s.x) : Number.NaN;
      rows.push({
        target: `overview of ${d.x.toLocaleString('en')} queues: store CPU per request`,
        store,
        measured: `${f(d.store_cpu_ms!, 2)} ms (Bull Board ${f(p.store_cpu_ms!, 2)} ms, ${f(cpuRatio, 2)}×); ${Number.isNaN(perQueueGrowth) ? `growth unknown (no store CPU measured at ${s.x} queues)` : `per queue ${f(perQueueGrowth, 2)}× the ${s.x}-queue cost`}`,
        threshold: '≤ 0.3× Bull Board; per-queue cost ≤ 1.25× the smallest size (no worse than linear)',
        met: cpuRatio <= 0.3 && (Number.isNaN(perQueueGrowth) || perQueueGrowth <= 1.25),
      });
    } else rows.push(notMeasured('overview of 2,000 queues', store, '≤ 100 ms p50, ≤ 0.5× Bull Board'));

    // Queue page and job page independent of queue length (1M vs 100k, or the two smallest sizes).
    for (const op of ['completed, first page', 'completed, page 20,000', 'completed, last page', 'one job']) {
      const c = find(curves, store, 'jobs', op);
      if (!c || c.drover.length < 2) {
        rows.push(notMeasured(`${op}: independent of queue length`, store, '1M vs 100k within 1.5×'));
        continue;
      }
      const big = at(c.drover, 1_000_000) ?? c.drover[1];
      const small = at(c.drover, 100_000) ?? c.drover[0];
      const growth = big.p50_ms! / small.p50_ms!;
      rows.push({
        target: `${op}: ${big.x.toLocaleString('en')} vs ${small.x.toLocaleString('en')} jobs`,
        store,
        measured: `${f(big.p50_ms!)} vs ${f(small.p50_ms!)} ms p50 (${f(growth, 2)}×)${c.drover.length > 2 ? `; ${biggest(c.drover).x.toLocaleString('en')} jobs: ${f(biggest(c.drover).p50_ms!)} ms` : ''}`,
        threshold: 'within 1.5×',
        met: growth <= 1.5,
      });
    }
    // … and of payload size (2 MB vs 1 KB).
    for (const op of ['failed, first page', 'one job']) {
      const c = find(curves, store, 'payload', op);
      if (!c || c.drover.length < 2) {
        rows.push(notMeasured(`${op}: independent of payload size`, store, '2 MB vs 1 KB within 1.5×'));
        continue;
      }
      const big = biggest(c.drover);
      const small = smallest(c.drover);
      const growth = big.p50_ms! / small.p50_ms!;
      const peerGrowth = biggest(c.peer).p50_ms! / smallest(c.peer).p50_ms!;
      rows.push({
        target: `${op}: ${kb(big.x)} vs ${kb(small.x)} payloads`,
        store,
        measured: `${f(big.p50_ms!)} vs ${f(small.p50_ms!)} ms p50 (${f(growth, 2)}×; Bull Board ${f(peerGrowth, 1)}×), ${big.bytes ?? '?'} response bytes`,
        threshold: 'within 1.5×',
        met: growth <= 1.5,
      });
    }
    // Live clients.
    const live = find(curves, store, 'clients', 'live update');
    if (live && live.drover.length) {
      const d = biggest(live.drover);
      const conns = Number(d.extra?.store_connections);
      const base = Number(d.extra?.store_connections_1_client);
      rows.push({
        target: `${d.x.toLocaleString('en')} SSE clients: store connections held by the console`,
        store,
        measured: `${conns} (${base} with 1 client)`,
        threshold: 'unchanged from 1 client',
        met: conns <= base,
      });
      rows.push({ target: `${d.x.toLocaleString('en')} SSE clients: console RSS`, store, measured: `${f(d.rss_mb!, 0)} MB`, threshold: '≤ 400 MB', met: d.rss_mb! <= 400 });
      rows.push({
        target: `${d.x.toLocaleString('en')} SSE clients: fan-out p95 (update → every client)`,
        store,
        measured: `${f(d.p95_ms!)} ms (p50 ${f(d.p50_ms!)} ms; Bull Board's polling clients: p50 ${f(biggest(live.peer)?.p50_ms ?? NaN, 0)} ms)`,
        threshold: '≤ 100 ms',
        met: d.p95_ms! <= 100,
      });
    } else rows.push(notMeasured('1,000 SSE clients', store, 'connections unchanged, RSS ≤ 400 MB, fan-out p95 ≤ 100 ms'));
    // Job detail vs Bull Board (the smallest queue of the jobs dimension).
    const detail = find(curves, store, 'jobs', 'one job');
    if (detail && detail.drover.length) {
      const d = smallest(detail.drover);
      const p = smallest(detail.peer);
      rows.push({
        target: `job detail via /api/v1 (${d.x.toLocaleString('en')} jobs)`,
        store,
        measured: `${f(d.p50_ms!, 2)} ms p50 (Bull Board ${f(p.p50_ms!, 2)} ms, ${f(d.p50_ms! / p.p50_ms!, 2)}×)`,
        threshold: '≤ Bull Board p50',
        met: d.p50_ms! <= p.p50_ms!,
      });
    }
    // Replicas: correct and the sampler once.
    const replicas = find(curves, store, 'replicas', 'overview');
    if (replicas && replicas.drover.length) {
      const d = biggest(replicas.drover);
      const ok = d.extra?.overview_correct === 'yes' && d.extra?.live_correct === 'yes';
      const rate = Number(d.extra?.sampler_samples_per_s);
      rows.push({
        target: `${d.x} console replicas: overview and live updates correct on every replica`,
        store,
        measured: `overview ${d.extra?.overview_correct}, live ${d.extra?.live_correct}`,
        threshold: 'both yes',
        met: ok,
      });
      rows.push({
        target: `${d.x} console replicas: the sampler runs once`,
        store,
        measured: `${f(rate, 2)} samples/s of one queue at a 1 s interval (1 replica: ${smallest(replicas.drover).extra?.sampler_samples_per_s})`,
        threshold: '≤ 1.2 samples/s (one sampler)',
        met: rate > 0 && rate <= 1.2,
      });
    }
  }
  if (throughput) {
    rows.push({
      target: 'worker runtime / raw BullMQ Worker with the same options (no-op jobs)',
      store: 'redis',
      measured: `${f(throughput.ratio, 3)}× (${f(throughput.runtimeMedian, 0)} vs ${f(throughput.sameOptionsMedian, 0)} jobs/s); vs a bare Worker ${f(throughput.ratioBare, 3)}×`,
      threshold: '≥ 0.95×',
      met: throughput.ratio >= 0.95,
    });
  }
  return rows;
}

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${f(bytes / 1024 / 1024, 0)} MB` : `${f(bytes / 1024, 0)} KB`;
}
