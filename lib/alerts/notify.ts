// Webhook notifications: the message text, the Slack-compatible and generic JSON bodies, and one POST
// with a timeout, under the egress policy (lib/egress). The URL is a secret (Slack hooks carry their
// token in the path): it is never logged and never part of an error message.
import 'server-only';
import { egressRequest } from '@/lib/egress/egress-request';
import { isEgressRefusal } from '@/lib/egress/policy';
import { receiverExcerpt } from '@/lib/egress/receiver-excerpt';
import { KIND_INFO, describeScope, formatAlertValue, type AlertRule } from './rule';
import { alertLink } from './alert-link';

export const WEBHOOK_TIMEOUT_MS = 5000;

export type NotificationEvent = {
  state: 'firing' | 'resolved';
  connection: string | null;
  queue: string | null;
  value: number | null;
  at: number;
  test?: boolean;
  /** the alert's target key when it is finer than a queue ("<conn>/<queue>/<scheduler id>", "<conn>/<destination>") */
  target?: string;
};

export type DeliveryOutcome = { ok: boolean; status: number | null; error: string | null; durationMs: number };

function where(e: NotificationEvent, rule: AlertRule): string {
  if (e.connection && e.queue) return `${e.connection}/${e.queue}`;
  if (e.connection) return `connection ${e.connection}`;
  return describeScope(rule);
}

function fmt(n: number | null): string {
  return n === null ? 'n/a' : Number.isInteger(n) ? n.toLocaleString('en') : n.toFixed(2);
}

/** One line saying what is wrong (or was), e.g. "Waiting jobs in main/emails: 120 (> 100 for 5 min)". */
export function describeEvent(rule: AlertRule, e: NotificationEvent): string {
  const at = where(e, rule);
  const hold = rule.minutes > 0 ? ` for ${rule.minutes} min` : '';
  switch (rule.kind) {
    case 'waiting-depth':
      return `Waiting jobs in ${at}: ${fmt(e.value)} (threshold > ${fmt(rule.threshold)}${hold})`;
    case 'failure-rate':
      return `Failure rate of ${at} over ${rule.minutes} min: ${e.value === null ? 'n/a' : `${fmt(e.value)}%`} (threshold > ${fmt(rule.threshold)}%)`;
    case 'no-workers':
      return `No workers on ${at} while ${fmt(e.value)} job${e.value === 1 ? '' : 's'} wait${hold ? ` (${hold.trim()})` : ''}`;
    case 'oldest-waiting':
      return `Oldest waiting job in ${at} is ${fmt(e.value)} s old (threshold > ${fmt(rule.threshold)} s${hold})`;
    case 'query-matches':
      return `Jobs of ${at} matching ${rule.query ?? ''}: ${e.value === null ? 'n/a' : fmt(e.value)} (threshold > ${fmt(rule.threshold)}${hold})`;
    case 'dlq-growth':
      return `Dead-letter queue of ${at} grew by ${fmt(e.value)} in ${rule.minutes} min (threshold > ${fmt(rule.threshold)})`;
    case 'redis-unreachable':
      return `Redis of ${at} is ${e.state === 'firing' ? 'unreachable' : 'reachable again'}`;
    case 'schedule-missed': {
      const which = e.target ?? at;
      if (e.state === 'resolved') return `Job scheduler ${which} runs again (or was removed through Drover)`;
      return `Job scheduler ${which} missed ${fmt(e.value)} run${e.value === 1 ? '' : 's'} (threshold > ${fmt(rule.threshold)}${hold})`;
    }
    case 'schedule-late': {
      const which = e.target ?? at;
      if (e.state === 'resolved') return `Job scheduler ${which} runs on time again`;
      return `Job scheduler ${which}: its last run started ${e.value === null ? 'late' : `${fmt(Math.round(e.value / 1000))} s after its due time`}${hold ? ` (${hold.trim()})` : ''}`;
    }
    case 'objective-wait-p95':
    case 'objective-oldest-wait':
    case 'objective-failure-rate':
    case 'objective-processing-p95': {
      const what = { 'objective-wait-p95': 'Wait p95', 'objective-oldest-wait': 'Oldest waiting job', 'objective-failure-rate': 'Failure rate', 'objective-processing-p95': 'Processing p95' }[rule.kind];
      const value = e.value === null ? 'n/a' : formatAlertValue(rule.kind, e.value);
      // A resolve with no value: the queue's objective was cleared (or the queue is gone).
      if (e.state === 'resolved') return e.value === null ? `${what} of ${at} is no longer judged: the queue has no such objective now (or is gone)` : `${what} of ${at} is within its objective again (${value})`;
      return `${what} of ${at} is ${value}, above the queue's objective${hold ? ` (${hold.trim()})` : ''}`;
    }
    case 'backlog-growing-no-workers':
      return `Backlog of ${at} grew by ${fmt(e.value)} in ${rule.minutes} min with no worker connected (threshold > ${fmt(rule.threshold)})`;
    case 'stalled-jobs':
      return `${fmt(e.value)} job${e.value === 1 ? '' : 's'} of ${at} stalled in the last ${rule.minutes} min (threshold > ${fmt(rule.threshold)})`;
    case 'circuit-open': {
      const which = e.target ?? at;
      if (e.state === 'resolved') return `Circuit breaker of ${which} closed: its jobs are attempted again`;
      return `Circuit breaker of ${which} is open: jobs for it are held back (not attempted)${hold ? ` (${hold.trim()})` : ''}`;
    }
  }
}

