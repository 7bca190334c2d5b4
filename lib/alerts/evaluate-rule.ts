// One rule against one snapshot: each target (a queue, or a connection) moves ok → pending → firing
// and back, and the moves that need a webhook are returned. Pure: time and data come in as arguments.
import type { ConnectionSnapshot, MetricsSnapshot, QueueSnapshot } from '@/lib/metrics/snapshot';
import { KIND_INFO, type AlertRule } from './rule';
import type { ObjectiveValues, QueueObjectives } from '@/lib/objectives/objective';

export const TARGET_STATES = ['ok', 'pending', 'firing'] as const;
export type TargetStatus = (typeof TARGET_STATES)[number];

export type TargetState = {
  connection: string;
  queue: string | null;
  state: TargetStatus;
  /** when the current state began, ms */
  since: number;
  /** the value last measured; null when it could not be (no data) */
  value: number | null;
  /** when a firing notification was last sent for this target (the cooldown runs from it) */
  lastNotifiedAt: number | null;
  /** whether this episode's firing was announced, so its resolution is announced too */
  announced: boolean;
};

export type RuleState = {
  evaluatedAt: number;
  targets: Record<string, TargetState>;
  /** deliveries not finished yet (a failed one waiting for its retry, one another console is sending): lib/alerts/deliveries.ts */
  outstanding?: OutstandingDelivery[];
};

/** A delivery still to send, with what its notification says (the event is rebuilt from it on a retry). */
export type OutstandingDelivery = {
  ruleId: string;
  target: string;
  episode: number;
  state: 'firing' | 'resolved';
  channelId: string;
  connection: string;
  queue: string | null;
  value: number | null;
  at: number;
};

export type AlertTransition = {
  type: 'firing' | 'resolved';
  target: string;
  connection: string;
  queue: string | null;
  value: number | null;
  /** whether a webhook goes out for this move */
  notify: boolean;
  /** why a firing is not announced */
  suppressed?: 'cooldown';
  /** when the target started firing: the same for a firing and its resolve (the deliveries' episode) */
  episode: number;
};

export type EvaluationInput = {
  now: number;
  snapshot: MetricsSnapshot;
  /** growth of each connection's dead-letter queue over the rule's window; null when unknown */
  dlqGrowth: (connection: string, windowMinutes: number) => number | null;
  /** how many jobs a query-matches rule's query matched this round (at least threshold + 1 when it stopped there); null when unknown */
  queryMatches?: (ruleId: string) => number | null;
  /** the schedule watch's last judgement of each scheduler of a connection; null when unknown (schedule-missed rules) */
  schedules?: (connection: string) => ScheduleReading[] | null;
  /** each queue's objectives in force and values measured this round (lib/objectives); absent when they could not be measured */
  objectives?: (connection: string, queue: string) => ObjectiveReading | null;
  /** growth of a queue's waiting jobs over the window while no worker was connected at any sample; 0 when a worker was; null when unknown */
  backlogGrowth?: (connection: string, queue: string, windowMinutes: number) => number | null;
  /** stalled events of a queue in the window; null when unknown */
  stalledCount?: (connection: string, queue: string, windowMinutes: number) => number | null;
  /** the circuit breakers of a connection's destinations; null when unknown (circuit-open rules) */
  circuits?: (connection: string) => CircuitReading[] | null;
};

/** A queue's objectives and what was measured against them. */
export type ObjectiveReading = { objectives: QueueObjectives; values: ObjectiveValues };

/** One destination's circuit as last read (lib/circuits). */
export type CircuitReading = { destination: string; state: 'closed' | 'open' | 'half-open' };

/** One scheduler as the schedule watch last judged it. */
export type ScheduleReading = { queue: string; id: string; status: 'ok' | 'missed' | 'late' | 'gone'; missedCount: number; lateByMs?: number | null };

/** absent: the named queue does not exist (a firing target resolves even when its kind keeps state on no data). */
type Reading = { key: string; connection: string; queue: string | null; value: number | null; breached: boolean; absent?: boolean };

/**
 * Kinds whose null value means "no data this round" (a read over its budget or failed, too few completions,
 * a console that just took the lease): the target keeps its state, as a down connection's do.
 */
const KEEPS_STATE_ON_NO_DATA: ReadonlySet<AlertRule['kind']> = new Set(['query-matches', 'objective-wait-p95', 'objective-oldest-wait', 'objective-failure-rate', 'objective-processing-p95', 'backlog-growing-no-workers', 'stalled-jobs']);

function waitingJobs(q: QueueSnapshot): number {
  return q.counts.waiting + q.counts.prioritized;
}

