// One evaluation round over every enabled rule, run by the sampler's lock holder after each sample:
// read rules and states, judge, save the deliveries to make, claim and send them (lib/alerts/deliveries.ts),
// save states and history. The last rules and states
// and channels are also kept in memory so an outage of the console Redis itself can still be alerted on
// (to the rule's channels too, not only its own webhook).
import 'server-only';
import { logger } from '@/lib/log';
import { totalJobs } from '@/lib/metrics/sample';
import { sampleStore } from '@/lib/store/console/samples';
import type { MetricsSnapshot } from '@/lib/metrics/snapshot';
import { MAX_POINTS } from '@/lib/metrics/settings';
import type { AlertRule } from './rule';
import { evaluateRule, type AlertTransition, type CircuitReading, type RuleState, type ScheduleReading } from './evaluate-rule';
import { getConnection } from '@/lib/redis/connections';
import { CIRCUIT_HELD_MAX, parseCircuit } from '@/lib/circuits/circuit';
import { scheduleWatchStore, splitWatchField } from '@/lib/store/console/schedule-watch';
import { parseWatchRecord } from '@/lib/schedules/watch/watch-record';
import { notificationText, type DeliveryOutcome, type NotificationEvent } from './notify';
import { randomUUID } from 'node:crypto';
import type { OutstandingDelivery } from './evaluate-rule';
import type { Channel } from './channels/channel';
import { readChannels } from './channels/channel-store';
import { channelsOfRule, RULE_WEBHOOK_CHANNEL } from './channels/send';
import { adoptEpisode, closeEpisode, deliver, deliveryKey, type DeliveryAttempt } from './deliveries';
import { queryMatchCounts } from './query-matches';
import { readQueueReadings } from './queue-readings';
import { measureObjectives } from '@/lib/objectives/measure-objectives';
import { objectiveScope } from '@/lib/objectives/objective';
import { appendHistory, readRules, readStates, writeStates, type AlertHistoryEntry } from './store';

const CACHE = Symbol.for('drover.alerts.cache');
/** dirty: these states could not be saved (Redis down), so they are newer than the saved ones. */
type Cache = { rules: AlertRule[]; states: Record<string, RuleState>; dirty: boolean; channels: Channel[] };
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

/**
 * The circuit breakers of each reachable connection (one bounded read per connection): every open and
 * half-open one (at most CIRCUIT_HELD_MAX, the stores' own cap, so none is left unread however many closed
 * ones changed since); a circuit not read is closed. Unreadable: left out (unknown).
 */
async function readCircuits(snapshot: MetricsSnapshot): Promise<Map<string, CircuitReading[]>> {
  const out = new Map<string, CircuitReading[]>();
  await Promise.all(
    snapshot.connections
      .filter((c) => c.up)
      .map(async (c) => {
        try {
          const conn = getConnection(c.name);
          if (!conn) return;
          const { circuits } = await conn.records.circuits.listCircuits(CIRCUIT_HELD_MAX, 0);
          const readings: CircuitReading[] = [];
          for (const { destination, json } of circuits) {
            const record = parseCircuit(json);
            if (record) readings.push({ destination, state: record.state });
          }
          out.set(c.name, readings);
        } catch {
          // unknown this round: targets keep their state
        }
      }),
  );
  return out;
}

type EventSource = Pick<AlertTransition, 'type' | 'target' | 'connection' | 'queue' | 'value'>;

export function eventOf(rule: AlertRule, t: EventSource, now: number): NotificationEvent {
  return { state: t.type, connection: t.connection, queue: t.queue, value: t.value, at: now, ...(rule.kind === 'schedule-missed' || rule.kind === 'schedule-late' || rule.kind === 'circuit-open' ? { target: t.target } : {}) };
}

/** Earlier rounds' deliveries kept per rule at most, with this round's (never cut): the oldest retries go first, recorded in the history. */
export const OUTSTANDING_MAX_PER_RULE = 200;
/** Deliveries sent at once. */
const SEND_BATCH = 50;

