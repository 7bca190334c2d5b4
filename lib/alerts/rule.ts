// Alert rules: what an admin configures (zod schemas are the types), how each kind reads its threshold
// and minutes, and the public view that never carries the webhook URL back to a browser.
import { z } from 'zod';
import { connectionNameSchema, queueNameSchema } from '@/lib/config/schema';
import { QUERY_MAX_CHARS } from '@/lib/jobs/query/ast';
import { parseJobQuery } from '@/lib/jobs/query/parse-query';
import type { ObjectiveField } from '@/lib/objectives/objective';

export const ALERT_KINDS = ['waiting-depth', 'failure-rate', 'no-workers', 'oldest-waiting', 'query-matches', 'dlq-growth', 'redis-unreachable', 'schedule-missed', 'schedule-late', 'objective-wait-p95', 'objective-oldest-wait', 'objective-failure-rate', 'objective-processing-p95', 'backlog-growing-no-workers', 'stalled-jobs', 'circuit-open'] as const;
export const alertKindSchema = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof alertKindSchema>;

export type KindInfo = {
  label: string;
  /** queue rules judge each queue; connection rules judge each connection */
  scope: 'queue' | 'connection';
  /** null: the kind has no threshold */
  threshold: { label: string; unit: string; integer: boolean; max: number } | null;
  /** "for": the condition must hold this long before firing; "window": the period the value is measured over */
  minutes: { meaning: 'for' | 'window'; min: number; max: number };
  /** objective kinds: the threshold is the queue's objective of this name (lib/objectives); a queue without it is not measured */
  objective?: ObjectiveField;
};

export const KIND_INFO: Record<AlertKind, KindInfo> = {
  'waiting-depth': {
    label: 'Waiting jobs above N for M minutes',
    scope: 'queue',
    threshold: { label: 'N (waiting jobs)', unit: 'jobs', integer: true, max: 1e9 },
    minutes: { meaning: 'for', min: 0, max: 1440 },
  },
  'failure-rate': {
    label: 'Failure rate above X% over M minutes',
    scope: 'queue',
    threshold: { label: 'X (percent)', unit: '%', integer: false, max: 100 },
    // BullMQ metrics give per-minute counts; the summary reads the last 60.
    minutes: { meaning: 'window', min: 1, max: 60 },
  },
  'no-workers': { label: 'No workers while jobs wait', scope: 'queue', threshold: null, minutes: { meaning: 'for', min: 0, max: 1440 } },
  'oldest-waiting': {
    label: 'Oldest waiting job older than T',
    scope: 'queue',
    threshold: { label: 'T (seconds)', unit: 'seconds', integer: true, max: 1e8 },
    minutes: { meaning: 'for', min: 0, max: 1440 },
  },
  'query-matches': {
    label: 'More than N jobs match a query for M minutes',
    scope: 'queue',
    threshold: { label: 'N (matching jobs)', unit: 'jobs', integer: true, max: 1e9 },
    minutes: { meaning: 'for', min: 0, max: 1440 },
  },
  'dlq-growth': {
    label: 'Dead-letter queue grew by more than N in M minutes',
    scope: 'connection',
    threshold: { label: 'N (new dead letters)', unit: 'jobs', integer: true, max: 1e9 },
    minutes: { meaning: 'window', min: 1, max: 1440 },
  },
  'redis-unreachable': { label: 'Redis unreachable', scope: 'connection', threshold: null, minutes: { meaning: 'for', min: 0, max: 1440 } },
  // One target per job scheduler ("<conn>/<queue>/<id>"), judged by the schedule watch (lib/schedules/watch).
  'schedule-missed': {
    label: 'A job scheduler missed more than N runs (or disappeared)',
    scope: 'queue',
    threshold: { label: 'N (missed runs; 0: any)', unit: 'runs', integer: true, max: 1e6 },
    minutes: { meaning: 'for', min: 0, max: 1440 },
  },
  // Late: its last run started more than the grace period (DROVER_SCHEDULE_GRACE_MS) after its due time.
  'schedule-late': { label: 'A job scheduler’s run started later than the grace period', scope: 'queue', threshold: null, minutes: { meaning: 'for', min: 0, max: 1440 } },
  // Objective kinds: judged against each queue's own objective (README › Queue objectives), measured by lib/objectives.
  'objective-wait-p95': { label: 'Wait p95 above the queue’s objective', scope: 'queue', threshold: null, minutes: { meaning: 'for', min: 0, max: 1440 }, objective: 'waitP95Ms' },
  'objective-oldest-wait': { label: 'Oldest waiting job older than the queue’s objective', scope: 'queue', threshold: null, minutes: { meaning: 'for', min: 0, max: 1440 }, objective: 'oldestWaitMs' },
  'objective-failure-rate': { label: 'Failure rate above the queue’s objective', scope: 'queue', threshold: null, minutes: { meaning: 'for', min: 0, max: 1440 }, objective: 'failureRatePct' },
  'objective-processing-p95': { label: 'Processing p95 above the queue’s objective', scope: 'queue', threshold: null, minutes: { meaning: 'for', min: 0, max: 1440 }, objective: 'processingP95Ms' },
  // From the sampled series: every sample of the window had no worker, and waiting grew by more than N.
  'backlog-growing-no-workers': {
    label: 'Backlog grew by more than N in M minutes while no worker is connected',
    scope: 'queue',
    threshold: { label: 'N (new waiting jobs)', unit: 'jobs', integer: true, max: 1e9 },
    minutes: { meaning: 'window', min: 1, max: 60 },
  },
  // BullMQ's "stalled" events of the queue in the window (a bounded scan of its events, lib/alerts/stalled-counts.ts).
  'stalled-jobs': {
    label: 'More than N stalled jobs in the last M minutes',
    scope: 'queue',
    threshold: { label: 'N (stalled jobs)', unit: 'jobs', integer: true, max: 1e6 },
    minutes: { meaning: 'window', min: 1, max: 60 },
  },
  // One target per destination ("<conn>/<destination>"), read from the connection's circuit records (lib/circuits).
  'circuit-open': { label: 'A circuit breaker of an external service is open', scope: 'connection', threshold: null, minutes: { meaning: 'for', min: 0, max: 1440 } },
};

