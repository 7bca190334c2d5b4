// The circuit breaker's rules (lib/circuits/circuit.ts), which both stores apply: when it opens
// (consecutive failures or a failure rate over the window), the half-open probe, cool-down doubling,
// what a success or a released probe changes, and the scrubbing of the failures kept for the console.
import { describe, expect, it } from 'vitest';
import { admitJob, applyOutcome, holdsJobs, resetRecord, scrubCircuitError, CIRCUIT_CAPS, CIRCUIT_COOLDOWN_MAX_MS, CIRCUIT_HELD_IDLE_MS, CIRCUIT_SPREAD_MAX_MS, CIRCUIT_ERROR_MAX, CIRCUIT_HELD_MAX, CIRCUIT_RECENT_MAX, CIRCUIT_RECORDS_MAX, type CircuitPolicy, type CircuitRecord } from '@/lib/circuits/circuit';
import { readCircuitSettings } from '@/workers/runtime/circuit-settings';
import { httpDestination, smtpDestination, webhookDestination } from '@/workers/runtime/circuit-destination';
import { evaluateRule, type CircuitReading, type EvaluationInput } from '@/lib/alerts/evaluate-rule';
import type { AlertRule } from '@/lib/alerts/rule';
import type { MetricsSnapshot } from '@/lib/metrics/snapshot';

const policy: CircuitPolicy = { failures: 3, failureRatePercent: 50, windowMs: 60_000, minVolume: 10, cooldownMs: 1_000, maxCooldownMs: 3_000 };
const probe = { token: 'p1', leaseMs: 15_000 };

function fail(record: CircuitRecord | null, now: number, error = 'HTTP 503', probeToken?: string) {
  return applyOutcome(record, { kind: 'failure', error, probeToken }, now, policy)!;
}

