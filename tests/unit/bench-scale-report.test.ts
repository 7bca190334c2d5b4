// The scaling benchmark's judgement and report, on hand-made curves: a target is met, missed or "not
// measured" from the numbers alone, and the report draws both servers' series and escapes what it prints.
import { describe, expect, it } from 'vitest';
import { renderReport } from '@/bench/scale/report-html';
import { judgeTargets } from '@/bench/scale/targets';
import type { Curve, Point, ScaleResult } from '@/bench/scale/types';

const pt = (x: number, p50: number, cpu: number, extra?: Point['extra']): Point => ({ x, p50_ms: p50, p95_ms: p50 * 1.5, store_cpu_ms: cpu, rss_mb: 150, samples: 15, ...(extra ? { extra } : {}) });

function curve(dimension: Curve['dimension'], operation: string, drover: Point[], peer: Point[]): Curve {
  return { store: 'redis', dimension, operation, xLabel: dimension, drover, peer, drover_call: 'GET /api/v1/x', peer_call: 'GET /api/x' };
}

const overview = (droverMs: number, droverCpu: number) =>
  curve('queues', 'overview: every queue with its counts', [pt(50, 5, 0.5), pt(2000, droverMs, droverCpu)], [pt(50, 20, 3), pt(2000, 400, 90)]);

describe('judgeTargets', () => {
  it('meets the overview targets when p50 ≤ 100 ms, ≤ 0.5× and store CPU ≤ 0.3× and no worse than linear', () => {
    const rows = judgeTargets([overview(60, 15)], null).filter((r) => r.target.startsWith('overview'));
    expect(rows.map((r) => r.met)).toEqual([true, true]);
  });

  it('misses them when the p50 is over 100 ms, or the store CPU per queue grows faster than linearly', () => {
    expect(judgeTargets([overview(150, 15)], null).find((r) => r.target.endsWith('p50'))!.met).toBe(false);
    // 0.5 ms at 50 queues → 40 ms at 2,000 is 2× the per-queue cost: superlinear.
    expect(judgeTargets([overview(60, 40)], null).find((r) => r.target.endsWith('store CPU per request'))!.met).toBe(false);
  });

  it('judges independence of queue length at 1M vs 100k and says which sizes it compared', () => {
    const jobs = curve('jobs', 'completed, last page (10 rows)', [pt(100_000, 4, 0.3), pt(1_000_000, 7, 0.3), pt(3_000_000, 8, 0.3)], [pt(100_000, 9, 2), pt(1_000_000, 9, 2), pt(3_000_000, 9, 2)]);
    const row = judgeTargets([jobs], null).find((r) => r.target.startsWith('completed, last page'))!;
    expect(row.met).toBe(false); // 7 / 4 = 1.75×
    expect(row.target).toContain('1,000,000 vs 100,000');
  });

  it('reports an unmeasured dimension as not measured, never as met', () => {
    const rows = judgeTargets([overview(60, 15)], null);
    const sse = rows.find((r) => r.target.includes('SSE'))!;
    expect(sse.met).toBeNull();
    expect(sse.measured).toBe('not measured in this run');
  });

  it('judges the SSE targets from the biggest client count', () => {
    const live = curve('clients', 'live update to every client (fan-out)', [pt(10, 3, 0.1, { store_connections: 2, store_connections_1_client: 2 }), { ...pt(1000, 40, 1, { store_connections: 3, store_connections_1_client: 2 }), rss_mb: 410 }], [pt(10, 2500, 5), pt(1000, 4900, 80)]);
    const rows = judgeTargets([live], null).filter((r) => r.target.includes('SSE'));
    expect(rows.map((r) => [r.target.split(': ')[1], r.met])).toEqual([
      ['store connections held by the console', false],
      ['console RSS', false],
      ['fan-out p95 (update → every client)', true],
    ]);
  });

  it('applies the worker target to the like-for-like ratio and prints the bare one', () => {
    const row = judgeTargets([], { ratio: 0.96, ratioBare: 0.8, runtimeMedian: 9600, sameOptionsMedian: 10_000, bareMedian: 12_000 })[0];
    expect(row.met).toBe(true);
    expect(row.measured).toContain('vs a bare Worker 0.800×');
  });
});

describe('renderReport', () => {
  const result: ScaleResult = {
    started: '2026-12-07T10:00:00.000Z',
    finished: '2026-12-07T10:20:00.000Z',
    seconds: 1200,
    quick: false,
    machine: { cpus: 2, node: 'v20', load_start: [1, 1, 1], load_end: [2, 2, 2] },
    stores: [{ kind: 'redis', label: 'Redis 7' }],
    sizes: {},
    curves: [overview(60, 15), curve('payload', 'one job <script>alert(1)</script>', [pt(1024, 3, 0.2), pt(2 << 20, 3.5, 0.3)], [pt(1024, 2, 0.2), pt(2 << 20, 90, 9)])],
    targets: [{ target: 'overview <b>', store: 'redis', measured: '60 ms', threshold: '≤ 100 ms', met: true }],
    notes: ['a <note>'],
    profiles: { 'job detail': 'next/dist/server 40 %' },
  };
  const html = renderReport(result);

  it('draws three charts per curve, each with both servers at every size', () => {
    const charts = html.match(/<svg class="chart"[\s\S]*?<\/svg>/g)!;
    expect(charts).toHaveLength(2 * 3);
    for (const svg of charts) {
      expect(svg).toContain('data-series="drover" data-points="2"');
      expect(svg).toContain('data-series="bull-board" data-points="2"');
    }
  });

  it('escapes every text it prints (job data and names are hostile input elsewhere too)', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('one job &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('overview &lt;b&gt;');
    expect(html).toContain('a &lt;note&gt;');
  });

  it('labels payload sizes in KB and MB, and uses a log axis when the sizes span 10× or more', () => {
    expect(html).toContain('>1 KB<');
    expect(html).toContain('>2 MB<');
    expect(html).toContain('(log scale)');
  });
});