function readQueue(rule: AlertRule, connection: string, q: QueueSnapshot, input: EvaluationInput): { value: number | null; breached: boolean } {
  const { now } = input;
  switch (rule.kind) {
    case 'waiting-depth': {
      const value = waitingJobs(q);
      return { value, breached: value > rule.threshold };
    }
    case 'failure-rate': {
      const window = Math.max(1, rule.minutes);
      const completed = q.completedSeries.slice(0, window).reduce((a, b) => a + b, 0);
      const failed = q.failedSeries.slice(0, window).reduce((a, b) => a + b, 0);
      if (completed + failed === 0) return { value: null, breached: false };
      const value = Math.round((failed / (completed + failed)) * 10_000) / 100;
      return { value, breached: value > rule.threshold };
    }
    case 'no-workers': {
      // A paused queue holds its jobs on purpose: no alert for it.
      const waiting = q.workers === 0 && !q.paused ? waitingJobs(q) : 0;
      return { value: waiting, breached: waiting > 0 };
    }
    case 'oldest-waiting': {
      if (!q.oldestWaitingAt) return { value: 0, breached: false };
      const value = Math.max(0, Math.round((now - q.oldestWaitingAt) / 1000));
      return { value, breached: value > rule.threshold };
    }
    case 'query-matches': {
      const value = input.queryMatches?.(rule.id) ?? null;
      return { value, breached: value !== null && value > rule.threshold };
    }
    case 'backlog-growing-no-workers': {
      const value = input.backlogGrowth?.(connection, q.name, rule.minutes) ?? null;
      return { value, breached: value !== null && value > rule.threshold };
    }
    case 'stalled-jobs': {
      const value = input.stalledCount?.(connection, q.name, rule.minutes) ?? null;
      return { value, breached: value !== null && value > rule.threshold };
    }
    default:
      return { value: null, breached: false };
  }
}

function matchingConnections(rule: AlertRule, snapshot: MetricsSnapshot): ConnectionSnapshot[] {
  return snapshot.connections.filter((c) => rule.connection === null || c.name === rule.connection);
}

/**
 * The targets measured this time. A connection that is down gives no queue readings: its queue
 * targets keep their state (no data is not "resolved").
 */
function readings(rule: AlertRule, input: EvaluationInput): { measured: Reading[]; unknownConnections: Set<string> } {
  const measured: Reading[] = [];
  const unknownConnections = new Set<string>();
  for (const c of matchingConnections(rule, input.snapshot)) {
    if (KIND_INFO[rule.kind].scope === 'connection') {
      if (rule.kind === 'redis-unreachable') {
        measured.push({ key: c.name, connection: c.name, queue: null, value: c.up ? 0 : 1, breached: !c.up });
      } else if (rule.kind === 'circuit-open') {
        const circuits = c.up ? (input.circuits?.(c.name) ?? null) : null;
        if (circuits === null) unknownConnections.add(c.name);
        // Open and half-open (a probe is out) both hold the destination's jobs back.
        for (const circuit of circuits ?? []) {
          const open = circuit.state !== 'closed';
          measured.push({ key: `${c.name}/${circuit.destination}`, connection: c.name, queue: null, value: open ? 1 : 0, breached: open });
        }
      } else if (c.up && c.deadLetterJobs !== null) {
        const value = input.dlqGrowth(c.name, rule.minutes);
        measured.push({ key: c.name, connection: c.name, queue: null, value, breached: value !== null && value > rule.threshold });
      } else unknownConnections.add(c.name);
      continue;
    }
    if (!c.up) {
      unknownConnections.add(c.name);
      continue;
    }
    if (rule.kind === 'schedule-missed' || rule.kind === 'schedule-late') {
      const schedules = input.schedules?.(c.name) ?? null;
      if (schedules === null) {
        unknownConnections.add(c.name);
        continue;
      }
      for (const s of schedules) {
        if (rule.queue !== null ? s.queue !== rule.queue : s.queue === c.deadLetterQueue) continue;
        const key = `${c.name}/${s.queue}/${s.id}`;
        if (rule.kind === 'schedule-late') {
          const late = s.status === 'late';
          measured.push({ key, connection: c.name, queue: s.queue, value: late ? (s.lateByMs ?? 0) : 0, breached: late });
          continue;
        }
        const missing = s.status === 'missed' || s.status === 'gone';
        const value = missing ? s.missedCount : 0;
        measured.push({ key, connection: c.name, queue: s.queue, value, breached: missing && value > rule.threshold });
      }
      continue;
    }
    const queues = rule.queue !== null ? c.queues.filter((q) => q.name === rule.queue) : c.queues.filter((q) => q.exists && q.name !== c.deadLetterQueue);
    const objective = KIND_INFO[rule.kind].objective;
    if (objective) {
      if (!input.objectives) {
        unknownConnections.add(c.name);
        continue;
      }
      // Judged against each queue's own objective; a queue without one is not measured (a firing target
      // resolves); a value not measured this round keeps the target as it was (KEEPS_STATE_ON_NO_DATA).
      for (const q of queues) {
        const reading = input.objectives(c.name, q.name);
        const goal = reading?.objectives[objective];
        if (!reading || goal === undefined) continue;
        const value = reading.values[objective];
        measured.push({ key: `${c.name}/${q.name}`, connection: c.name, queue: q.name, value, breached: value !== null && value > goal });
      }
      continue;
    }
    for (const q of queues) measured.push({ key: `${c.name}/${q.name}`, connection: c.name, queue: q.name, ...readQueue(rule, c.name, q, input) });
    // A named queue that does not exist (yet) is measured as fine.
    if (rule.queue !== null && queues.length === 0) measured.push({ key: `${c.name}/${rule.queue}`, connection: c.name, queue: rule.queue, value: null, breached: false, absent: true });
  }
  return { measured, unknownConnections };
}