/**
 * What the rule still has to deliver: earlier rounds' unfinished deliveries that still apply (a firing
 * only while its episode fires; a channel only while the rule names it) and this round's new ones.
 */
function outstandingOf(rule: AlertRule, before: OutstandingDelivery[], state: RuleState, transitions: AlertTransition[], channels: Map<string, Channel>, channelsRead: boolean, now: number): { outstanding: OutstandingDelivery[]; dropped: OutstandingDelivery[] } {
  const ids = new Set(channelsOfRule(rule, channels).map((c) => c.id));
  const out = new Map<string, OutstandingDelivery>();
  const fresh = new Map<string, OutstandingDelivery>();
  for (const d of before) {
    // A channel that could not be read this round is unknown, not gone: its deliveries wait.
    if (!ids.has(d.channelId) && channelsRead) continue;
    if (d.state === 'firing') {
      const t = state.targets[d.target];
      if (!t || t.state !== 'firing' || t.since !== d.episode) continue;
    }
    out.set(deliveryKey(d), d);
  }
  for (const t of transitions) {
    if (!t.notify) continue;
    for (const channelId of ids) {
      const d: OutstandingDelivery = { ruleId: rule.id, target: t.target, episode: t.episode, state: t.type, channelId, connection: t.connection, queue: t.queue, value: t.value, at: now };
      out.delete(deliveryKey(d));
      fresh.set(deliveryKey(d), d);
    }
  }
  const retries = [...out.values()];
  const room = Math.max(0, OUTSTANDING_MAX_PER_RULE - fresh.size);
  const cut = Math.max(0, retries.length - room);
  return { outstanding: [...retries.slice(cut), ...fresh.values()], dropped: retries.slice(0, cut) };
}

/** The outcome of a transition over its channels (one line per channel that failed). */
function summarize(attempts: DeliveryAttempt[]): DeliveryOutcome & { outcome: 'sent' | 'failed' | 'suppressed' } {
  if (attempts.length === 0) return { ok: false, status: null, error: 'no channel to notify (or this console could not send)', durationMs: 0, outcome: 'failed' };
  if (attempts.every((a) => a.outcome === 'suppressed')) return { ok: false, status: null, error: attempts[0].reason ?? 'not sent', durationMs: 0, outcome: 'suppressed' };
  const failed = attempts.filter((a) => a.outcome === 'failed');
  const error = failed.length === 0 ? null : attempts.length === 1 ? failed[0].error : failed.map((a) => `${a.channel.name}: ${a.error}`).join('; ');
  return { ok: failed.length === 0, status: attempts.find((a) => a.status !== null)?.status ?? null, error, durationMs: 0, outcome: failed.length ? 'failed' : 'sent' };
}

/** The history entry of an earlier round's delivery (a retry, or one dropped), `note` after its text. */
function deliveryHistoryEntry(rule: AlertRule, d: OutstandingDelivery, now: number, notification: AlertHistoryEntry['notification'], note: string): AlertHistoryEntry {
  return {
    at: now,
    ruleId: rule.id,
    ruleName: rule.name,
    kind: rule.kind,
    type: d.state,
    target: d.target,
    connection: d.connection,
    queue: d.queue,
    value: d.value,
    notification,
    text: `${notificationText(rule, eventOf(rule, { ...d, type: d.state }, d.at))} (${note})`,
  };
}

export function channelEntry(a: DeliveryAttempt) {
  return { channelId: a.channel.id, name: a.channel.name, type: a.channel.type, outcome: a.outcome, status: a.status, error: a.error, ...(a.reason ? { reason: a.reason } : {}) };
}

/** Who claims deliveries when the caller names no one: this process. */
const HOLDER = Symbol.for('drover.alerts.holder');
export function processHolder(): string {
  const holder = globalThis as { [HOLDER]?: string };
  holder[HOLDER] ??= `${process.pid}-${randomUUID()}`;
  return holder[HOLDER];
}

