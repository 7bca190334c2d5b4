// The schedule-missed alert kind judged by the pure evaluator: one target per job scheduler, the
// threshold on missed runs, gone schedulers counted, the dead-letter queue left out of "every queue",
// and a connection whose watch records could not be read keeps its targets as they were.
import { describe, expect, it } from 'vitest';
import { evaluateRule, type EvaluationInput, type ScheduleReading } from '@/lib/alerts/evaluate-rule';
import type { AlertRule } from '@/lib/alerts/rule';
import type { MetricsSnapshot } from '@/lib/metrics/snapshot';

const rule = (fields: Partial<AlertRule> = {}): AlertRule => ({
  id: 'r1',
  name: 'schedules',
  enabled: true,
  kind: 'schedule-missed',
  connection: 'main',
  queue: null,
  threshold: 0,
  minutes: 0,
  cooldownMinutes: 0,
  webhookUrl: 'https://hooks.example.com/x',
  webhookFormat: 'json',
  createdAt: 0,
  createdBy: 'a',
  updatedAt: 0,
  ...fields,
});

const snapshot: MetricsSnapshot = { at: 0, connections: [{ name: 'main', up: true, error: null, deadLetterQueue: 'dead-letters', deadLetterJobs: 0, queues: [] }] };

function input(now: number, readings: ScheduleReading[] | null): EvaluationInput {
  return { now, snapshot, dlqGrowth: () => null, schedules: () => readings };
}

describe('schedule-late rules', () => {
  it('fires for a scheduler whose last run started late, with how late, and resolves when it runs on time', () => {
    const late = rule({ kind: 'schedule-late' });
    const first = evaluateRule(late, undefined, input(1000, [{ queue: 'report', id: 'nightly', status: 'late', missedCount: 0, lateByMs: 90_000 }, { queue: 'report', id: 'hourly', status: 'missed', missedCount: 4 }]));
    expect(first.transitions.map((t) => [t.type, t.target, t.value])).toEqual([['firing', 'main/report/nightly', 90_000]]);
    const back = evaluateRule(late, first.state, input(2000, [{ queue: 'report', id: 'nightly', status: 'ok', missedCount: 0 }]));
    expect(back.transitions).toMatchObject([{ type: 'resolved', target: 'main/report/nightly' }]);
  });
});

describe('schedule-missed rules', () => {
  it('fires per scheduler past the threshold, counts gone ones, and leaves the dead-letter queue out', () => {
    const readings: ScheduleReading[] = [
      { queue: 'report', id: 'nightly', status: 'missed', missedCount: 3 },
      { queue: 'report', id: 'hourly', status: 'ok', missedCount: 0 },
      { queue: 'email', id: 'digest', status: 'gone', missedCount: 1 },
      { queue: 'email', id: 'slow', status: 'late', missedCount: 0 },
      { queue: 'dead-letters', id: 'x', status: 'missed', missedCount: 9 },
    ];
    const { state, transitions } = evaluateRule(rule({ threshold: 0 }), undefined, input(1000, readings));
    expect(transitions.map((t) => [t.type, t.target, t.value])).toEqual([
      ['firing', 'main/report/nightly', 3],
      ['firing', 'main/email/digest', 1],
    ]);
    expect(Object.keys(state.targets).sort()).toEqual(['main/email/digest', 'main/email/slow', 'main/report/hourly', 'main/report/nightly']);
    // A threshold of 2 and one queue: only the scheduler with 3 missed runs.
    const narrow = evaluateRule(rule({ threshold: 2, queue: 'report' }), undefined, input(1000, readings));
    expect(narrow.transitions.map((t) => t.target)).toEqual(['main/report/nightly']);
  });

  it('resolves when the scheduler runs again or is removed through Drover, and keeps its state while the records are unreadable', () => {
    const missed: ScheduleReading[] = [{ queue: 'report', id: 'nightly', status: 'missed', missedCount: 2 }];
    const first = evaluateRule(rule(), undefined, input(1000, missed));
    const unknown = evaluateRule(rule(), first.state, input(2000, null));
    expect(unknown.transitions).toEqual([]);
    expect(unknown.state.targets['main/report/nightly'].state).toBe('firing');
    const back = evaluateRule(rule(), unknown.state, input(3000, [{ queue: 'report', id: 'nightly', status: 'ok', missedCount: 0 }]));
    expect(back.transitions).toMatchObject([{ type: 'resolved', target: 'main/report/nightly', notify: true }]);
    const again = evaluateRule(rule(), first.state, input(3000, []));
    expect(again.transitions).toMatchObject([{ type: 'resolved', target: 'main/report/nightly' }]);
  });
});