export function evaluateRule(rule: AlertRule, prev: RuleState | undefined, input: EvaluationInput): { state: RuleState; transitions: AlertTransition[] } {
  const { now } = input;
  const holdMs = KIND_INFO[rule.kind].minutes.meaning === 'for' ? rule.minutes * 60_000 : 0;
  const cooldownMs = rule.cooldownMinutes * 60_000;
  const targets: Record<string, TargetState> = {};
  const transitions: AlertTransition[] = [];
  const { measured, unknownConnections } = readings(rule, input);

  const move = (r: Reading, before: TargetState | undefined) => {
    // No data (a query count that could not finish within its bounds, a reading over its budget…) says
    // nothing: the target stays as it was. Only a queue that is gone resolves it.
    // (query-matches keeps its state for a missing queue too, as it always did.)
    if (KEEPS_STATE_ON_NO_DATA.has(rule.kind) && r.value === null && (!r.absent || rule.kind === 'query-matches') && before) {
      targets[r.key] = before;
      return;
    }
    const base: TargetState = before ?? { connection: r.connection, queue: r.queue, state: 'ok', since: now, value: null, lastNotifiedAt: null, announced: false };
    const next: TargetState = { ...base, value: r.value };
    if (r.breached) {
      if (base.state === 'ok') Object.assign(next, { state: 'pending', since: now });
      if (next.state === 'pending' && now - next.since >= holdMs) {
        const cooling = cooldownMs > 0 && base.lastNotifiedAt !== null && now - base.lastNotifiedAt < cooldownMs;
        Object.assign(next, { state: 'firing', since: now, announced: !cooling, lastNotifiedAt: cooling ? base.lastNotifiedAt : now });
        transitions.push({ type: 'firing', target: r.key, connection: r.connection, queue: r.queue, value: r.value, notify: !cooling, episode: now, ...(cooling ? { suppressed: 'cooldown' as const } : {}) });
      }
    } else if (base.state === 'firing') {
      transitions.push({ type: 'resolved', target: r.key, connection: r.connection, queue: r.queue, value: r.value, notify: base.announced, episode: base.since });
      Object.assign(next, { state: 'ok', since: now, announced: false });
    } else if (base.state === 'pending') {
      Object.assign(next, { state: 'ok', since: now });
    }
    targets[r.key] = next;
  };

  for (const r of measured) move(r, prev?.targets[r.key]);
  for (const [key, before] of Object.entries(prev?.targets ?? {})) {
    if (key in targets) continue;
    // Unmeasurable right now (its connection is down): keep as it was.
    if (unknownConnections.has(before.connection)) targets[key] = before;
    // Gone (queue removed, scope changed): resolve it if it was firing, then forget it.
    else if (before.state === 'firing') {
      transitions.push({ type: 'resolved', target: key, connection: before.connection, queue: before.queue, value: null, notify: before.announced, episode: before.since });
    }
  }
  return { state: { evaluatedAt: now, targets }, transitions };
}

/** The rule's overall state: its worst target. */
export function summarizeState(state: RuleState | undefined): { status: TargetStatus; since: number | null; value: number | null; target: string | null } {
  let worst: [string, TargetState] | null = null;
  const rank = (s: TargetStatus) => TARGET_STATES.indexOf(s);
  for (const entry of Object.entries(state?.targets ?? {})) {
    if (!worst || rank(entry[1].state) > rank(worst[1].state) || (entry[1].state === worst[1].state && (entry[1].value ?? -Infinity) > (worst[1].value ?? -Infinity))) worst = entry;
  }
  if (!worst) return { status: 'ok', since: null, value: null, target: null };
  return { status: worst[1].state, since: worst[1].since, value: worst[1].value, target: worst[0] };
}