describe('circuit breaker rules', () => {
  it('a destination without a record runs, and its successes write nothing', () => {
    expect(admitJob(null, 0, probe)).toEqual({ admission: { kind: 'run', clean: true } });
    expect(applyOutcome(null, { kind: 'success', count: 5 }, 0, policy)).toBeNull();
  });

  it('opens after N consecutive failures; a success in between starts the count again', () => {
    let r = fail(null, 1).next;
    r = fail(r, 2).next;
    expect(r.state).toBe('closed');
    expect(admitJob(r, 3, probe).admission).toEqual({ kind: 'run', clean: false });
    r = applyOutcome(r, { kind: 'success', count: 1 }, 3, policy)!.next;
    expect(r.consecutive).toBe(0);
    r = fail(r, 4).next;
    r = fail(r, 5).next;
    expect(r.state).toBe('closed');
    const third = fail(r, 6);
    expect(third.event).toBe('opened');
    expect(third.next).toMatchObject({ state: 'open', openedAt: 6, nextProbeAt: 6 + policy.cooldownMs, opened: 1 });
  });

  it('a failure carries the successes not written yet: they end the run of failures and count in the window first', () => {
    const rule: CircuitPolicy = { ...policy, failures: 5, failureRatePercent: 50, minVolume: 20 };
    // A receiver failing every 10th job: 9 successes on their way with each failure.
    let r: CircuitRecord | null = null;
    for (let i = 1; i <= 10; i++) {
      const changed: { next: CircuitRecord; event?: string } = applyOutcome(r, { kind: 'failure', error: 'HTTP 503', successes: 9 }, i, rule)!;
      expect(changed.event, `failure ${i}`).toBeUndefined();
      r = changed.next;
    }
    expect([r!.state, r!.consecutive, r!.windowFailures, r!.windowTotal]).toEqual(['closed', 1, 10, 100]);
    // Without them (what a failure written alone told before) the fifth opened it.
    let alone: CircuitRecord | null = null;
    for (let i = 1; i <= 5; i++) alone = applyOutcome(alone, { kind: 'failure', error: 'HTTP 503' }, i, rule)!.next;
    expect(alone!.state).toBe('open');
    // No successes on their way: failures in a row still add up; an expired window starts with them.
    expect(applyOutcome(r, { kind: 'failure', error: 'x', successes: 0 }, 20, rule)!.next.consecutive).toBe(2);
    const later = applyOutcome(r, { kind: 'failure', error: 'x', successes: 4 }, 11 + rule.windowMs, rule)!.next;
    expect([later.consecutive, later.windowFailures, later.windowTotal]).toEqual([1, 1, 5]);
  });

  it('opens on the failure rate over the window once it has the minimum volume, not before', () => {
    const rate: CircuitPolicy = { ...policy, failures: 100 };
    let r = applyOutcome(null, { kind: 'failure', error: 'x' }, 0, rate)!.next;
    r = applyOutcome(r, { kind: 'success', count: 3 }, 1, rate)!.next;
    for (let i = 0; i < 4; i++) {
      r = applyOutcome(r, { kind: 'failure', error: 'x' }, 2 + i, rate)!.next;
      r = applyOutcome(r, { kind: 'success', count: 1 }, 2 + i, rate)!.next;
    }
    // 5 failed of 12: under 50 %.
    expect([r.state, r.windowFailures, r.windowTotal]).toEqual(['closed', 5, 12]);
    r = applyOutcome(r, { kind: 'failure', error: 'x' }, 10, rate)!.next;
    expect([r.state, r.windowFailures, r.windowTotal]).toEqual(['closed', 6, 13]);
    const tripped = applyOutcome(r, { kind: 'failure', error: 'x' }, 11, rate)!;
    expect(tripped.event).toBe('opened');
    // A window that ran out starts again.
    const later = applyOutcome(r, { kind: 'failure', error: 'x' }, 10 + rate.windowMs, rate)!.next;
    expect([later.state, later.windowFailures, later.windowTotal]).toEqual(['closed', 1, 1]);
  });

  it('while open, jobs wait for the probe; after the cool-down one job is the probe and the others wait', () => {
    const open = fail(fail(fail(null, 0).next, 0).next, 0).next;
    expect(admitJob(open, 400, probe).admission).toEqual({ kind: 'wait', ms: 600, spreadMs: 1_000, state: 'open' });
    const claimed = admitJob(open, 1_000, probe);
    expect(claimed.admission).toEqual({ kind: 'probe' });
    expect(claimed.next).toMatchObject({ state: 'half-open', probeToken: 'p1', probeUntil: 16_000 });
    const other = admitJob(claimed.next!, 1_200, { token: 'p2', leaseMs: 15_000 });
    // The others wait for the probe's claim to end (14.8 s), not a cool-down (1 s): each look is a move
    // to active, taking a token of the queue's rate limiter.
    expect(other.admission).toEqual({ kind: 'wait', ms: 14_800, spreadMs: 1_000, state: 'half-open' });
    // A probe whose process died: its claim lapses and the next job probes.
    expect(admitJob(claimed.next!, 16_000, { token: 'p3', leaseMs: 15_000 }).next).toMatchObject({ probeToken: 'p3' });
  });

  it('held jobs come back spread over half the cool-down (at least 1 s, at most 5 min), not within a second of the probe', () => {
    const long: CircuitPolicy = { ...policy, cooldownMs: 60_000, maxCooldownMs: 3_600_000 };
    const open = applyOutcome(null, { kind: 'failure', error: 'x' }, 0, { ...long, failures: 1 })!.next;
    expect(admitJob(open, 10_000, probe).admission).toEqual({ kind: 'wait', ms: 50_000, spreadMs: 30_000, state: 'open' });
    const hourLong = { ...open, cooldownMs: 3_600_000, nextProbeAt: 3_600_000 };
    expect(admitJob(hourLong, 0, probe).admission).toMatchObject({ spreadMs: 5 * 60 * 1000 });
    const half = admitJob(open, 60_000, probe).next!;
    expect(admitJob(half, 61_000, { token: 'p2', leaseMs: 15_000 }).admission).toEqual({ kind: 'wait', ms: 14_000, spreadMs: 30_000, state: 'half-open' });
  });

  it('a failed probe re-opens it with the cool-down doubled up to the max; a successful one closes it clean', () => {
    const open = fail(fail(fail(null, 0).next, 0).next, 0).next;
    let half = admitJob(open, 1_000, probe).next!;
    // Another job's failure (admitted before it opened) changes nothing but the list of failures.
    const stray = fail(half, 1_100, 'late one', 'other');
    expect(stray.event).toBeUndefined();
    expect(stray.next.state).toBe('half-open');
    let r = fail(half, 1_200, 'HTTP 503', 'p1');
    expect(r.event).toBe('reopened');
    expect(r.next).toMatchObject({ state: 'open', cooldownMs: 2_000, nextProbeAt: 3_200, opened: 2 });
    half = admitJob(r.next, 3_200, probe).next!;
    r = fail(half, 3_300, 'HTTP 503', 'p1');
    expect(r.next.cooldownMs).toBe(3_000);
    half = admitJob(r.next, 6_300, probe).next!;
    expect(fail(half, 6_400, 'x', 'p1').next.cooldownMs).toBe(3_000);
    // A success that is not the probe's does not close it.
    expect(applyOutcome(half, { kind: 'success', count: 4 }, 6_400, policy)).toBeNull();
    const closed = applyOutcome(half, { kind: 'success', count: 1, probeToken: 'p1' }, 6_500, policy)!;
    expect(closed.event).toBe('closed');
    expect(closed.next).toMatchObject({ state: 'closed', consecutive: 0, windowFailures: 0, windowTotal: 0, cooldownMs: policy.cooldownMs, probeToken: null });
    expect(admitJob(closed.next, 6_600, probe).admission).toEqual({ kind: 'run', clean: true });
  });

  it('a released probe (it proved nothing) lets the next job probe at once', () => {
    const open = fail(fail(fail(null, 0).next, 0).next, 0).next;
    const half = admitJob(open, 1_000, probe).next!;
    expect(applyOutcome(half, { kind: 'released', probeToken: 'other' }, 1_100, policy)).toBeNull();
    const released = applyOutcome(half, { kind: 'released', probeToken: 'p1' }, 1_100, policy)!.next;
    expect(released).toMatchObject({ state: 'open', nextProbeAt: 1_100, probeToken: null });
    expect(admitJob(released, 1_100, { token: 'p2', leaseMs: 1 }).admission).toEqual({ kind: 'probe' });
  });

  it('keeps the last failures only, newest first; a reset closes it and keeps them to read', () => {
    let r: CircuitRecord | null = null;
    for (let i = 0; i < CIRCUIT_RECENT_MAX + 3; i++) r = fail(r, i, `e${i}`).next;
    expect(r!.recent.map((e) => e.error)).toEqual(['e7', 'e6', 'e5', 'e4', 'e3']);
    const reset = resetRecord(r, 100, policy, 'op@test');
    expect(reset).toMatchObject({ state: 'closed', consecutive: 0, nextProbeAt: null, resetBy: 'op@test', opened: r!.opened });
    expect(reset.recent).toHaveLength(CIRCUIT_RECENT_MAX);
  });

  it('open and half-open records hold jobs (indexed apart and capped by the stores); closed and unreadable ones do not', () => {
    const open = fail(fail(fail(null, 0).next, 1).next, 2).next;
    expect(open.state).toBe('open');
    expect(holdsJobs(JSON.stringify(open))).toBe(true);
    const probing = admitJob(open, open.nextProbeAt!, { token: 't', leaseMs: 1_000 }).next!;
    expect(probing.state).toBe('half-open');
    expect(holdsJobs(JSON.stringify(probing))).toBe(true);
    expect(holdsJobs(JSON.stringify(resetRecord(open, 100, policy, 'op@test')))).toBe(false);
    expect(holdsJobs('not json')).toBe(false);
    // README › Circuit breakers: 1,000 open or half-open, 2,000 in all (so a closed one to evict always exists).
    expect(CIRCUIT_CAPS).toEqual({ heldMax: 1_000, recordsMax: 2_000 });
    expect(CIRCUIT_RECORDS_MAX).toBeGreaterThan(CIRCUIT_HELD_MAX);
  });

  it('scrubs credentials and query strings out of failures, and cuts them', () => {
    expect(scrubCircuitError('connect to smtp://mailer:hunter2@mail.example:587 failed')).toBe('connect to smtp://***@mail.example:587 failed');
    expect(scrubCircuitError('POST https://user:pw@hooks.example/x?token=abc&sig=1 failed')).toBe('POST https://***@hooks.example/x?… failed');
    expect(scrubCircuitError('auth failed: password=s3cret')).toBe('auth failed: password=***');
    expect(scrubCircuitError('x'.repeat(CIRCUIT_ERROR_MAX + 50))).toHaveLength(CIRCUIT_ERROR_MAX + 1);
  });

  it('cuts failures by code points and keeps them well-formed: no lone surrogate, no NUL (PostgreSQL jsonb refuses both)', () => {
    // An emoji (a surrogate pair) straddling the cut: a cut by UTF-16 units would keep its high half alone.
    const straddling = scrubCircuitError(`${'x'.repeat(CIRCUIT_ERROR_MAX - 1)}\u{1F525}${'y'.repeat(20)}`);
    expect(straddling).toBe(`${'x'.repeat(CIRCUIT_ERROR_MAX - 1)}\u{1F525}…`);
    expect(JSON.stringify(straddling)).not.toMatch(/\\ud[89ab]/i);
    for (let offset = 0; offset < 4; offset++) {
      const cut = scrubCircuitError(`${'x'.repeat(CIRCUIT_ERROR_MAX - offset)}${'\u{1F600}'.repeat(10)}`);
      expect(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(cut), `offset ${offset}`).toBe(false);
      expect(Array.from(cut)).toHaveLength(CIRCUIT_ERROR_MAX + 1);
    }
    // Lone surrogates already in the message become U+FFFD; NUL characters go.
    expect(scrubCircuitError('a\ud83db\udc00c\u0000d')).toBe('a\ufffdb\ufffdcd');
  });
});

