// One dead letter as its page shows it: the original job's facts (read from the envelope job's fields,
// not its payload), its attempts and its last log lines, and when asked (or small enough) its data.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { NotFoundError, PayloadTooLargeError } from '@/lib/errors';
import { MAX_JOB_DATA_BYTES } from '@/lib/jobs/schemas';
import { parseEnvelope } from './envelope';
import { KEYS } from '@/lib/keys';
import { isDroverWorkerName } from '@/lib/workers/worker-name';
import { ATTEMPTS_CAP, attemptSchema, type Attempt } from '@/lib/attempts/attempt';
import { dlqIndexBase, dlqKeyPrefix } from './capture';
import { deadLetterTarget } from './filter';

export type DeadLetterDetail = {
  id: string;
  connection: string;
  deadLetterQueue: string;
  queue: string;
  jobId: string;
  name: string;
  failedReason: string;
  stacktrace: string[];
  attemptsMade: number;
  attemptsStarted: number;
  timestamp: number | null;
  processedOn: number | null;
  failedAt: number | null;
  processedBy: string | null;
  capturedAt: number | null;
  capturedBy: string | null;
  opts: Record<string, unknown>;
  group: { id: string; pattern: string | null };
  /** bytes of the envelope (data included) */
  envelopeSize: number;
  /** the origin job is still in its queue's failed set and names this envelope as its capture */
  originPresent: boolean;
  /**
   * The original job's runs, newest first: the attempt records Drover's runtime kept for it (read from
   * the origin's history while it lasts, else from the copy taken at capture). Empty when another
   * worker ran it (its errors are in `stacktrace`) or it was captured before copies were taken.
   */
  attempts: Attempt[];
  /** its last attempt ran on a worker of Drover's runtime ("drover@host:pid") */
  ranByDroverRuntime: boolean;
  /**
   * The original job's log: how many lines it had at capture and its last lines (at most 100, each cut
   * to 1,000 bytes), copied at capture because BullMQ deletes them with the job. null for a dead letter
   * captured before the copy was taken.
   */
  logs: { count: number; lines: string[] } | null;
  /** the origin job's data, with ?data=1 (or inlineDataUpTo) */
  data?: unknown;
};

const n = (v: string | null) => (v === null || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Attempt records (JSON texts) of this failure: its job's (a reused id's other history is dropped), up to its failure. */
function attemptsOf(raw: unknown[], jobTimestamp: number | null, failedAt: number | null): Attempt[] {
  const attempts: Attempt[] = [];
  for (const item of raw.slice(0, ATTEMPTS_CAP)) {
    if (typeof item !== 'string') continue;
    const parsed = attemptSchema.safeParse(parseJson<unknown>(item, null));
    if (!parsed.success) continue;
    const a = parsed.data;
    if (jobTimestamp !== null && a.jobTimestamp !== undefined && a.jobTimestamp !== jobTimestamp) continue;
    // Runs after the failure (the origin retried from its failed set) belong to a later story.
    if (failedAt !== null && a.startedAt > failedAt) continue;
    // The job failed for good: a run with no end record was cut short (its worker died).
    attempts.push(a.outcome === 'running' ? { ...a, outcome: 'stalled' } : a);
  }
  return attempts;
}

function logsOf(count: string | null, lines: string | null): DeadLetterDetail['logs'] {
  if (count === null) return null;
  const parsed = parseJson<unknown>(lines, []);
  return { count: n(count) ?? 0, lines: Array.isArray(parsed) ? parsed.filter((l): l is string => typeof l === 'string') : [] };
}

export async function getDeadLetter(conn: Connection, id: string, opts: { includeData?: boolean; inlineDataUpTo?: number } = {}): Promise<DeadLetterDetail> {
  const t = deadLetterTarget(conn);
  const key = `${dlqKeyPrefix(t)}${id}`;
  const fields = ['dq', 'dj', 'name', 'failedReason', 'stacktrace', 'atm', 'ats', 'timestamp', 'processedOn', 'finishedOn', 'pb', 'dca', 'dcb', 'dopts', 'dg', 'datt', 'dlogn', 'dlog'] as const;
  const pipeline = t.redis.pipeline();
  pipeline.hmget(key, ...fields);
  pipeline.hstrlen(key, 'data');
  const [[e1, raw], [e2, size]] = (await pipeline.exec()) as [[Error | null, Array<string | null>], [Error | null, number]];
  if (e1 || e2) throw e1 ?? e2;
  const f = Object.fromEntries(fields.map((name, i) => [name, raw[i]])) as Record<(typeof fields)[number], string | null>;
  if (f.dq === null) throw new NotFoundError(`Dead letter ${id} not found on connection "${conn.name}" (it may have been requeued or purged)`);
  const originKey = `${conn.prefix}:${f.dq}:${f.dj ?? ''}`;
  const [marker, inFailed, pattern, history] = await Promise.all([
    t.redis.hget(originKey, 'drover:dlq'),
    t.redis.zscore(`${conn.prefix}:${f.dq}:failed`, f.dj ?? ''),
    f.dg ? t.redis.hget(`${dlqIndexBase(t)}:group:${f.dg}`, 'pattern') : Promise.resolve(null),
    t.redis.lrange(KEYS.jobAttempts(conn.prefix, f.dq, f.dj ?? ''), 0, ATTEMPTS_CAP - 1),
  ]);
  // The origin's history while it lasts (it has every end record, even one written after the capture),
  // else the copy the capture took.
  const live = attemptsOf(history, n(f.timestamp), n(f.finishedOn));
  const copied = parseJson<unknown>(f.datt, []);
  const attempts = live.length > 0 ? live : attemptsOf(Array.isArray(copied) ? copied : [], n(f.timestamp), n(f.finishedOn));
  const detail: DeadLetterDetail = {
    id,
    connection: conn.name,
    deadLetterQueue: t.deadLetterQueue,
    queue: f.dq,
    jobId: f.dj ?? '',
    name: f.name ?? '',
    failedReason: f.failedReason ?? '',
    stacktrace: parseJson<unknown[]>(f.stacktrace, []).filter((s): s is string => typeof s === 'string'),
    attemptsMade: n(f.atm) ?? 0,
    attemptsStarted: n(f.ats) ?? 0,
    timestamp: n(f.timestamp),
    processedOn: n(f.processedOn),
    failedAt: n(f.finishedOn),
    processedBy: f.pb,
    capturedAt: n(f.dca),
    capturedBy: f.dcb,
    opts: parseJson<Record<string, unknown>>(f.dopts, {}),
    group: { id: f.dg ?? '', pattern },
    envelopeSize: Number(size),
    originPresent: marker === id && inFailed !== null,
    attempts,
    ranByDroverRuntime: isDroverWorkerName(f.pb),
    logs: logsOf(f.dlogn, f.dlog),
  };
  if (opts.inlineDataUpTo !== undefined && Number(size) <= opts.inlineDataUpTo) {
    const text = await t.redis.hget(key, 'data');
    if (text !== null) detail.data = parseEnvelope(text).data;
  }
  if (opts.includeData) {
    if (Number(size) > MAX_JOB_DATA_BYTES) {
      throw new PayloadTooLargeError(`Dead letter ${id} is ${Number(size)} bytes; its data can be edited up to ${MAX_JOB_DATA_BYTES} bytes (requeue it unchanged instead)`);
    }
    const text = await t.redis.hget(key, 'data');
    if (text === null) throw new NotFoundError(`Dead letter ${id} not found on connection "${conn.name}" (it may have been requeued or purged)`);
    detail.data = parseEnvelope(text).data;
  }
  return detail;
}
