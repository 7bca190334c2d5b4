// Capture: failed jobs into the dead-letter queue as envelopes. Shared by the worker runtime (right
// after BullMQ's move to failed, and its restart sweep) and the console ("Send to DLQ" for queues run
// by workers Drover does not run). Not server-only: the runtime process imports it.
import { Job } from 'bullmq';
import type { ChainableCommander, Redis } from 'ioredis';
import { KEYS } from '@/lib/keys';
import { deadLetterId, envelopeJson, type FailedJobFacts } from './envelope';
import { errorGroupOf } from './normalize-error';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import type { CaptureOptions, CaptureOutcome, CaptureResult } from '@/lib/store/dead-letter-store';
import { dlqCaptureScript } from './lua/dlq-capture-1';
import { byteRounds } from './byte-rounds';

export type { CaptureOptions, CaptureResult };

/** Where a connection's dead letters live. */
export type DeadLetterTarget = { redis: Redis; prefix: string; deadLetterQueue: string };

/** Length cap of the DLQ queue's event stream (BullMQ's default). */
export const DLQ_EVENTS_MAX = 10_000;
/** Raw failedReason kept as a group's sample. */
export const SAMPLE_MAX = 1000;
/** The origin's last log lines copied into its dead letter (BullMQ deletes them with the job), each cut to this many bytes. */
export const DEAD_LETTER_LOG_LINES = 100;
export const DEAD_LETTER_LOG_LINE_BYTES = 1000;
/** Payload bytes read into memory per capture round trip (a larger single job is read alone). */
const READ_BYTES_PER_ROUND = 8 * 1024 * 1024;

export function dlqIndexBase(t: Pick<DeadLetterTarget, 'prefix' | 'deadLetterQueue'>): string {
  return KEYS.deadLetters(t.prefix, t.deadLetterQueue);
}

export function dlqKeyPrefix(t: Pick<DeadLetterTarget, 'prefix' | 'deadLetterQueue'>): string {
  return `${t.prefix}:${t.deadLetterQueue}:`;
}

function captureArgs(t: DeadLetterTarget, facts: FailedJobFacts, opts: CaptureOptions): [string, ...string[]] {
  const group = opts.group ?? errorGroupOf(facts.failedReason);
  const now = opts.now ?? Date.now();
  return [
    dlqIndexBase(t),
    dlqKeyPrefix(t),
    `${t.prefix}:${facts.queue}:`,
    facts.queue,
    facts.jobId,
    String(facts.attemptsMade),
    deadLetterId(facts.queue, facts.jobId, facts.attemptsMade, facts.timestamp),
    group.id,
    group.pattern,
    facts.failedReason.slice(0, SAMPLE_MAX),
    String(facts.failedAt),
    String(now),
    envelopeJson(facts, now, opts.capturedBy),
    facts.name,
    facts.failedReason,
    JSON.stringify(facts.stacktrace),
    facts.processedOn === null ? '' : String(facts.processedOn),
    String(facts.attemptsStarted),
    facts.processedBy ?? '',
    opts.allowMissingOrigin ? '1' : '0',
    String(DLQ_EVENTS_MAX),
    facts.timestamp === null ? '' : String(facts.timestamp),
    opts.capturedBy,
    JSON.stringify(facts.opts),
    KEYS.jobAttempts(t.prefix, facts.queue, facts.jobId),
    String(DEAD_LETTER_LOG_LINES),
    String(DEAD_LETTER_LOG_LINE_BYTES),
  ];
}

/** One capture, atomic with its indexes. */
export async function captureFailedJob(t: DeadLetterTarget, facts: FailedJobFacts, opts: CaptureOptions): Promise<{ outcome: CaptureOutcome; id: string }> {
  const outcome = await withLuaScripts(t.redis, [dlqCaptureScript]).droverDlqCapture(...captureArgs(t, facts, opts));
  return { outcome, id: deadLetterId(facts.queue, facts.jobId, facts.attemptsMade, facts.timestamp) };
}

function queueCapture(pipeline: ChainableCommander, t: DeadLetterTarget, facts: FailedJobFacts, opts: CaptureOptions): void {
  (pipeline as unknown as { droverDlqCapture: (...a: string[]) => void }).droverDlqCapture(...captureArgs(t, facts, opts));
}