export type EvaluationReport = {
  evaluated: number;
  transitions: Array<AlertTransition & { ruleId: string; delivery: DeliveryOutcome | null; attempts: DeliveryAttempt[] }>;
};

export type EvaluateOptions = {
  now?: number;
  /** who claims the deliveries (the sampler's instance id); default: this process */
  holder?: string;
  /** checked before sending: false (this console lost the sampler lease) leaves the sending to the next round's holder */
  fence?: () => Promise<boolean>;
};

export async function evaluateAlerts(snapshot: MetricsSnapshot, opts: EvaluateOptions = {}): Promise<EvaluationReport> {
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
  const queueReadings = await readQueueReadings(enabled, snapshot, now);
  // Every round measures the queues with objectives (the overview and queue page show the statuses), rules or not.
  const objectives = await measureObjectives(snapshot, now).catch((err: Error) => {
    logger.warn({ event: 'objectives.measure_failed', err: err.message }, 'queue objectives could not be measured');
    return null;
  });
  const schedules = enabled.some((r) => r.kind === 'schedule-missed' || r.kind === 'schedule-late') ? await readScheduleWatch(snapshot) : new Map<string, ScheduleReading[]>();
  const circuits = enabled.some((r) => r.kind === 'circuit-open') ? await readCircuits(snapshot) : new Map<string, CircuitReading[]>();

  // The channels as last read when they cannot be read now (the console store is down): an outage still pages.
  let channelList: Channel[];
  let channelsRead = true;
  try {
    channelList = await readChannels();
  } catch {
    channelList = cache()?.channels ?? [];
    channelsRead = false;
  }
  const channels = new Map(channelList.map((c) => [c.id, c]));
  const nextStates: Record<string, RuleState> = {};
  const report: EvaluationReport = { evaluated: 0, transitions: [] };
  const history: AlertHistoryEntry[] = [];
  const ruleTransitions = new Map<string, AlertTransition[]>();
  const droppedOf = new Map<string, OutstandingDelivery[]>();
  for (const rule of enabled) {
    const { state, transitions } = evaluateRule(rule, states[rule.id], {
      now,
      snapshot,
      dlqGrowth: (connection, minutes) => growth.get(`${connection}\n${minutes}`) ?? null,
      queryMatches: (ruleId) => queryCounts.get(ruleId) ?? null,
      schedules: (connection) => schedules.get(connection) ?? null,
      ...(objectives
        ? {
            objectives: (connection: string, queue: string) => {
              const m = objectives.get(objectiveScope(connection, queue));
              return m ? { objectives: m.objectives, values: m.status.values } : null;
            },
          }
        : {}),
      backlogGrowth: queueReadings.backlogGrowth,
      stalledCount: queueReadings.stalledCount,
      circuits: (connection) => circuits.get(connection) ?? null,
    });
    for (const t of transitions) {
      if (t.type === 'firing') {
        // Two consoles that saw the target start firing in one round (at their own `now`) name the episode alike.
        const episode = await adoptEpisode(rule.id, t.target, t.episode);
        if (episode !== t.episode && state.targets[t.target]) {
          t.episode = episode;
          state.targets[t.target].since = episode;
        }
      } else await closeEpisode(rule.id, t.target, t.episode);
    }
    const { outstanding, dropped } = outstandingOf(rule, states[rule.id]?.outstanding ?? [], state, transitions, channels, channelsRead, now);
    state.outstanding = outstanding;
    if (dropped.length) droppedOf.set(rule.id, dropped);
    nextStates[rule.id] = state;
    ruleTransitions.set(rule.id, transitions);
    report.evaluated++;
  }

  // The deliveries are saved before they are sent: a console that takes over after this one died
  // mid-round finds them (same episode, same keys) and its claims see what was sent.
  const toSend = enabled.flatMap((rule) => (nextStates[rule.id].outstanding ?? []).map((d) => ({ rule, d })));
  if (toSend.length && fromRedis) await writeStates(nextStates, new Set(enabled.map((r) => r.id)), []).catch(() => undefined);
  // Fencing: a console that lost the sampler lease meanwhile leaves the sending to the new holder.
  const mayShip = toSend.length > 0 && (opts.fence ? await opts.fence().catch(() => false) : true);
  const attempts = new Map<string, DeliveryAttempt>();
  if (mayShip) {
    const holder = opts.holder ?? processHolder();
    // All of a round's deliveries go out at once: a slow receiver costs one timeout, not one per target.
    for (let i = 0; i < toSend.length; i += SEND_BATCH) {
      await Promise.all(
        toSend.slice(i, i + SEND_BATCH).map(async ({ rule, d }) => {
          const channel = channelsOfRule(rule, channels).find((c) => c.id === d.channelId);
          if (!channel) return;
          const event = { ...eventOf(rule, { ...d, type: d.state }, d.at) };
          attempts.set(deliveryKey(d), await deliver(d, channel, rule, event, holder, now));
        }),
      );
    }
  }

  for (const rule of enabled) {
    const state = nextStates[rule.id];
    const fresh = new Set<string>();
    for (const t of ruleTransitions.get(rule.id) ?? []) {
      const event = eventOf(rule, t, now);
      const mine = t.notify ? channelsOfRule(rule, channels).map((c) => attempts.get(deliveryKey({ ruleId: rule.id, target: t.target, episode: t.episode, state: t.type, channelId: c.id }))) : [];
      mine.forEach((a) => a && fresh.add(deliveryKey(a.delivery)));
      const tried = mine.filter((a): a is DeliveryAttempt => a !== undefined);
      const delivery = t.notify ? summarize(tried) : null;
      report.transitions.push({ ...t, ruleId: rule.id, delivery, attempts: tried });
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
          ? delivery.outcome === 'suppressed'
            ? { outcome: 'suppressed', reason: delivery.error ?? 'not sent' }
            : { outcome: delivery.ok ? 'sent' : 'failed', status: delivery.status, error: delivery.error }
          : { outcome: 'suppressed', reason: t.suppressed === 'cooldown' ? `cooldown of ${rule.cooldownMinutes} min` : 'firing was not announced' },
        ...(tried.length ? { channels: tried.map(channelEntry) } : {}),
        text: notificationText(rule, event),
      });
    }
    // Retries of earlier rounds' deliveries that were tried now: one history entry each.
    for (const d of state.outstanding ?? []) {
      const a = attempts.get(deliveryKey(d));
      if (!a || fresh.has(deliveryKey(d)) || (a.outcome !== 'sent' && a.outcome !== 'failed')) continue;
      history.push({ ...deliveryHistoryEntry(rule, d, now, { outcome: a.outcome, status: a.status, error: a.error }, `retry ${a.tries ?? ''} on ${a.channel.name}`), channels: [channelEntry(a)] });
    }
    // Retries cut by the per-rule bound: given up, and said so.
    for (const d of droppedOf.get(rule.id) ?? []) {
      const c = channels.get(d.channelId);
      const name = c?.name ?? (d.channelId === RULE_WEBHOOK_CHANNEL ? 'rule webhook' : d.channelId);
      history.push(deliveryHistoryEntry(rule, d, now, { outcome: 'failed', status: null, error: `dropped: more than ${OUTSTANDING_MAX_PER_RULE} undelivered deliveries for this rule` }, `dropped on ${name}`));
    }
    if (mayShip) state.outstanding = (state.outstanding ?? []).filter((d) => !attempts.get(deliveryKey(d))?.done);
    if (state.outstanding?.length === 0) delete state.outstanding;
  }

  const remembered: Cache = { rules, states: { ...states, ...nextStates }, dirty: true, channels: channelList };
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
