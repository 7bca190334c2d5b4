// Queue objectives judged (lib/objectives/judge-objectives.ts), the config file's objectives parsed,
// and the objective alert kinds judged by the pure evaluator against each queue's own objective.
import { describe, expect, it } from 'vitest';
import { judgeObjectives } from '@/lib/objectives/judge-objectives';
import { queueObjectivesSchema, type ObjectiveValues } from '@/lib/objectives/objective';
import { droverConfigSchema } from '@/lib/config/schema';
import { evaluateRule, type EvaluationInput } from '@/lib/alerts/evaluate-rule';
import type { AlertRule } from '@/lib/alerts/rule';
import type { QueueSnapshot } from '@/lib/metrics/snapshot';

const AT = 1_700_000_000_000;
const none: ObjectiveValues = { waitP95Ms: null, oldestWaitMs: null, failureRatePct: null, processingP95Ms: null };

describe('judging a queue against its objectives', () => {
  const objectives = queueObjectivesSchema.parse({ waitP95Ms: 60_000, oldestWaitMs: 120_000, failureRatePct: 5 });

  it('breach when one is missed, warn at 80 % of one, ok below, none when nothing could be measured', () => {
    expect(judgeObjectives(objectives, { ...none, waitP95Ms: 240_000, oldestWaitMs: 100_000 }, AT)).toEqual({
      at: AT,
      values: { ...none, waitP95Ms: 240_000, oldestWaitMs: 100_000 },
      breached: ['waitP95Ms'],
      level: 'breach',
      text: 'Wait p95 4 m > 1 m · Oldest wait 1 m ≤ 2 m',
    });
    expect(judgeObjectives(objectives, { ...none, failureRatePct: 4.5 }, AT)).toMatchObject({ level: 'warn', breached: [], text: 'Failure rate 4.5% ≤ 5%' });
    expect(judgeObjectives(objectives, { ...none, failureRatePct: 1, oldestWaitMs: 0 }, AT)).toMatchObject({ level: 'ok', text: 'Objectives met' });
    expect(judgeObjectives(objectives, none, AT)).toMatchObject({ level: 'none', text: 'No data yet' });
    // A value for an objective the queue does not have is not judged.
    expect(judgeObjectives(objectives, { ...none, processingP95Ms: 1e9 }, AT).level).toBe('none');
  });

  it('exactly at the objective is met (the objective is the largest value allowed)', () => {
    expect(judgeObjectives(objectives, { ...none, oldestWaitMs: 120_000 }, AT)).toMatchObject({ level: 'warn', breached: [] });
    expect(judgeObjectives(objectives, { ...none, oldestWaitMs: 120_001 }, AT)).toMatchObject({ level: 'breach', breached: ['oldestWaitMs'] });
  });
});

describe('an objective of 0', () => {
  // Failed before this fix: 0 ≥ 0 × 0.8 judged a 0 % failure rate with 0 % measured "warn".
  it('has no warning band: 0 measured is ok, anything above 0 a breach', () => {
    const zero = queueObjectivesSchema.parse({ failureRatePct: 0 });
    expect(judgeObjectives(zero, { ...none, failureRatePct: 0 }, AT)).toMatchObject({ level: 'ok', breached: [], text: 'Objectives met' });
    expect(judgeObjectives(zero, { ...none, failureRatePct: 0.01 }, AT)).toMatchObject({ level: 'breach', breached: ['failureRatePct'] });
  });
});

