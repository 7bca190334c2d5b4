// Pure pieces of metrics and alerts: percentiles, the sample encoding, chart thinning, the alert state
// machine, webhook masking and message bodies.
import { publicBaseUrl } from '@/lib/alerts/alert-link';
import { describe, expect, it } from 'vitest';
import { percentile, percentilesOf } from '@/lib/metrics/percentiles';
import { decodeSample, encodeSample } from '@/lib/metrics/sample';
import { sumThroughput, thinDepth } from '@/components/metrics/downsample';
import { evaluateRule, summarizeState, type RuleState } from '@/lib/alerts/evaluate-rule';
import { alertRuleInputSchema, maskWebhookUrl, toPublicRule, type AlertRule } from '@/lib/alerts/rule';
import { notificationBody } from '@/lib/alerts/notify';
import type { MetricsSnapshot, QueueSnapshot } from '@/lib/metrics/snapshot';

describe('percentiles (nearest rank)', () => {
  it('picks the value at rank ceil(p/100 × n)', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100…1, unsorted on purpose
    expect(percentilesOf(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99 });
    expect(percentilesOf([7])).toEqual({ count: 1, p50: 7, p95: 7, p99: 7 });
    expect(percentilesOf([])).toEqual({ count: 0, p50: null, p95: null, p99: null });
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
  });
});

describe('sample encoding', () => {
  it('round-trips a queue’s counts through stream fields', () => {
    const fields = encodeSample({ waiting: 5, active: 2, delayed: 1, prioritized: 3, 'waiting-children': 4, completed: 900, failed: 7 }, 2, true);
    expect(fields).toEqual(['w', 5, 'a', 2, 'd', 1, 'p', 3, 'wc', 4, 'c', 900, 'f', 7, 'k', 2, 'z', 1]);
    expect(decodeSample('1700000000000-0', fields.map(String))).toEqual({
      t: 1700000000000, waiting: 5, active: 2, delayed: 1, prioritized: 3, waitingChildren: 4, completed: 900, failed: 7, workers: 2, paused: true,
    });
    // The oldest wait (seconds) rides along when given; points recorded without it have none.
    const withWait = encodeSample({ waiting: 1, active: 0, delayed: 0, prioritized: 0, 'waiting-children': 0, completed: 0, failed: 0 }, 1, false, 42);
    expect(withWait.slice(-2)).toEqual(['o', 42]);
    expect(decodeSample('7-0', withWait.map(String)).oldestWaitS).toBe(42);
    expect(decodeSample('7-0', fields.map(String))).not.toHaveProperty('oldestWaitS');
    // The measured p95s (ms) ride along when measured; one not measured (null) is left out, not written as 0.
    const zero = { waiting: 0, active: 0, delayed: 0, prioritized: 0, 'waiting-children': 0, completed: 0, failed: 0 };
    const withP95s = encodeSample(zero, 1, false, 0, { waitP95Ms: 1500, processingP95Ms: 850 });
    expect(withP95s.slice(-4)).toEqual(['pw', 1500, 'pp', 850]);
    expect(decodeSample('7-0', withP95s.map(String))).toMatchObject({ waitP95Ms: 1500, processingP95Ms: 850 });
    const onlyProcessing = decodeSample('7-0', encodeSample(zero, 1, false, 0, { waitP95Ms: null, processingP95Ms: 0 }).map(String));
    expect(onlyProcessing).not.toHaveProperty('waitP95Ms');
    expect(onlyProcessing.processingP95Ms).toBe(0);
    expect(decodeSample('7-0', withWait.map(String))).not.toHaveProperty('processingP95Ms');
    // Missing fields read as 0 (a future field added to old points).
    expect(decodeSample('5-0', ['w', '1'])).toMatchObject({ t: 5, waiting: 1, active: 0, paused: false });
  });
});

describe('chart thinning', () => {
  it('keeps at most the drawable number of points: last value per bucket for depth, sums for throughput', () => {
    const depth = Array.from({ length: 10_080 }, (_, i) => ({ t: i, waiting: i, active: 0, delayed: 0, prioritized: 0, waitingChildren: 0, completed: 0, failed: 0, workers: 0, paused: false }));
    const thin = thinDepth(depth, 1500);
    expect(thin.length).toBeLessThanOrEqual(1500);
    expect(thin[0].waiting).toBe(6); // bucket of 7: its last point
    expect(thin.at(-1)!.waiting).toBe(10_079);
    const throughput = Array.from({ length: 10_080 }, (_, i) => ({ t: i, completed: 1, failed: i % 7 === 0 ? 1 : 0, failureRate: null }));
    const summed = sumThroughput(throughput, 1500);
    expect(summed.reduce((n, p) => n + p.completed, 0)).toBe(10_080);
    expect(summed[0]).toEqual({ t: 0, completed: 7, failed: 1, failureRate: 12.5 });
    expect(thinDepth(depth.slice(0, 10))).toHaveLength(10);
  });
});

const RULE: AlertRule = {
  id: '6f1c1c43-7d4c-4f61-9d0e-2b0f8c3a1a10',
  name: 'backlog',
  enabled: true,
  kind: 'waiting-depth',
  connection: 'main',
  queue: 'mail',
  threshold: 10,
  minutes: 2,
  cooldownMinutes: 0,
  webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET',
  webhookFormat: 'json',
  createdAt: 0,
  createdBy: 'admin',
  updatedAt: 0,
};

