// The short cache shares one load per key: a load slower than the ttl is still shared, freshness
// counts from when a load settles, and a failed load is not kept.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { shortCached } from '@/lib/queues/short-cache';

let n = 0;
const uniqueKey = () => `short-cache-test:${(n += 1)}`;

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

afterEach(() => vi.useRealTimers());

describe('shortCached', () => {
  it('shares a load that runs longer than the ttl with every caller until it settles', async () => {
    vi.useFakeTimers();
    const key = uniqueKey();
    const slow = deferred<string>();
    const load = vi.fn(() => slow.promise);
    const first = shortCached(key, 1000, load);
    vi.advanceTimersByTime(5_000);
    const second = shortCached(key, 1000, load);
    vi.advanceTimersByTime(5_000);
    const third = shortCached(key, 1000, load);
    expect(load).toHaveBeenCalledTimes(1);
    slow.resolve('v');
    expect(await Promise.all([first, second, third])).toEqual(['v', 'v', 'v']);
  });

  it('counts freshness from when the load settled, then loads again', async () => {
    vi.useFakeTimers();
    const key = uniqueKey();
    const slow = deferred<string>();
    const load = vi.fn(() => slow.promise);
    void shortCached(key, 1000, load);
    vi.advanceTimersByTime(3_000);
    slow.resolve('v');
    await slow.promise;
    await Promise.resolve();
    vi.advanceTimersByTime(900);
    expect(await shortCached(key, 1000, load)).toBe('v');
    expect(load).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(200);
    load.mockImplementation(() => Promise.resolve('w'));
    expect(await shortCached(key, 1000, load)).toBe('w');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not keep a failed load: the next caller tries again', async () => {
    const key = uniqueKey();
    const failing = deferred<string>();
    const load = vi.fn(() => failing.promise);
    const first = shortCached(key, 60_000, load);
    failing.reject(new Error('down'));
    await expect(first).rejects.toThrow('down');
    load.mockImplementation(() => Promise.resolve('ok'));
    expect(await shortCached(key, 60_000, load)).toBe('ok');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('fresh skips a settled value but still joins a load in flight', async () => {
    const key = uniqueKey();
    const slow = deferred<string>();
    const load = vi.fn(() => slow.promise);
    const first = shortCached(key, 60_000, load);
    const second = shortCached(key, 60_000, load, true);
    expect(load).toHaveBeenCalledTimes(1);
    slow.resolve('v');
    expect(await Promise.all([first, second])).toEqual(['v', 'v']);
    load.mockImplementation(() => Promise.resolve('w'));
    expect(await shortCached(key, 60_000, load, true)).toBe('w');
  });
});