export const webhookFormatSchema = z.enum(['slack', 'json']);
export type WebhookFormat = z.infer<typeof webhookFormatSchema>;

export const webhookUrlSchema = z
  .string()
  .trim()
  .max(2000, 'must be at most 2,000 characters')
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && Boolean(u.hostname);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

/** Channels one rule names at most (README › Alerts › Channels). */
export const MAX_RULE_CHANNELS_PER_RULE = 10;

const ruleFields = {
  name: z.string().trim().min(1, 'name is required').max(100, 'name must be at most 100 characters'),
  enabled: z.boolean(),
  kind: alertKindSchema,
  /** null: every connection */
  connection: connectionNameSchema.nullable(),
  /** null: every queue of the connection(s) except the dead-letter queue; ignored by connection rules */
  queue: queueNameSchema.nullable(),
  threshold: z.number().finite().min(0, 'must be ≥ 0'),
  minutes: z.number().int('must be whole minutes').min(0, 'must be ≥ 0'),
  cooldownMinutes: z.number().int('must be whole minutes').min(0, 'must be ≥ 0').max(1440, 'must be at most 1,440 (a day)'),
  /** the rule's own webhook; optional since paging channels exist (a rule needs a webhook or a channel) */
  webhookUrl: webhookUrlSchema.optional(),
  webhookFormat: webhookFormatSchema,
  /** paging channels (lib/alerts/channels) notified besides the webhook; absent on rules saved before channels existed */
  channelIds: z
    .array(z.string().uuid('must be a channel id'))
    .max(MAX_RULE_CHANNELS_PER_RULE, `at most ${MAX_RULE_CHANNELS_PER_RULE} channels per rule`)
    .refine((ids) => new Set(ids).size === ids.length, 'a channel is named twice')
    .optional(),
  /** the job query of a query-matches rule (a saved view's, or typed); absent on rules saved before the kind existed */
  query: z.string().trim().max(QUERY_MAX_CHARS, `query must be at most ${QUERY_MAX_CHARS} characters`).nullable().optional(),
};

type RuleFields = { [K in keyof typeof ruleFields]: z.infer<(typeof ruleFields)[K]> };

/** Checks that depend on the kind (threshold range, minutes meaning, scope). */
function checkKind(rule: Omit<RuleFields, 'query' | 'webhookUrl' | 'channelIds'> & { query?: string | null; webhookUrl?: string; channelIds?: string[] }, ctx: z.RefinementCtx): void {
  const info = KIND_INFO[rule.kind];
  if (!rule.webhookUrl && !rule.channelIds?.length) ctx.addIssue({ code: 'custom', path: ['webhookUrl'], message: 'give a webhook URL or choose at least one channel' });
  if (info.threshold) {
    if (rule.threshold > info.threshold.max) ctx.addIssue({ code: 'custom', path: ['threshold'], message: `must be at most ${info.threshold.max}` });
    if (info.threshold.integer && !Number.isInteger(rule.threshold)) ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'must be a whole number' });
  }
  if (rule.minutes < info.minutes.min || rule.minutes > info.minutes.max) {
    ctx.addIssue({ code: 'custom', path: ['minutes'], message: `must be ${info.minutes.min}–${info.minutes.max} for this kind` });
  }
  if (info.scope === 'queue' && rule.queue !== null && rule.connection === null) ctx.addIssue({ code: 'custom', path: ['connection'], message: 'choose the connection of the queue' });
  if (rule.kind === 'query-matches') {
    // A query is about one queue's jobs: counting it across every queue of every connection would be a scan per queue per round.
    if (rule.queue === null) ctx.addIssue({ code: 'custom', path: ['queue'], message: 'choose the queue the query runs on' });
    if (!rule.query) ctx.addIssue({ code: 'custom', path: ['query'], message: 'type the query (e.g. state:failed error:~ECONNREFUSED)' });
    else {
      try {
        parseJobQuery(rule.query);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['query'], message: (err as Error).message });
      }
    }
  }
}