/** Facts from the worker's own Job object right after BullMQ moved it to failed (no payload read back). */
export function factsFromJob(job: Job, worker: string): FailedJobFacts {
  return {
    queue: job.queueName,
    jobId: job.id ?? '',
    name: job.name,
    dataJson: JSON.stringify(job.data === undefined ? {} : job.data),
    opts: { ...job.opts } as Record<string, unknown>,
    failedReason: job.failedReason ?? '',
    stacktrace: (job.stacktrace ?? []).filter((s): s is string => typeof s === 'string'),
    attemptsMade: job.attemptsMade,
    attemptsStarted: job.attemptsStarted,
    timestamp: job.timestamp ?? null,
    processedOn: job.processedOn ?? null,
    failedAt: job.finishedOn ?? Date.now(),
    processedBy: job.processedBy ?? worker,
  };
}

const num = (v: string | null): number | null => (v === null || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

function parseStacktrace(raw: string | null): string[] {
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

const META_FIELDS = ['name', 'opts', 'timestamp', 'processedOn', 'finishedOn', 'atm', 'ats', 'failedReason', 'stacktrace', 'pb', 'drover:dlq'] as const;

/**
 * Captures failed jobs of one queue by id, reading them from Redis: summary fields and payload sizes
 * in one pipeline, then payloads in rounds of at most READ_BYTES_PER_ROUND, each round's captures in
 * one pipeline. Jobs whose marker already names this failure's envelope are not read at all.
 */
export async function captureJobsById(t: DeadLetterTarget, queue: string, ids: string[], opts: CaptureOptions): Promise<CaptureResult> {
  const result: CaptureResult = { captured: [], duplicates: [], skipped: [] };
  if (ids.length === 0) return result;
  withLuaScripts(t.redis, [dlqCaptureScript]); // before the capture pipelines below are made
  const key = (id: string) => `${t.prefix}:${queue}:${id}`;
  const pipeline = t.redis.pipeline();
  for (const id of ids) {
    pipeline.hmget(key(id), ...META_FIELDS);
    pipeline.hstrlen(key(id), 'data');
    pipeline.zscore(`${t.prefix}:${queue}:failed`, id);
  }
  const replies = (await pipeline.exec()) ?? [];
  type Pending = { id: string; fields: Array<string | null>; size: number };
  const pending: Pending[] = [];
  ids.forEach((id, i) => {
    const [e1, fields] = replies[i * 3] as [Error | null, Array<string | null>];
    const [e2, size] = replies[i * 3 + 1] as [Error | null, number];
    const [e3, score] = replies[i * 3 + 2] as [Error | null, string | null];
    if (e1 || e2 || e3) throw e1 ?? e2 ?? e3;
    if (fields[0] === null) return void result.skipped.push({ id, reason: 'missing' });
    if (score === null) return void result.skipped.push({ id, reason: 'not-failed' });
    const atm = Number(fields[5] ?? 0);
    if (fields[10] === deadLetterId(queue, id, atm, num(fields[2]))) return void result.duplicates.push(id);
    pending.push({ id, fields, size: Number(size) });
  });
  for (const round of byteRounds(pending, (p) => p.size, READ_BYTES_PER_ROUND)) {
    const datas = (await Promise.all(round.map((p) => t.redis.hget(key(p.id), 'data')))) as Array<string | null>;
    const captures = t.redis.pipeline();
    round.forEach((p, i) => {
      const f = p.fields;
      let parsedOpts: Record<string, unknown> = {};
      try {
        parsedOpts = Job.optsFromJSON(f[1] ?? '{}') as Record<string, unknown>;
      } catch {
        parsedOpts = {};
      }
      const facts: FailedJobFacts = {
        queue,
        jobId: p.id,
        name: f[0] ?? '',
        dataJson: datas[i] ?? '{}',
        opts: parsedOpts,
        failedReason: f[7] ?? '',
        stacktrace: parseStacktrace(f[8]),
        attemptsMade: Number(f[5] ?? 0),
        attemptsStarted: Number(f[6] ?? 0),
        timestamp: num(f[2]),
        processedOn: num(f[3]),
        failedAt: num(f[4]) ?? Date.now(),
        processedBy: f[9],
      };
      queueCapture(captures, t, facts, opts);
    });
    const outcomes = (await captures.exec()) ?? [];
    outcomes.forEach(([err, outcome], i) => {
      if (err) throw err;
      const id = round[i].id;
      if (outcome === 'captured') result.captured.push(id);
      else if (outcome === 'duplicate') result.duplicates.push(id);
      else result.skipped.push({ id, reason: outcome as 'not-failed' });
    });
  }
  return result;
}
