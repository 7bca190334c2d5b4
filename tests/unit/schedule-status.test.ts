import { describe, expect, it } from 'vitest';
import { describeMissed, dueTimesFrom, hasRunAfter, judgeScheduler, MISSED_COUNT_CAP, newestDueTimes } from '@/lib/schedules/watch/schedule-status';

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (iso: string) => Date.parse(iso);

describe('dueTimesFrom', () => {
  it('steps an interval from the pending run, both ends included', () => {
    expect(dueTimesFrom({ every: 2000 }, 10_000, 16_000, 100)).toEqual({ times: [10_000, 12_000, 14_000, 16_000], capped: false });
  });

  it('steps a cron pattern in its time zone across a DST change (09:00 Berlin is 08:00 UTC, then 07:00 UTC)', () => {
    const { times } = dueTimesFrom({ pattern: '0 9 * * *', tz: 'Europe/Berlin' }, at('2026-03-27T08:00:00Z'), at('2026-03-31T08:00:00Z'), 100);
    expect(times.map((t) => new Date(t).toISOString())).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-03-31T07:00:00.000Z',
    ]);
    // The night of the change is an hour short.
    expect(times[2] - times[1]).toBe(23 * HOUR);
  });

  it('stops at the cap and says so', () => {
    const { times, capped } = dueTimesFrom({ every: 1000 }, 0, 10_000_000, MISSED_COUNT_CAP);
    expect(times).toHaveLength(MISSED_COUNT_CAP);
    expect(capped).toBe(true);
    expect(dueTimesFrom({ every: 1000 }, 0, 9000, 10)).toEqual({ times: [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000], capped: false });
  });

  it('stops at endDate and at the limit', () => {
    expect(dueTimesFrom({ every: 1000, endDate: 2500 }, 0, 10_000, 100).times).toEqual([0, 1000, 2000]);
    // 5 allowed, 4 produced including the pending one: the pending run and one more.
    expect(dueTimesFrom({ every: 1000, limit: 5, iterationCount: 4 }, 0, 10_000, 100).times).toEqual([0, 1000]);
    expect(dueTimesFrom({ pattern: '*/5 * * * *', tz: 'UTC' }, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:12:00Z'), 100).times).toHaveLength(3);
  });
});

describe('newestDueTimes', () => {
  it('gives the newest due times of a range, oldest first, both ends included (an interval)', () => {
    expect(newestDueTimes({ every: 1000 }, 0, 10_000_000, 3)).toEqual([9_998_000, 9_999_000, 10_000_000]);
    expect(newestDueTimes({ every: 1000 }, 0, 10_500, 3)).toEqual([8000, 9000, 10_000]);
    expect(newestDueTimes({ every: 1000, endDate: 4500 }, 0, 10_000, 2)).toEqual([3000, 4000]);
    expect(newestDueTimes({ every: 1000 }, 0, 1500, 5)).toEqual([0, 1000]);
    expect(newestDueTimes({ every: 1000 }, 5000, 1000, 5)).toEqual([]);
  });

  it('steps a cron pattern backwards in its time zone, across a DST change, down to the first due time', () => {
    const times = newestDueTimes({ pattern: '0 9 * * *', tz: 'Europe/Berlin' }, at('2026-03-27T08:00:00Z'), at('2026-03-31T07:00:00Z'), 3);
    expect(times.map((t) => new Date(t).toISOString())).toEqual(['2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-03-31T07:00:00.000Z']);
    expect(newestDueTimes({ pattern: '0 9 * * *', tz: 'Europe/Berlin' }, at('2026-03-30T07:00:00Z'), at('2026-03-31T06:59:59Z'), 5)).toEqual([at('2026-03-30T07:00:00Z')]);
    // Matches forward counting where both apply.
    const forward = dueTimesFrom({ pattern: '*/7 * * * *', tz: 'UTC' }, at('2026-01-01T00:00:00Z'), at('2026-01-01T05:00:00Z'), 1000).times;
    expect(newestDueTimes({ pattern: '*/7 * * * *', tz: 'UTC' }, at('2026-01-01T00:00:00Z'), at('2026-01-01T05:00:00Z'), 4)).toEqual(forward.slice(-4));
  });

  it('stops when the round’s cron step budget is spent', () => {
    const budget = { steps: 2 };
    expect(newestDueTimes({ pattern: '* * * * *', tz: 'UTC' }, 0, at('2026-01-01T00:00:00Z'), 10, budget)).toHaveLength(2);
    expect(budget.steps).toBe(0);
  });
});