/** A rule as created: defaults filled, validated as a whole. */
export const alertRuleInputSchema = z
  .object({
    ...ruleFields,
    enabled: ruleFields.enabled.default(true),
    connection: ruleFields.connection.default(null),
    queue: ruleFields.queue.default(null),
    threshold: ruleFields.threshold.default(0),
    minutes: ruleFields.minutes.default(0),
    cooldownMinutes: ruleFields.cooldownMinutes.default(15),
    webhookFormat: ruleFields.webhookFormat.default('json'),
  })
  .strict()
  .superRefine(checkKind);
export type AlertRuleInput = z.infer<typeof alertRuleInputSchema>;

/** A change: any field; an omitted webhookUrl keeps the saved one (the browser never has it), null removes it. */
export const alertRulePatchSchema = z.object({ ...ruleFields, webhookUrl: webhookUrlSchema.nullable() }).partial().strict();
export type AlertRulePatch = z.infer<typeof alertRulePatchSchema>;

/** Validates a rule after a patch was applied. */
export const alertRuleFieldsSchema = z.object(ruleFields).superRefine(checkKind);

export const alertRuleSchema = z.object({
  ...ruleFields,
  id: z.string(),
  createdAt: z.number(),
  createdBy: z.string(),
  updatedAt: z.number(),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const ruleIdSchema = z.object({ id: z.string().uuid('must be an alert rule id') });

/** "https://hooks.slack.com/…": enough to recognise the receiver, nothing of the secret path or query. */
export function maskWebhookUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '…';
  }
}

export type PublicAlertRule = Omit<AlertRule, 'webhookUrl'> & { webhookMasked: string | null };

export function toPublicRule(rule: AlertRule): PublicAlertRule {
  const { webhookUrl, ...rest } = rule;
  return { ...rest, webhookMasked: webhookUrl ? maskWebhookUrl(webhookUrl) : null };
}

/** "main/emails", "main (all queues)", "all connections"… */
export function describeScope(rule: Pick<AlertRule, 'kind' | 'connection' | 'queue'>): string {
  const conn = rule.connection ?? 'every connection';
  if (KIND_INFO[rule.kind].scope === 'connection') return conn;
  if (rule.queue) return `${rule.connection}/${rule.queue}`;
  return `${conn}, every queue`;
}

/** "waiting > 100 for 5 min", "failure rate > 10% over 5 min"… */
export function describeCondition(rule: Pick<AlertRule, 'kind' | 'threshold' | 'minutes'> & { query?: string | null }): string {
  const hold = rule.minutes > 0 ? ` for ${rule.minutes} min` : '';
  switch (rule.kind) {
    case 'waiting-depth':
      return `waiting > ${rule.threshold}${hold}`;
    case 'failure-rate':
      return `failure rate > ${rule.threshold}% over ${rule.minutes} min`;
    case 'no-workers':
      return `no workers while jobs wait${hold}`;
    case 'oldest-waiting':
      return `oldest waiting job > ${rule.threshold} s${hold}`;
    case 'query-matches':
      return `more than ${rule.threshold} jobs match \`${rule.query ?? ''}\`${hold}`;
    case 'dlq-growth':
      return `dead-letter queue grows by > ${rule.threshold} in ${rule.minutes} min`;
    case 'redis-unreachable':
      return `Redis unreachable${hold}`;
    case 'schedule-missed':
      return `a job scheduler missed > ${rule.threshold} runs${hold}`;
    case 'schedule-late':
      return `a job scheduler's run started late${hold}`;
    case 'objective-wait-p95':
      return `wait p95 > the queue's objective${hold}`;
    case 'objective-oldest-wait':
      return `oldest waiting job > the queue's objective${hold}`;
    case 'objective-failure-rate':
      return `failure rate > the queue's objective${hold}`;
    case 'objective-processing-p95':
      return `processing p95 > the queue's objective${hold}`;
    case 'backlog-growing-no-workers':
      return `waiting grows by > ${rule.threshold} in ${rule.minutes} min with no worker`;
    case 'stalled-jobs':
      return `more than ${rule.threshold} stalled jobs in ${rule.minutes} min`;
    case 'circuit-open':
      return `a circuit breaker is open${hold}`;
  }
}

/** The measured value with its unit, for tables. */
export function formatAlertValue(kind: AlertKind, value: number | null): string {
  if (value === null) return 'no data';
  switch (kind) {
    case 'failure-rate':
      return `${value}%`;
    case 'oldest-waiting':
      return `${value} s`;
    case 'redis-unreachable':
      return value ? 'down' : 'up';
    case 'no-workers':
      return `${value} waiting`;
    case 'schedule-missed':
      return `${value} missed`;
    case 'schedule-late':
      return `${Math.round(value / 1000)} s late`;
    case 'objective-failure-rate':
      return `${value}%`;
    case 'objective-wait-p95':
    case 'objective-oldest-wait':
    case 'objective-processing-p95':
      return value < 1000 ? `${Math.round(value)} ms` : `${Math.round(value / 100) / 10} s`;
    case 'stalled-jobs':
      return `${value} stalled`;
    case 'circuit-open':
      return value ? 'open' : 'closed';
    default:
      return `${value} jobs`;
  }
}