function snapshot(waiting: number, up = true): MetricsSnapshot {
  const q = {
    connection: 'main', name: 'mail', exists: true, paused: false, workers: 1, oldestWaitingAt: null, globalConcurrency: null, globalRateLimit: null,
    counts: { waiting, active: 0, delayed: 0, prioritized: 0, 'waiting-children': 0, completed: 0, failed: 0 },
    completed: { lastMinute: 0, lastHour: 0 }, failed: { lastMinute: 0, lastHour: 0 }, metricsRecorded: false, completedSeries: [], failedSeries: [],
  } as QueueSnapshot;
  return { at: 0, connections: [{ name: 'main', up, error: up ? null : 'down', deadLetterQueue: 'dead-letter', deadLetterJobs: up ? 0 : null, queues: up ? [q] : [] }] };
}

describe('alert state machine', () => {
  it('goes ok → pending → firing after M minutes, keeps firing quietly, and resolves', () => {
    let state: RuleState | undefined;
    const step = (now: number, waiting: number, up = true) => {
      const r = evaluateRule(RULE, state, { now, snapshot: snapshot(waiting, up), dlqGrowth: () => null });
      state = r.state;
      return r.transitions.map((t) => `${t.type}:${t.notify}`);
    };
    expect(step(0, 11)).toEqual([]);
    expect(summarizeState(state).status).toBe('pending');
    expect(step(60_000, 5)).toEqual([]); // dipped below: the wait starts over
    expect(summarizeState(state).status).toBe('ok');
    expect(step(70_000, 11)).toEqual([]);
    expect(step(70_000 + 119_000, 12)).toEqual([]);
    expect(step(70_000 + 120_000, 12)).toEqual(['firing:true']);
    expect(step(300_000, 50)).toEqual([]);
    expect(summarizeState(state)).toMatchObject({ status: 'firing', value: 50, target: 'main/mail' });
    // Its connection is down: no data is not "resolved".
    expect(step(310_000, 0, false)).toEqual([]);
    expect(summarizeState(state).status).toBe('firing');
    expect(step(320_000, 0)).toEqual(['resolved:true']);
  });
});

describe('query rules', () => {
  it('fire past N matches; a count that could not finish (null) keeps the target as it was, a real count resolves it', () => {
    const rule: AlertRule = { ...RULE, kind: 'query-matches', query: 'state:failed', threshold: 2, minutes: 0 };
    let state: RuleState | undefined;
    const step = (now: number, count: number | null) => {
      const r = evaluateRule(rule, state, { now, snapshot: snapshot(0), dlqGrowth: () => null, queryMatches: (id) => (id === rule.id ? count : null) });
      state = r.state;
      return r.transitions.map((t) => `${t.type}:${t.value}`);
    };
    expect(step(0, 2)).toEqual([]);
    expect(step(10_000, 3)).toEqual(['firing:3']);
    expect(step(20_000, null)).toEqual([]);
    expect(summarizeState(state)).toMatchObject({ status: 'firing', value: 3 });
    expect(step(30_000, 1)).toEqual(['resolved:1']);
  });
});

describe('rules', () => {
  it('never show the webhook URL: only its scheme and host', () => {
    expect(maskWebhookUrl(RULE.webhookUrl!)).toBe('https://hooks.slack.com/…');
    expect(maskWebhookUrl('http://user:pw@10.0.0.5:8080/x?token=1')).toBe('http://10.0.0.5:8080/…');
    const pub = toPublicRule(RULE);
    expect(JSON.stringify(pub)).not.toContain('SECRET');
    expect('webhookUrl' in pub).toBe(false);
  });

  it('validate thresholds and minutes by kind', () => {
    const base = { name: 'x', kind: 'failure-rate', connection: 'main', webhookUrl: 'https://example.com/h' };
    expect(alertRuleInputSchema.safeParse({ ...base, threshold: 150, minutes: 5 }).success).toBe(false);
    expect(alertRuleInputSchema.safeParse({ ...base, threshold: 12.5, minutes: 61 }).success).toBe(false);
    expect(alertRuleInputSchema.safeParse({ ...base, threshold: 12.5, minutes: 5 }).success).toBe(true);
    expect(alertRuleInputSchema.safeParse({ ...base, webhookUrl: 'javascript:alert(1)', threshold: 1, minutes: 5 }).success).toBe(false);
  });

  it('build generic JSON bodies with the documented fields', () => {
    const body = notificationBody(RULE, { state: 'resolved', connection: 'main', queue: 'mail', value: 3, at: Date.UTC(2026, 0, 2, 3, 4, 5) });
    expect(body).toEqual({
      rule: 'backlog', ruleId: RULE.id, kind: 'waiting-depth', state: 'resolved', value: 3, threshold: 10, minutes: 2, connection: 'main', queue: 'mail',
      at: '2026-01-02T03:04:05.000Z', text: '[RESOLVED] backlog: Waiting jobs in main/mail: 3 (threshold > 10 for 2 min)',
      link: `${publicBaseUrl()}/connections/main/queues/mail`,
    });
  });
});
