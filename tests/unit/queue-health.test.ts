// The overview's health column and "needs attention" order (lib/queues/queue-health.ts).
import { describe, expect, it } from 'vitest';
import { compareAttention, compareJudged, queueHealth, shortDuration, type HealthInput } from '@/lib/queues/queue-health';

const NOW = 1_700_000_000_000;

function queue(name: string, over: Partial<Omit<HealthInput, 'counts'>> & { counts?: Partial<HealthInput['counts']> } = {}): HealthInput {
  const { counts, ...rest } = over;
  return {
    name,
    connection: 'default',
    workers: 1,
    paused: false,
    oldestWaitingAt: null,
    recentFailed: 0,
    ...rest,
    counts: { waiting: 0, prioritized: 0, active: 0, delayed: 0, failed: 0, ...counts },
  };
}

describe('queue health', () => {
  it('says why in words', () => {
    expect(queueHealth(queue('a', { workers: 0, counts: { waiting: 1200, prioritized: 4 }, oldestWaitingAt: NOW - 3_600_000 }), NOW)).toEqual({
      level: 'no-workers', text: 'No workers, 1,204 waiting', weight: 1204, failingNow: false, objective: null,
    });
    expect(queueHealth(queue('b', { counts: { waiting: 3 }, oldestWaitingAt: NOW - 12 * 60_000 - 5_000 }), NOW).text).toBe('Oldest wait 12 m');
    expect(queueHealth(queue('c', { recentFailed: 37, counts: { failed: 1020 } }), NOW)).toMatchObject({ level: 'failing', text: '37 failed in 15 m', failingNow: true });
    expect(queueHealth(queue('d', { counts: { failed: 1020 } }), NOW)).toEqual({ level: 'ok', text: 'OK', weight: 0, failingNow: false, objective: null });
  });

  it('names every problem, the most urgent first', () => {
    expect(queueHealth(queue('a', { workers: 0, counts: { waiting: 5 }, recentFailed: 2 }), NOW).text).toBe('No workers, 5 waiting · 2 failed in 15 m');
  });

  it('does not alarm on what is held on purpose or not yet due', () => {
    // A paused queue keeps its jobs waiting; a short wait with workers is normal; delayed jobs are not late.
    expect(queueHealth(queue('p', { paused: true, workers: 0, counts: { waiting: 8 }, oldestWaitingAt: NOW - 86_400_000 }), NOW)).toMatchObject({ level: 'ok', text: 'Paused, 8 waiting' });
    expect(queueHealth(queue('s', { counts: { waiting: 8 }, oldestWaitingAt: NOW - 59_000 }), NOW).text).toBe('OK');
    expect(queueHealth(queue('l', { workers: 0, counts: { delayed: 8 } }), NOW).text).toBe('OK');
    // The dead-letter queue holds failures by design.
    expect(queueHealth(queue('dead-letter', { deadLetterQueue: true, workers: 0, counts: { waiting: 9 }, recentFailed: 9 }), NOW).text).toBe('OK');
    // No record of recent failures is not a failure.
    expect(queueHealth(queue('n', { recentFailed: null, counts: { failed: 50 } }), NOW).text).toBe('OK');
  });

  it('formats waits in whole units', () => {
    expect([shortDuration(45_900), shortDuration(12 * 60_000), shortDuration(3 * 3_600_000 + 1), shortDuration(2 * 86_400_000)]).toEqual(['45 s', '12 m', '3 h', '2 d']);
  });
});

describe('needs-attention order', () => {
  it('puts a backlog without workers first, then the oldest wait, then recent failures, then the rest by name', () => {
    const rows = [
      queue('quiet-with-history', { counts: { failed: 1020 } }),
      queue('alpha-ok'),
      queue('failing-a-little', { recentFailed: 3 }),
      queue('failing-a-lot', { recentFailed: 37 }),
      queue('slow', { counts: { waiting: 2 }, oldestWaitingAt: NOW - 5 * 60_000 }),
      queue('slower', { counts: { waiting: 2 }, oldestWaitingAt: NOW - 20 * 60_000 }),
      queue('small-backlog', { workers: 0, counts: { waiting: 3 } }),
      queue('big-backlog', { workers: 0, counts: { waiting: 1204 } }),
      queue('paused-backlog', { workers: 0, paused: true, counts: { waiting: 5000 } }),
    ];
    expect(rows.sort((a, b) => compareAttention(a, b, NOW)).map((q) => q.name)).toEqual([
      'big-backlog',
      'small-backlog',
      'slower',
      'slow',
      'failing-a-lot',
      'failing-a-little',
      'alpha-ok',
      'paused-backlog',
      'quiet-with-history',
    ]);
  });

  it('orders queues judged once (as the overview does) exactly as judging them per comparison', () => {
    const rows = [
      queue('b-fine'),
      queue('a-fine'),
      queue('failing', { recentFailed: 2 }),
      queue('waiting-long', { counts: { waiting: 1 }, oldestWaitingAt: NOW - 2 * 60_000 }),
      queue('no-workers', { workers: 0, counts: { prioritized: 4 } }),
      queue('other-connection', { connection: 'b' }),
    ];
    const judged = rows.map((q) => ({ ...q, health: queueHealth(q, NOW) }));
    const byJudged = [...judged].sort(compareJudged).map((q) => q.name);
    expect(byJudged).toEqual([...rows].sort((a, b) => compareAttention(a, b, NOW)).map((q) => q.name));
    expect(byJudged).toEqual(['no-workers', 'waiting-long', 'failing', 'other-connection', 'a-fine', 'b-fine']);
  });

  it('a missed objective ranks after "no workers" and before a long wait; a close one colours amber without moving the queue', () => {
    const breach = { level: 'breach' as const, breached: ['waitP95Ms'], text: 'Wait p95 4 m > 1 m' };
    const rows = [
      queue('waiting-long', { counts: { waiting: 1 }, oldestWaitingAt: NOW - 20 * 60_000 }),
      queue('missed-two', { objective: { ...breach, breached: ['waitP95Ms', 'oldestWaitMs'], text: 'Wait p95 4 m > 1 m · Oldest wait 5 m > 2 m' } }),
      queue('missed-one', { objective: breach }),
      queue('close', { objective: { level: 'warn', breached: [], text: 'Failure rate 4.5% ≤ 5%' } }),
      queue('no-workers', { workers: 0, counts: { waiting: 3 }, objective: breach }),
      queue('fine'),
    ];
    const judged = rows.map((q) => ({ ...q, health: queueHealth(q, NOW) }));
    expect(judged.sort(compareJudged).map((q) => q.name)).toEqual(['no-workers', 'missed-two', 'missed-one', 'waiting-long', 'close', 'fine']);
    expect(queueHealth(rows[2], NOW)).toEqual({ level: 'objective', text: 'Wait p95 4 m > 1 m', weight: 1, failingNow: false, objective: 'breach' });
    expect(queueHealth(rows[3], NOW)).toMatchObject({ level: 'ok', text: 'Failure rate 4.5% ≤ 5%', objective: 'warn' });
    // No workers stays the first word; the missed objective is named after it.
    expect(queueHealth(rows[4], NOW)).toMatchObject({ level: 'no-workers', text: 'No workers, 3 waiting · Wait p95 4 m > 1 m', objective: 'breach' });
  });
});
