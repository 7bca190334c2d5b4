// The shared clock's rules: how relative times read (skew clamped), how often they are re-read, and
// that any number of relative times on a page share one timer.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SKEW_TOLERANCE_MS, formatRelative, tickIntervalFor } from '@/components/ui/clock';

const NOW = Date.UTC(2026, 11, 6, 14, 0, 0);

describe('formatRelative', () => {
  it('reads past instants as "N ago" in their largest unit', () => {
    expect(formatRelative(NOW - 400, NOW)).toBe('just now');
    expect(formatRelative(NOW - 7_000, NOW)).toBe('7s ago');
    expect(formatRelative(NOW - 59_999, NOW)).toBe('59s ago');
    expect(formatRelative(NOW - 60_000, NOW)).toBe('1m ago');
    expect(formatRelative(NOW - 3 * 3_600_000, NOW)).toBe('3h ago');
    expect(formatRelative(NOW - 2 * 86_400_000, NOW)).toBe('2d ago');
  });

  it('never reads a recorded event as "in N s": skew up to the tolerance is "just now"', () => {
    expect(formatRelative(NOW + 2_000, NOW)).toBe('just now');
    expect(formatRelative(NOW + 2_000, NOW, 'happened')).toBe('just now');
    expect(formatRelative(NOW + SKEW_TOLERANCE_MS, NOW)).toBe('just now');
    // Far beyond any skew it is a planned instant someone did not mark as such (a token's expiry).
    expect(formatRelative(NOW + 30 * 86_400_000, NOW)).toBe('in 30d');
  });

  it('counts a scheduled instant down and, once passed, up', () => {
    expect(formatRelative(NOW + 21_000, NOW, 'scheduled')).toBe('in 21s');
    expect(formatRelative(NOW + 20_000, NOW, 'scheduled')).toBe('in 20s');
    expect(formatRelative(NOW + 500, NOW, 'scheduled')).toBe('just now');
    expect(formatRelative(NOW - 3_000, NOW, 'scheduled')).toBe('3s ago');
    expect(formatRelative(NOW + 90 * 60_000, NOW, 'scheduled')).toBe('in 1h');
  });
});

describe('tickIntervalFor', () => {
  it('ticks every second while a time reads in seconds, before and after the instant', () => {
    expect(tickIntervalFor(0)).toBe(1000);
    expect(tickIntervalFor(-45_000)).toBe(1000);
    expect(tickIntervalFor(45_000)).toBe(1000);
  });

  it('starts ticking by the second one slow tick before a countdown reaches seconds', () => {
    // "in 1m 10s" reads "in 1m"; the next 15 s tick would come too late for "in 59s".
    expect(tickIntervalFor(70_000)).toBe(1000);
    expect(tickIntervalFor(80_000)).toBe(15_000);
  });

  it('slows down to 15 s in minutes and to a minute in hours and days', () => {
    expect(tickIntervalFor(-30 * 60_000)).toBe(15_000);
    expect(tickIntervalFor(-2 * 3_600_000)).toBe(60_000);
    expect(tickIntervalFor(5 * 86_400_000)).toBe(60_000);
  });
});

describe('the shared clock', () => {
  let listeners: Record<string, () => void>;

  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
    listeners = {};
    vi.stubGlobal('document', {
      visibilityState: 'visible',
      addEventListener: (type: string, fn: () => void) => (listeners[type] = fn),
      removeEventListener: (type: string) => delete listeners[type],
    });
    vi.resetModules();
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('serves any number of readers with one timer, and stops when the last one leaves', async () => {
    const { subscribeToClock } = await import('@/components/ui/use-now');
    const unsubscribe = Array.from({ length: 200 }, (_, i) => subscribeToClock(NOW - i * 1000, () => {}));
    expect(vi.getTimerCount()).toBe(1);
    unsubscribe.forEach((u) => u());
    expect(vi.getTimerCount()).toBe(0);
    expect(listeners.visibilitychange).toBeUndefined();
  });

  it('wakes every second for a recent time and re-renders only the readers that are due', async () => {
    const { readClock, subscribeToClock } = await import('@/components/ui/use-now');
    let recent = 0;
    let old = 0;
    const a = subscribeToClock(NOW - 5_000, () => recent++);
    const b = subscribeToClock(NOW - 3 * 3_600_000, () => old++);
    vi.advanceTimersByTime(10_000);
    expect(recent).toBe(10);
    expect(old).toBe(0);
    expect(readClock()).toBe(NOW + 10_000);
    vi.advanceTimersByTime(60_000);
    expect(old).toBe(1);
    a();
    b();
  });

  it('with only old times shown, wakes once a minute', async () => {
    const { subscribeToClock } = await import('@/components/ui/use-now');
    let reads = 0;
    const off = subscribeToClock(NOW - 5 * 3_600_000, () => reads++);
    vi.advanceTimersByTime(59_000);
    expect(reads).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(reads).toBe(1);
    off();
  });

  it('a countdown switches to seconds as it nears its instant', async () => {
    const { readClock, subscribeToClock } = await import('@/components/ui/use-now');
    const target = NOW + 5 * 60_000;
    const seen: number[] = [];
    const off = subscribeToClock(target, () => seen.push(readClock()));
    vi.advanceTimersByTime(5 * 60_000);
    // 15 s steps while minutes away, then every second for the last ~75 s.
    const gaps = seen.slice(1).map((t, i) => t - seen[i]);
    expect(gaps.slice(0, 3)).toEqual([15_000, 15_000, 15_000]);
    expect(gaps.slice(-60).every((g) => g === 1000)).toBe(true);
    expect(seen.at(-1)).toBe(target);
    off();
  });

  it('catches up at once when a hidden tab is shown again', async () => {
    const { readClock, subscribeToClock } = await import('@/components/ui/use-now');
    let reads = 0;
    const off = subscribeToClock(NOW - 2 * 3_600_000, () => reads++);
    vi.setSystemTime(NOW + 30_000);
    listeners.visibilitychange();
    expect(reads).toBe(1);
    expect(readClock()).toBe(NOW + 30_000);
    off();
  });
});