/** Slack mrkdwn treats &, < and > as markup: queue and rule names are user text. */
function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function notificationText(rule: AlertRule, e: NotificationEvent): string {
  const head = e.test ? 'TEST' : e.state === 'firing' ? 'FIRING' : 'RESOLVED';
  return `[${head}] ${rule.name}: ${describeEvent(rule, e)}`;
}

/** The console page of the event's target (README › Alerts: DROVER_PUBLIC_URL). */
export function linkOf(rule: Pick<AlertRule, 'kind'>, e: NotificationEvent): string {
  return alertLink(rule.kind, e);
}

export function notificationBody(rule: AlertRule, e: NotificationEvent, format: AlertRule['webhookFormat'] = rule.webhookFormat): Record<string, unknown> {
  const text = notificationText(rule, e);
  const link = linkOf(rule, e);
  if (format === 'slack') {
    const icon = e.test ? ':bell:' : e.state === 'firing' ? ':red_circle:' : ':large_green_circle:';
    const safe = `${icon} ${slackEscape(text)}`;
    return {
      text: safe,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: safe } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(`${KIND_INFO[rule.kind].label} · ${new Date(e.at).toISOString()}`) }] },
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Drover' }, url: link }] },
      ],
    };
  }
  return {
    rule: rule.name,
    ruleId: rule.id,
    kind: rule.kind,
    state: e.state,
    value: e.value,
    threshold: KIND_INFO[rule.kind].threshold ? rule.threshold : null,
    minutes: rule.minutes,
    connection: e.connection,
    queue: e.queue,
    ...(e.target ? { target: e.target } : {}),
    at: new Date(e.at).toISOString(),
    text,
    link,
    ...(e.test ? { test: true } : {}),
  };
}

/** A failure reason without the URL or any header value (error messages can quote them). */
function reasonOf(err: unknown, url: string, timeoutMs: number, secrets: string[] = []): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  // The policy's message names the host only, and says how to allow it.
  if (isEgressRefusal(err)) return err.message;
  const raw = e?.code ?? e?.message ?? String(err);
  let text = raw.split(url).join('<webhook>');
  for (const s of secrets) if (s) text = text.split(s).join('<secret>');
  return receiverExcerpt(text);
}

export type PostOptions = {
  timeoutMs?: number;
  /** extra request headers (e.g. Opsgenie's Authorization); their values never reach an error text */
  headers?: Record<string, string>;
  /** the status codes that count as delivered; default any 2xx */
  accept?: (status: number) => boolean;
};

export async function postWebhook(url: string, body: unknown, opts: PostOptions | number = {}): Promise<DeliveryOutcome> {
  const { timeoutMs = WEBHOOK_TIMEOUT_MS, headers = {}, accept = (s: number) => s >= 200 && s < 300 } = typeof opts === 'number' ? { timeoutMs: opts } : opts;
  const started = Date.now();
  try {
    // Redirects are not followed: one could carry the body somewhere the admin did not choose.
    const res = await egressRequest(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'drover-alerts' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    res.discard();
    const ok = accept(res.status);
    return { ok, status: res.status, error: ok ? null : `HTTP ${res.status}`, durationMs: Date.now() - started };
  } catch (err) {
    return { ok: false, status: null, error: reasonOf(err, url, timeoutMs, Object.values(headers)), durationMs: Date.now() - started };
  }
}
