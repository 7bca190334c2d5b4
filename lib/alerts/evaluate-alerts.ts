// One evaluation round over every enabled rule, run by the sampler's lock holder after each sample:
// read rules and states, judge, POST the webhooks, save states and history. The last rules and states
// are also kept in memory so an outage of the console Redis itself can still be alerted on.
import 'server-only';
import { logger } from '@/lib/log';
import { totalJobs } from '@/lib/metrics/sample';
import { sampleStore } from '@/lib/store/console/samples';
import type { MetricsSnapshot } from '@/lib/metrics/snapshot';
import { MAX_POINTS } from '@/lib/metrics/settings';
import type { AlertRule } from './rule';
import { evaluateRule, type AlertTransition, type RuleState, type ScheduleReading } from './evaluate-rule';
import { scheduleWatchStore, splitWatchField } from '@/lib/store/console/schedule-watch';
import { parseWatchRecord } from '@/lib/schedules/watch/watch-record';
import { sendNotification, notificationText, type DeliveryOutcome } from './notify';
import { queryMatchCounts } from './query-matches';
import { appendHistory, readRules, readStates, writeStates, type AlertHistoryEntry } from './store';

const CACHE = Symbol.for('drover.alerts.cache');
/** dirty: these states could not be saved (Redis down), so they are newer than the saved ones. */
type Cache = { rules: AlertRule[]; states: Record<string, RuleState>; dirty: boolean };
type Holder = { [CACHE]?: Cache };

function cache(): Cache | undefined {
  return (globalThis as Holder)[CACHE];
}

/** Tests: forget what the evaluator remembers between rounds. */
export function resetAlertCache(): void {
  delete (globalThis as Holder)[CACHE];
}

/** Newer of the saved and the remembered state of each rule (the remembered one may hold an outage's progress). */
function mergeStates(saved: Record<string, RuleState>, remembered: Record<string, RuleState> | undefined): Record<string, RuleState> {
  const out = { ...saved };
  for (const [id, s] of Object.entries(remembered ?? {})) if (!out[id] || out[id].evaluatedAt < s.evaluatedAt) out[id] = s;
  return out;
}

/** Growth of the dead-letter queue over the last `minutes`: now minus the lowest sampled size in the window. */
async function readDlqGrowth(snapshot: MetricsSnapshot, connection: string, minutes: number, now: number): Promise<number | null> {
  const conn = snapshot.connections.find((c) => c.name === connection);
  if (!conn || conn.deadLetterJobs === null) return null;
  const from = now - minutes * 60_000;
  const points = await sampleStore().points(connection, conn.deadLetterQueue, minutes > 60 ? '1m' : '10s', { from, to: now }, MAX_POINTS, 'oldest');
  if (points.length === 0) return null;
  const lowest = Math.min(...points.map(totalJobs));
  return Math.max(0, conn.deadLetterJobs - lowest);
}

/** The schedule watch's records of each reachable connection (one read per connection); a connection whose records cannot be read is left out (unknown). */
async function readScheduleWatch(snapshot: MetricsSnapshot): Promise<Map<string, ScheduleReading[]>> {
  const out = new Map<string, ScheduleReading[]>();
  await Promise.all(
    snapshot.connections
      .filter((c) => c.up)
      .map(async (c) => {
        try {
          const readings: ScheduleReading[] = [];
          for (const [field, json] of await scheduleWatchStore().watched(c.name)) {
            const r = parseWatchRecord(json);
            const [queue, id] = splitWatchField(field);
            if (r) readings.push({ queue, id, status: r.status, missedCount: r.missedCount, lateByMs: r.lateByMs });
          }
          out.set(c.name, readings);
        } catch {
          // unknown this round: targets keep their state
        }
      }),
  );
  return out;
}

function eventOf(rule: AlertRule, t: AlertTransition, now: number) {
  return { state: t.type, connection: t.connection, queue: t.queue, value: t.value, at: now, ...(rule.kind === 'schedule-missed' || rule.kind === 'schedule-late' ? { target: t.target } : {}) };
}

export type EvaluationReport = {
  evaluated: number;
  transitions: Array<AlertTransition & { ruleId: string; delivery: DeliveryOutcome | null }>;
};