describe('circuit breaker settings and destinations', () => {
  it('reads the policy from the environment, with defaults, and refuses nonsense', () => {
    // Cool-downs are bounded, so an open circuit with jobs held on it always changes within CIRCUIT_HELD_IDLE_MS.
    expect(CIRCUIT_HELD_IDLE_MS).toBe(2 * 60 * 60 * 1000);
    expect(CIRCUIT_COOLDOWN_MAX_MS + CIRCUIT_SPREAD_MAX_MS).toBeLessThan(CIRCUIT_HELD_IDLE_MS);
    expect(readCircuitSettings({ DROVER_CIRCUIT_MAX_COOLDOWN_MS: String(CIRCUIT_COOLDOWN_MAX_MS) }).policy.maxCooldownMs).toBe(CIRCUIT_COOLDOWN_MAX_MS);
    expect(() => readCircuitSettings({ DROVER_CIRCUIT_MAX_COOLDOWN_MS: String(CIRCUIT_COOLDOWN_MAX_MS + 1) })).toThrow(/DROVER_CIRCUIT_MAX_COOLDOWN_MS/);
    expect(() => readCircuitSettings({ DROVER_CIRCUIT_COOLDOWN_MS: String(CIRCUIT_COOLDOWN_MAX_MS + 1) })).toThrow(/DROVER_CIRCUIT_COOLDOWN_MS/);
    expect(readCircuitSettings({})).toEqual({ enabled: true, policy: { failures: 5, failureRatePercent: 50, windowMs: 60_000, minVolume: 10, cooldownMs: 30_000, maxCooldownMs: 600_000 } });
    expect(readCircuitSettings({ DROVER_CIRCUIT: 'off' }).enabled).toBe(false);
    expect(readCircuitSettings({ DROVER_CIRCUIT_FAILURES: '3', DROVER_CIRCUIT_COOLDOWN_MS: '2000', DROVER_CIRCUIT_MAX_COOLDOWN_MS: '500' }).policy).toMatchObject({ failures: 3, cooldownMs: 2_000, maxCooldownMs: 2_000 });
    expect(() => readCircuitSettings({ DROVER_CIRCUIT_FAILURE_RATE: '150' })).toThrow(/DROVER_CIRCUIT_FAILURE_RATE/);
    expect(() => readCircuitSettings({ DROVER_CIRCUIT: 'maybe' })).toThrow(/DROVER_CIRCUIT/);
  });

  it('names a destination by scheme, host and port, never by path, query or credentials', () => {
    expect(httpDestination('https://Hooks.Example/x?token=1')).toBe('https://hooks.example:443');
    expect(httpDestination('http://u:p@127.0.0.1:8080/a')).toBe('http://127.0.0.1:8080');
    expect(httpDestination('/data/in/cat.png')).toBeNull();
    expect(httpDestination(42)).toBeNull();
    expect(webhookDestination(10_000)({ url: 'https://a.example/h', timeoutMs: 2_000 })).toEqual({ name: 'https://a.example:443', probeLeaseMs: 7_000 });
    // Read before the schema check: a timeout beyond the schema's maximum claims the probe no longer than a valid one.
    expect(webhookDestination(10_000)({ url: 'https://a.example/h', timeoutMs: 1e12 })).toEqual({ name: 'https://a.example:443', probeLeaseMs: 125_000 });
    expect(webhookDestination(10_000)({ url: 'https://a.example/h', timeoutMs: Infinity })?.probeLeaseMs).toBe(125_000);
    expect(smtpDestination('smtp://user:secret@Mail.Example:2525', 60_000)?.({})).toEqual({ name: 'smtp://mail.example:2525', probeLeaseMs: 65_000 });
    expect(smtpDestination(undefined, 60_000)).toBeUndefined();
  });
});

