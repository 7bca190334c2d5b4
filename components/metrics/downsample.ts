// Fewer points for drawing: a 7-day range has 10,080 one-minute points, more than a chart can show.
// Depth keeps the last point of each bucket (a gauge), throughput sums each bucket (a count).
import type { DepthPoint } from '@/lib/metrics/sample';
import type { ThroughputPoint } from '@/lib/metrics/queue-metrics';

export const MAX_DRAWN_POINTS = 1500;

function bucketSize(n: number, max: number): number {
  return Math.max(1, Math.ceil(n / max));
}

export function thinDepth(points: DepthPoint[], max = MAX_DRAWN_POINTS): DepthPoint[] {
  const size = bucketSize(points.length, max);
  if (size === 1) return points;
  const out: DepthPoint[] = [];
  for (let i = 0; i < points.length; i += size) out.push(points[Math.min(points.length - 1, i + size - 1)]);
  return out;
}

export function sumThroughput(points: ThroughputPoint[], max = MAX_DRAWN_POINTS): ThroughputPoint[] {
  const size = bucketSize(points.length, max);
  if (size === 1) return points;
  const out: ThroughputPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size);
    const completed = bucket.reduce((n, p) => n + p.completed, 0);
    const failed = bucket.reduce((n, p) => n + p.failed, 0);
    out.push({ t: bucket[0].t, completed, failed, failureRate: completed + failed ? (failed / (completed + failed)) * 100 : null });
  }
  return out;
}
