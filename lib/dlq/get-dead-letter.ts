// One dead letter: its origin facts (read from the envelope job's fields, not its payload) and,
// when asked, the origin job's data (for "requeue with edited data").
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { NotFoundError, PayloadTooLargeError } from '@/lib/errors';
import { MAX_JOB_DATA_BYTES } from '@/lib/jobs/schemas';
import { parseEnvelope } from './envelope';
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
  /** the origin job's data, with ?data=1 */
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

export async function getDeadLetter(conn: Connection, id: string, opts: { includeData?: boolean } = {}): Promise<DeadLetterDetail> {
  const t = deadLetterTarget(conn);
  const key = `${dlqKeyPrefix(t)}${id}`;
  const fields = ['dq', 'dj', 'name', 'failedReason', 'stacktrace', 'atm', 'ats', 'timestamp', 'processedOn', 'finishedOn', 'pb', 'dca', 'dcb', 'dopts', 'dg'] as const;
  const pipeline = t.redis.pipeline();
  pipeline.hmget(key, ...fields);
  pipeline.hstrlen(key, 'data');
  const [[e1, raw], [e2, size]] = (await pipeline.exec()) as [[Error | null, Array<string | null>], [Error | null, number]];
  if (e1 || e2) throw e1 ?? e2;
  const f = Object.fromEntries(fields.map((name, i) => [name, raw[i]])) as Record<(typeof fields)[number], string | null>;
  if (f.dq === null) throw new NotFoundError(`Dead letter ${id} not found on connection "${conn.name}" (it may have been requeued or purged)`);
  const originKey = `${conn.prefix}:${f.dq}:${f.dj ?? ''}`;
  const [marker, inFailed, pattern] = await Promise.all([
    t.redis.hget(originKey, 'drover:dlq'),
    t.redis.zscore(`${conn.prefix}:${f.dq}:failed`, f.dj ?? ''),
    f.dg ? t.redis.hget(`${dlqIndexBase(t)}:group:${f.dg}`, 'pattern') : Promise.resolve(null),
  ]);
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
  };
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
