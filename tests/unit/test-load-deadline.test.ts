// The test helpers' waits stretch with the machine's load (tests/helpers/load.ts): a busy machine
// extends a wait up to 4×, an idle one waits the stated time.
import { afterEach, describe, expect, it, vi } from 'vitest';
import os from 'node:os';
import { loadFactor, stretchingDeadline } from '../helpers/load';

const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('stretchingDeadline', () => {
  it('waits the stated time on an idle machine', () => {
    vi.spyOn(os, 'loadavg').mockReturnValue([0.1, 0.1, 0.1]);
    vi.useFakeTimers({ now: 1_000_000 });
    const deadline = stretchingDeadline(1000);
    vi.setSystemTime(1_000_999);
    expect(deadline.passed()).toBe(false);
    vi.setSystemTime(1_001_001);
    expect(deadline.passed()).toBe(true);
    expect(deadline.allowedMs()).toBe(1000);
  });

  it('extends by the load per core while it waits, at most 4×, and never shrinks again', () => {
    const load = vi.spyOn(os, 'loadavg').mockReturnValue([cores * 2.5, 0, 0]);
    vi.useFakeTimers({ now: 0 });
    const deadline = stretchingDeadline(1000);
    vi.setSystemTime(2000);
    expect(deadline.passed()).toBe(false);
    expect(deadline.allowedMs()).toBe(2500);
    load.mockReturnValue([cores * 10, 0, 0]);
    expect(loadFactor()).toBe(4);
    vi.setSystemTime(3999);
    expect(deadline.passed()).toBe(false);
    load.mockReturnValue([0, 0, 0]);
    expect(deadline.passed()).toBe(false);
    vi.setSystemTime(4001);
    expect(deadline.passed()).toBe(true);
  });
});