export async function evaluateAlerts(snapshot: MetricsSnapshot, opts: { now?: number } = {}): Promise<EvaluationReport> {
  const now = opts.now ?? snapshot.at;
  const holder = globalThis as Holder;
  let rules: AlertRule[];
  let states: Record<string, RuleState>;
  let fromRedis = true;
  try {
    [rules, states] = await Promise.all([readRules(), readStates()]);
    if (cache()?.dirty) states = mergeStates(states, cache()?.states);
  } catch (err) {
    const remembered = cache();
    if (!remembered) throw err;
    ({ rules, states } = remembered);
    fromRedis = false;
  }

  // DLQ growth needs sampled history: read it once per (connection, window) that a rule asks for.
  const growth = new Map<string, number | null>();
  const enabled = rules.filter((r) => r.enabled);
  await Promise.all(
    enabled
      .filter((r) => r.kind === 'dlq-growth')
      .flatMap((r) => snapshot.connections.filter((c) => r.connection === null || c.name === r.connection).map((c) => `${c.name}\n${r.minutes}`))
      .filter((k, i, all) => all.indexOf(k) === i)
      .map(async (k) => {
        const [connection, minutes] = k.split('\n');
        growth.set(k, await readDlqGrowth(snapshot, connection, Number(minutes), now).catch(() => null));
      }),
  );

  const queryCounts = await queryMatchCounts(enabled, now);
  const schedules = enabled.some((r) => r.kind === 'schedule-missed' || r.kind === 'schedule-late') ? await readScheduleWatch(snapshot) : new Map<string, ScheduleReading[]>();

  const nextStates: Record<string, RuleState> = {};
  const report: EvaluationReport = { evaluated: 0, transitions: [] };
  const history: AlertHistoryEntry[] = [];
  await Promise.all(
    enabled.map(async (rule) => {
      const { state, transitions } = evaluateRule(rule, states[rule.id], {
        now,
        snapshot,
        dlqGrowth: (connection, minutes) => growth.get(`${connection}\n${minutes}`) ?? null,
        queryMatches: (ruleId) => queryCounts.get(ruleId) ?? null,
        schedules: (connection) => schedules.get(connection) ?? null,
      });
      nextStates[rule.id] = state;
      report.evaluated++;
      // All of a round's webhooks go out at once: a slow receiver costs one timeout, not one per target.
      const deliveries = await Promise.all(
        transitions.map((t) => (t.notify ? sendNotification(rule, eventOf(rule, t, now)) : null)),
      );
      transitions.forEach((t, i) => {
        const event = eventOf(rule, t, now);
        const delivery = deliveries[i];
        report.transitions.push({ ...t, ruleId: rule.id, delivery });
        history.push({
          at: now,
          ruleId: rule.id,
          ruleName: rule.name,
          kind: rule.kind,
          type: t.type,
          target: t.target,
          connection: t.connection,
          queue: t.queue,
          value: t.value,
          notification: delivery
            ? { outcome: delivery.ok ? 'sent' : 'failed', status: delivery.status, error: delivery.error }
            : { outcome: 'suppressed', reason: t.suppressed === 'cooldown' ? `cooldown of ${rule.cooldownMinutes} min` : 'firing was not announced' },
          text: notificationText(rule, event),
        });
        if (delivery && !delivery.ok) logger.warn({ event: 'alert.webhook_failed', rule: rule.id, status: delivery.status, error: delivery.error }, 'alert webhook failed');
      });
    }),
  );

  const remembered: Cache = { rules, states: { ...states, ...nextStates }, dirty: true };
  holder[CACHE] = remembered;
  if (fromRedis) {
    const ruleIds = new Set(rules.map((r) => r.id));
    // Disabled rules start over when enabled again; states of deleted rules go.
    const stale = Object.keys(states).filter((id) => !ruleIds.has(id) || !enabled.some((r) => r.id === id));
    for (const id of stale) delete remembered.states[id];
    try {
      await writeStates(nextStates, new Set(enabled.map((r) => r.id)), stale);
      remembered.dirty = false;
      await appendHistory(history);
    } catch (err) {
      logger.warn({ event: 'alert.state_write_failed', err: (err as Error).message }, 'alert state could not be saved');
    }
  } else if (history.length) {
    logger.warn({ event: 'alert.history_unsaved', entries: history.map((h) => h.text) }, 'console Redis unreachable: alert history kept in the log');
  }
  return report;
}