describe('judgeScheduler', () => {
  const grace = MIN;
  const next = at('2026-12-07T10:05:00Z');
  const delayed = { state: 'delayed', enqueuedAt: next - 5 * MIN, startedAt: null, finishedAt: null };

  it('is ok while the pending run is within the grace period', () => {
    expect(judgeScheduler({ def: { every: 5 * MIN }, next, pending: delayed }, next + grace, grace).status).toBe('ok');
  });

  it('counts the missed runs since the pending one once the grace period has passed', () => {
    const j = judgeScheduler({ def: { every: 5 * MIN }, next, pending: delayed }, next + 11 * MIN, grace);
    expect(j).toMatchObject({ status: 'missed', missedCount: 3, missedSince: next, missedCapped: false });
    expect(describeMissed(j.missedCount, j.missedCapped)).toBe('missed 3 runs');
  });

  it('reads a pending job that is gone as missed too', () => {
    expect(judgeScheduler({ def: { every: 5 * MIN }, next, pending: null }, next + 2 * MIN, grace)).toMatchObject({ status: 'missed', missedCount: 1 });
  });

  it('caps the count', () => {
    const j = judgeScheduler({ def: { every: 1000 }, next, pending: null }, next + 10 * HOUR, grace);
    expect(j).toMatchObject({ status: 'missed', missedCount: MISSED_COUNT_CAP, missedCapped: true });
    expect(describeMissed(j.missedCount, j.missedCapped)).toBe('missed 1,000+ runs');
  });

  it('calls a run late when it started after the grace (or the objective given)', () => {
    const running = { state: 'active', enqueuedAt: next - 5 * MIN, startedAt: next + 2 * MIN, finishedAt: null };
    expect(judgeScheduler({ def: { every: 5 * MIN }, next, pending: running }, next + 3 * MIN, grace)).toMatchObject({ status: 'late', lateByMs: 2 * MIN });
    expect(judgeScheduler({ def: { every: 5 * MIN }, next, pending: running }, next + 3 * MIN, grace, 5 * MIN).status).toBe('ok');
    // The last settled run was late and the next one is not due yet: still late.
    expect(judgeScheduler({ def: { every: 5 * MIN }, next, pending: delayed, last: { due: next - 5 * MIN, startedAt: next - 2 * MIN } }, next - MIN, grace)).toMatchObject({ status: 'late', lateByMs: 3 * MIN });
  });

  it('has nothing to judge without a next run', () => {
    expect(judgeScheduler({ def: { every: 1000 }, next: null, pending: null }, next + HOUR, grace).status).toBe('ok');
  });
});

describe('a scheduler that ended, and the round’s cron budget', () => {
  const GRACE = 1000;
  it('is ok when its last run (limit reached or past its end date) is no longer kept: nothing else will be due', () => {
    expect(hasRunAfter({ every: 1000, limit: 3, iterationCount: 3 }, 0)).toBe(false);
    expect(hasRunAfter({ every: 1000, limit: 3, iterationCount: 2 }, 0)).toBe(true);
    expect(hasRunAfter({ every: 1000, endDate: 500 }, 0)).toBe(false);
    expect(hasRunAfter({ pattern: '0 9 * * *', tz: 'UTC', endDate: at('2026-01-02T08:00:00Z') }, at('2026-01-01T09:00:00Z'))).toBe(false);
    expect(hasRunAfter({ pattern: '0 9 * * *', tz: 'UTC', endDate: at('2026-01-02T09:00:00Z') }, at('2026-01-01T09:00:00Z'))).toBe(true);
    const now = 10 * HOUR;
    expect(judgeScheduler({ def: { every: 1000, limit: 3, iterationCount: 3 }, next: 0, pending: null }, now, GRACE).status).toBe('ok');
    expect(judgeScheduler({ def: { every: 1000, endDate: 500 }, next: 0, pending: null }, now, GRACE).status).toBe('ok');
    // Its last run still waiting to start is missed all the same.
    const waiting = { state: 'delayed', enqueuedAt: 0, startedAt: null, finishedAt: null };
    expect(judgeScheduler({ def: { every: 1000, limit: 3, iterationCount: 3 }, next: 0, pending: waiting }, now, GRACE)).toMatchObject({ status: 'missed', missedCount: 1 });
    // One that goes on, with its pending job gone, is missed.
    expect(judgeScheduler({ def: { every: 1000, endDate: 5000 }, next: 0, pending: null }, now, GRACE)).toMatchObject({ status: 'missed', missedCount: 6 });
  });

  it('counts cron runs within a shared step budget; once spent, the count is a lower bound (capped)', () => {
    const budget = { steps: 5 };
    const first = dueTimesFrom({ pattern: '* * * * *', tz: 'UTC' }, at('2026-01-01T00:00:00Z'), at('2026-01-01T10:00:00Z'), MISSED_COUNT_CAP, budget);
    expect(first).toEqual({ times: expect.any(Array), capped: true });
    expect(first.times).toHaveLength(6);
    expect(budget.steps).toBe(0);
    const next = judgeScheduler({ def: { pattern: '* * * * *', tz: 'UTC' }, next: at('2026-01-01T00:00:00Z'), pending: null }, at('2026-01-01T10:00:00Z'), GRACE, GRACE, budget);
    expect(next).toMatchObject({ status: 'missed', missedCount: 1, missedCapped: true });
    expect(describeMissed(next.missedCount, next.missedCapped)).toBe('missed 1+ runs');
  });
});