describe('objectives in the config file', () => {
  const config = (objectives: unknown) => droverConfigSchema.safeParse({ connections: [{ name: 'main', url: 'redis://127.0.0.1:6379', objectives }] });

  it('are read per queue with the default window', () => {
    const parsed = config({ email: { waitP95Ms: 60_000 } });
    expect(parsed.success && parsed.data.connections[0].objectives).toEqual({ email: { waitP95Ms: 60_000, windowMinutes: 15 } });
    const omitted = droverConfigSchema.parse({ connections: [{ name: 'main', url: 'redis://127.0.0.1:6379' }] });
    expect(omitted.connections[0].objectives).toEqual({});
  });

  it('name the exact field of a mistake', () => {
    const bad = config({ email: { waitP95Ms: -5 } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['connections', 0, 'objectives', 'email', 'waitP95Ms']);
    expect(config({ email: { windowMinutes: 5 } }).success).toBe(false); // no objective at all
    expect(config({ 'a:b': { waitP95Ms: 1 } }).success).toBe(false); // not a queue name
    expect(config({ email: { waitP95Ms: 1, typo: 1 } }).success).toBe(false);
  });
});

describe('objective alert kinds', () => {
  const q = (name: string): QueueSnapshot =>
    ({ name, exists: true, paused: false, counts: { waiting: 0, prioritized: 0, active: 0, delayed: 0, failed: 0, completed: 0, 'waiting-children': 0 }, oldestWaitingAt: null, completedSeries: [], failedSeries: [], workers: 1 }) as unknown as QueueSnapshot;
  const rule: AlertRule = {
    id: 'r1', name: 'wait', enabled: true, kind: 'objective-wait-p95', connection: 'main', queue: null, threshold: 0, minutes: 0, cooldownMinutes: 0,
    webhookUrl: 'https://hooks.example.com/x', webhookFormat: 'json', createdAt: 0, createdBy: 'a', updatedAt: 0,
  };
  const input = (values: Record<string, Partial<ObjectiveValues> & { goal?: number }>): EvaluationInput => ({
    now: AT,
    snapshot: { at: AT, connections: [{ name: 'main', up: true, error: null, deadLetterQueue: 'dead-letter', deadLetterJobs: 0, queues: [q('fast'), q('slow'), q('unset')] }] },
    dlqGrowth: () => null,
    objectives: (_c, queue) => {
      const v = values[queue];
      if (!v) return null;
      return { objectives: { waitP95Ms: v.goal ?? 1000, windowMinutes: 15 }, values: { ...none, ...v } };
    },
  });

  it('each queue is judged against its own objective; a queue without one is not a target', () => {
    const { state, transitions } = evaluateRule(rule, undefined, input({ fast: { waitP95Ms: 900 }, slow: { waitP95Ms: 5000, goal: 4000 } }));
    expect(transitions.map((t) => [t.type, t.target, t.value])).toEqual([['firing', 'main/slow', 5000]]);
    expect(Object.keys(state.targets).sort()).toEqual(['main/fast', 'main/slow']);
    // The objective cleared: the firing target resolves.
    const after = evaluateRule(rule, state, { ...input({ fast: { waitP95Ms: 900 } }), now: AT + 10_000 });
    expect(after.transitions.map((t) => [t.type, t.target])).toEqual([['resolved', 'main/slow']]);
  });

  it('when the objectives could not be measured the targets keep their state (no data is not resolved)', () => {
    const { state } = evaluateRule(rule, undefined, input({ slow: { waitP95Ms: 5000 } }));
    const { objectives: _unknown, ...unmeasured } = input({});
    const after = evaluateRule(rule, state, { ...unmeasured, now: AT + 10_000 });
    expect(after.transitions).toEqual([]);
    expect(after.state.targets['main/slow'].state).toBe('firing');
  });

  // Failed before this fix: a null value (no data this round) resolved a firing target, which fired again next round.
  it('no data this round (null) keeps a firing target firing: no resolve, no second page', () => {
    const { state } = evaluateRule(rule, undefined, input({ slow: { waitP95Ms: 5000 } }));
    expect(state.targets['main/slow'].state).toBe('firing');
    const noData = evaluateRule(rule, state, { ...input({ slow: { waitP95Ms: null } }), now: AT + 10_000 });
    expect(noData.transitions).toEqual([]);
    expect(noData.state.targets['main/slow']).toMatchObject({ state: 'firing', since: AT });
    const again = evaluateRule(rule, noData.state, { ...input({ slow: { waitP95Ms: 6000 } }), now: AT + 20_000 });
    expect(again.transitions).toEqual([]);
    // Back within the objective: one resolve.
    const within = evaluateRule(rule, again.state, { ...input({ slow: { waitP95Ms: 500 } }), now: AT + 30_000 });
    expect(within.transitions.map((t) => [t.type, t.value])).toEqual([['resolved', 500]]);
  });

  it.each(['stalled-jobs', 'backlog-growing-no-workers'] as const)('%s: no data keeps the state; a named queue that is gone resolves', (kind) => {
    const r: AlertRule = { ...rule, kind, queue: 'slow', threshold: 1, minutes: 5 };
    const base = input({});
    const withValue = (v: number | null, queues = base.snapshot.connections[0].queues): EvaluationInput => ({
      ...base,
      snapshot: { ...base.snapshot, connections: [{ ...base.snapshot.connections[0], queues }] },
      stalledCount: () => v,
      backlogGrowth: () => v,
    });
    const { state } = evaluateRule(r, undefined, withValue(5));
    expect(state.targets['main/slow'].state).toBe('firing');
    const noData = evaluateRule(r, state, { ...withValue(null), now: AT + 10_000 });
    expect(noData.transitions).toEqual([]);
    expect(noData.state.targets['main/slow'].state).toBe('firing');
    const gone = evaluateRule(r, noData.state, { ...withValue(null, [q('fast')]), now: AT + 20_000 });
    expect(gone.transitions.map((t) => t.type)).toEqual(['resolved']);
  });
});
