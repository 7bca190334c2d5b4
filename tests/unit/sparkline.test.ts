import { describe, expect, it } from 'vitest';
import { sparklinePoints } from '@/components/metrics/sparkline';

describe('sparklinePoints', () => {
  it('draws the payload (newest first) from oldest at the left to newest at the right, scaled to the box', () => {
    // newest first: the last minute had 4, the one before 0, the oldest 2
    const points = sparklinePoints([4, 0, 2], 96, 22, 2).split(' ').map((p) => p.split(',').map(Number));
    expect(points.map(([x]) => x)).toEqual([1, 48, 95]);
    // y grows downwards: 4 (the max) at the top pad, 0 at the bottom pad, 2 half way
    expect(points.map(([, y]) => y)).toEqual([11, 20, 2]);
  });

  it('draws a flat line at the bottom for a queue with no completed jobs, and nothing for no data', () => {
    expect(new Set(sparklinePoints([0, 0, 0], 96, 22, 2).split(' ').map((p) => p.split(',')[1]))).toEqual(new Set(['20.0']));
    expect(sparklinePoints([])).toBe('');
  });
});