describe('circuit-open alert rules', () => {
  const rule: AlertRule = {
    id: 'r1', name: 'circuits', enabled: true, kind: 'circuit-open', connection: null, queue: null, threshold: 0, minutes: 0, cooldownMinutes: 0,
    webhookUrl: 'https://hooks.example.com/x', webhookFormat: 'json', createdAt: 0, createdBy: 'a', updatedAt: 0,
  };
  const snapshot = (up: boolean): MetricsSnapshot => ({ at: 0, connections: [{ name: 'main', up, error: null, deadLetterQueue: 'dead-letters', deadLetterJobs: 0, queues: [] }] });
  const input = (now: number, circuits: CircuitReading[] | null, up = true): EvaluationInput => ({ now, snapshot: snapshot(up), dlqGrowth: () => null, circuits: () => circuits });

  it('fires per destination while open or half-open, resolves when closed or gone, and keeps its state while the connection is down', () => {
    const first = evaluateRule(rule, undefined, input(1, [{ destination: 'https://a.example:443', state: 'open' }, { destination: 'smtp://m.example:587', state: 'closed' }]));
    expect(first.transitions.map((t) => [t.type, t.target, t.value])).toEqual([['firing', 'main/https://a.example:443', 1]]);
    const halfOpen = evaluateRule(rule, first.state, input(2, [{ destination: 'https://a.example:443', state: 'half-open' }]));
    expect(halfOpen.transitions).toEqual([]);
    const down = evaluateRule(rule, halfOpen.state, input(3, null, false));
    expect(down.transitions).toEqual([]);
    expect(down.state.targets['main/https://a.example:443'].state).toBe('firing');
    const closed = evaluateRule(rule, down.state, input(4, [{ destination: 'https://a.example:443', state: 'closed' }]));
    expect(closed.transitions.map((t) => [t.type, t.target])).toEqual([['resolved', 'main/https://a.example:443']]);
    const again = evaluateRule(rule, closed.state, input(5, [{ destination: 'https://a.example:443', state: 'open' }]));
    const gone = evaluateRule(rule, again.state, input(6, []));
    expect(gone.transitions.map((t) => t.type)).toEqual(['resolved']);
  });
});
