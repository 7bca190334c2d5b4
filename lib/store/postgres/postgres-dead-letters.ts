// The dead-letter queue on PostgreSQL: dead letters are rows of Drover's own schema (drover.dead_letter,
// lib/store/postgres/drover-schema.ts) in the same database as BullMQ's queues. Capture is one
// statement that looks at the origin job in BullMQ's table (still failed, by the same attempt) and
// inserts its envelope, its error group and the counter, so a dead letter exists exactly once for a
// failure whatever crashes: the envelope id is derived from the failure and is the primary key.
// BullMQ's tables are only read here; jobs change only through BullMQ's API (requeue adds, the
// runtime's removeOrigin removes). Not server-only: the worker runtime captures through it.
import { Job } from 'bullmq';
import pg from 'pg';
import type { ConnectionRecords } from '@/lib/store/connection-records';
import { ATTEMPTS_CAP } from '@/lib/attempts/attempt';
import { ConflictError, InvalidError } from '@/lib/errors';
import { asciiLower } from '@/lib/jobs/ascii-lower';
import { deadLetterId, envelopeJson, type FailedJobFacts } from '@/lib/dlq/envelope';
import { errorGroupOf, GROUPING_VERSION, MAX_INPUT_LENGTH } from '@/lib/dlq/normalize-error';
import { failureAttempts, logsOf, num, stringsOf } from '@/lib/dlq/detail-parts';
import { byteRounds, DLQ_ENVELOPE_ROUND_BYTES as ENVELOPE_ROUND_BYTES, DLQ_EXPORT_BYTES_PER_PULL as EXPORT_BYTES_PER_PULL, DLQ_EXPORT_PER_PULL as EXPORT_ROWS_PER_PULL, DLQ_ROW_TEXT_CAP as TEXT_CAP } from '@/lib/dlq/byte-rounds';
import type { ScopedDeadLetterFilter as DeadLetterFilter } from '@/lib/dlq/schemas';
import { DEAD_LETTER_LOG_LINE_BYTES, DEAD_LETTER_LOG_LINES, SAMPLE_MAX } from '@/lib/dlq/capture';
import { DROVER_SCHEMA, migrateDroverSchema } from './drover-schema';
import type {
  CaptureOptions,
  CaptureOutcome,
  CaptureResult,
  DeadLetterCounts,
  DeadLetterFacts,
  DeadLetterRow,
  DeadLetterRowsPage,
  DeadLetterStore,
  ErrorGroupCounts,
  RegroupResult,
  RemoveReason,
  Retention,
  RetentionResult,
  SweepResult,
} from '../dead-letter-store';
import { SCOPED_GROUPS_EXAMINED } from '../dead-letter-store';
import { holdClient } from './held-client';

/** Payload bytes (data, reason, stack traces as text) read into memory per capture round (a larger single job is read alone), and jobs at most. */
const READ_BYTES_PER_ROUND = 8 * 1024 * 1024;
const ROWS_PER_ROUND = 100;
/** A text filter skips envelopes larger than this (as Redis's walk skips fields over 1 MB)… */
const NEEDLE_MAX_BYTES = 1024 * 1024;
/** …and one statement matches envelopes of at most this many bytes in all. */
const MATCH_BYTES_PER_STATEMENT = 8 * 1024 * 1024;
/** Rows counted at most for a page's total (beyond: the total is "more than", paging goes on). */
const COUNT_CAP = 100_000;
/** Capture records the retention pass looks at per run (from where the last run stopped)… */
const CAPTURE_PRUNE_PER_RUN = 5_000;
/** …and the age under which a record is kept whatever its origin says. */
const CAPTURE_PRUNE_GRACE_MS = 10 * 60_000;
/** Rows a filtered walk looks at per statement (the text match reads their envelopes). */
const WALK_CHUNK = 500;
/** Look this far behind the sweep's watermark (workers' clocks differ a little). */
const WATERMARK_LOOKBACK_MS = 60_000;
const REGROUP_BATCH = 500;

type Pool = Pick<pg.Pool, 'query' | 'connect'>;

export type PostgresDeadLettersOptions = {
  pool: Pool;
  /** BullMQ's schema on this database (default "bullmq") */
  bullmqSchema: string;
  deadLetterQueue: string;
  /** "PostgreSQL connection "x"", for messages */
  where: string;
  /** Where the runtime keeps attempt records of these queues (the connection's records), when known. */
  attemptRecords?: () => ConnectionRecords | null;
  /** Runs before the first statement (the console checks BullMQ's schema). */
  beforeFirst?: () => Promise<void>;
  /** A read-only connection: Drover's schema is used when present, never created or upgraded. */
  readOnly?: boolean;
};


/**
 * A failure's dead-letter id on PostgreSQL: with its failure time, which the worker's Job and BullMQ's
 * row share (BullMQ passes the one finishedOn to its SQL and back to the Job), so the live capture and
 * the sweep name a failure alike, and a job that "retry all" sent back (its attempt count reset) and
 * that failed again is a new failure.
 */
const failureId = (queue: string, jobId: string, attemptsMade: number, createdAt: number | null, failedAt: number | null) => deadLetterId(queue, jobId, attemptsMade, createdAt, failedAt);
const factsId = (f: FailedJobFacts) => failureId(f.queue, f.jobId, f.attemptsMade, f.timestamp, f.failedAt);
const D = `${DROVER_SCHEMA}.dead_letter`;

type Cursor = { failedAt: string; id: string };

const ROW_COLUMNS = `d.id, d.queue, d.job_id, d.name, left(d.failed_reason, ${TEXT_CAP}) AS failed_reason, octet_length(d.failed_reason) AS failed_reason_length,
  d.failed_at::text AS failed_at, d.attempts_made, d.group_id, d.captured_at::text AS captured_at, d.processed_by`;

type RowRecord = { id: string; queue: string; job_id: string; name: string; failed_reason: string; failed_reason_length: number; failed_at: string; attempts_made: number; group_id: string; captured_at: string; processed_by: string | null };

const toRow = (r: RowRecord): DeadLetterRow => ({
  id: r.id,
  queue: r.queue,
  jobId: r.job_id,
  name: r.name,
  failedReason: r.failed_reason,
  failedReasonLength: Number(r.failed_reason_length),
  failedAt: num(r.failed_at),
  attemptsMade: Number(r.attempts_made) || 0,
  group: r.group_id,
  capturedAt: num(r.captured_at),
  processedBy: r.processed_by,
});

/** A capture's row: the facts, the envelope built from them, its group and the attempt records copied. */
type Prepared = { facts: FailedJobFacts; envelope: string; group: { id: string; pattern: string }; sample: string; attempts: string | null; allowMissing: boolean; capturedAt: number; capturedBy: string };

export class PostgresDeadLetters implements DeadLetterStore {
  readonly deadLetterQueue: string;
  private readonly dlq: string;
  private readonly B: string;
  private readyPromise?: Promise<void>;

  constructor(private readonly o: PostgresDeadLettersOptions) {
    this.deadLetterQueue = o.deadLetterQueue;
    this.dlq = `${o.bullmqSchema}/${o.deadLetterQueue}`;
    this.B = pg.escapeIdentifier(o.bullmqSchema);
  }

  /** BullMQ's schema checked and Drover's migrated, once per process (a failure is retried next time). */
  private ready(): Promise<void> {
    this.readyPromise ??= (async () => {
      await this.o.beforeFirst?.();
      await migrateDroverSchema(this.o.pool, this.o.where, { readOnly: this.o.readOnly });
    })().catch((err: unknown) => {
      this.readyPromise = undefined;
      throw err;
    });
    return this.readyPromise;
  }

  private async rows<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    await this.ready();
    return (await this.o.pool.query<R>(text, values)).rows;
  }

  /**
   * A statement that changes this DLQ's rows, in a transaction holding the DLQ's advisory lock: captures,
   * claims, removals and re-grouping of one DLQ run one at a time, so their row and count locks (the
   * triggers') are never taken in two orders at once — no deadlock can abort a removal after its jobs
   * were requeued. Each is one short statement; the lock wait is bounded by the statement time-out.
   */
  private async write<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    await this.ready();
    const client = await this.o.pool.connect();
    let failure: Error | undefined;
    const held = holdClient(client);
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`drover:dlq:${this.dlq}`]);
      const result = await client.query<R>(text, values);
      await client.query('COMMIT');
      return result.rows;
    } catch (err) {
      // Rolled back, the connection goes back to the pool; one whose transaction state is unknown is closed.
      await client.query('ROLLBACK').catch((rollbackErr: Error) => (failure = rollbackErr));
      throw err;
    } finally {
      held.done();
      client.release(failure ?? held.error());
    }
  }

  // ── capture ──

  private prepare(facts: FailedJobFacts, opts: CaptureOptions, attempts: string[] | null, allowMissing: boolean): Prepared {
    const capturedAt = opts.now ?? Date.now();
    return {
      facts,
      envelope: envelopeJson(facts, capturedAt, opts.capturedBy),
      group: opts.group ?? errorGroupOf(facts.failedReason),
      sample: facts.failedReason.slice(0, SAMPLE_MAX),
      attempts: attempts && attempts.length > 0 ? JSON.stringify(attempts) : null,
      allowMissing,
      capturedAt,
      capturedBy: opts.capturedBy,
    };
  }

  /** Attempt records of these origin jobs (copied into their dead letters: they expire with time). */
  private async attemptRecords(queue: string, ids: string[], count: number): Promise<Array<string[] | null>> {
    const own = this.o.attemptRecords?.();
    if (!own || ids.length === 0) return ids.map(() => null);
    return own.attemptLists(queue, ids, count);
  }

  /**
   * One statement per batch: each origin's state and attempts read from BullMQ's table; where it is
   * still failed by this attempt (or gone and allowed to be) and this failure was never captured, the
   * capture recorded and the envelope inserted, with its group and the counter (the per-group and
   * per-queue counts follow by trigger). Returns each origin's outcome.
   */
  private async insert(batch: Prepared[]): Promise<CaptureOutcome[]> {
    if (batch.length === 0) return [];
    const col = <T>(f: (p: Prepared) => T) => batch.map(f);
    const B = this.B;
    const result = await this.write<{ id: string; origin_state: string | null; origin_atm: number | null; attempts_made: number; allow_missing: boolean; inserted: boolean }>(
      `WITH v AS (
  SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $10::bigint[], $11::bigint[],
                       $12::bigint[], $13::text[], $14::bigint[], $15::text[], $16::text[], $17::text[], $18::int[], $19::text[], $20::text[], $21::text[],
                       $22::text[], $23::bool[])
    AS v(id, queue, job_id, name, failed_reason, stacktrace, attempts_made, attempts_started, job_timestamp, processed_on,
         failed_at, processed_by, captured_at, captured_by, opts, envelope, envelope_bytes, group_id, group_pattern, group_sample,
         attempts, allow_missing)
), o AS (
  SELECT v.*, j.state::text AS origin_state, j.attempts_made AS origin_atm FROM v LEFT JOIN ${B}.job j ON j.queue = v.queue AND j.id = v.job_id
), cap AS (
  -- The failure's capture, recorded once for as long as the origin may stay failed by it (a dead letter
  -- requeued or purged meanwhile is not captured again by the next sweep).
  INSERT INTO ${DROVER_SCHEMA}.dead_letter_capture (dlq, id, queue, job_id, attempts_made, failed_at, captured_at)
  SELECT $1, o.id, o.queue, o.job_id, o.attempts_made, o.failed_at, o.captured_at FROM o
  WHERE (o.origin_state = 'failed' AND o.origin_atm = o.attempts_made) OR (o.origin_state IS NULL AND o.allow_missing)
  ON CONFLICT (dlq, id) DO NOTHING
  RETURNING id
), ins AS (
  INSERT INTO ${D} (dlq, id, queue, job_id, name, failed_reason, stacktrace, attempts_made, attempts_started, job_timestamp, processed_on,
                    failed_at, processed_by, captured_at, captured_by, opts, envelope, envelope_bytes, group_id, grouping_version, attempts, log_count, logs)
  SELECT $1, o.id, o.queue, o.job_id, o.name, o.failed_reason, o.stacktrace::jsonb, o.attempts_made, o.attempts_started, o.job_timestamp, o.processed_on,
         o.failed_at, o.processed_by, o.captured_at, o.captured_by, o.opts::jsonb, o.envelope, o.envelope_bytes, o.group_id, $24, o.attempts::jsonb,
         (SELECT count(*) FROM ${B}.job_log l WHERE l.queue = o.queue AND l.job_id = o.job_id),
         (SELECT coalesce(jsonb_agg(x.line ORDER BY x.idx), '[]'::jsonb) FROM (
            SELECT l.idx, CASE WHEN length(l.row) > $26 THEN left(l.row, $26) || '…' ELSE l.row END AS line
            FROM ${B}.job_log l WHERE l.queue = o.queue AND l.job_id = o.job_id ORDER BY l.idx DESC LIMIT $25) x)
  FROM o JOIN cap ON cap.id = o.id
  ON CONFLICT (dlq, id) DO NOTHING
  RETURNING id
), g AS (
  INSERT INTO ${DROVER_SCHEMA}.dead_letter_group (dlq, group_id, pattern, sample)
  SELECT DISTINCT ON (o.group_id) $1, o.group_id, o.group_pattern, o.group_sample FROM o JOIN ins ON ins.id = o.id ORDER BY o.group_id
  ON CONFLICT DO NOTHING
), s AS (
  INSERT INTO ${DROVER_SCHEMA}.dead_letter_stats AS st (dlq, captured) SELECT $1, count(*) FROM ins HAVING count(*) > 0
  ON CONFLICT (dlq) DO UPDATE SET captured = st.captured + excluded.captured
)
SELECT o.id, o.origin_state, o.origin_atm, o.attempts_made, o.allow_missing, (ins.id IS NOT NULL) AS inserted FROM o LEFT JOIN ins ON ins.id = o.id`,
      [
        this.dlq,
        col((p) => factsId(p.facts)),
        col((p) => p.facts.queue),
        col((p) => p.facts.jobId),
        col((p) => p.facts.name),
        col((p) => p.facts.failedReason),
        col((p) => JSON.stringify(p.facts.stacktrace.filter((s) => typeof s === 'string'))),
        col((p) => p.facts.attemptsMade),
        col((p) => p.facts.attemptsStarted),
        col((p) => (p.facts.timestamp !== null && Number.isFinite(p.facts.timestamp) ? p.facts.timestamp : null)),
        col((p) => (p.facts.processedOn !== null && Number.isFinite(p.facts.processedOn) ? p.facts.processedOn : null)),
        col((p) => p.facts.failedAt),
        col((p) => p.facts.processedBy),
        col((p) => p.capturedAt),
        col((p) => p.capturedBy),
        col((p) => JSON.stringify(p.facts.opts ?? {})),
        col((p) => p.envelope),
        col((p) => Buffer.byteLength(p.envelope)),
        col((p) => p.group.id),
        col((p) => p.group.pattern),
        col((p) => p.sample),
        col((p) => p.attempts),
        col((p) => p.allowMissing),
        GROUPING_VERSION,
        DEAD_LETTER_LOG_LINES,
        DEAD_LETTER_LOG_LINE_BYTES,
      ],
    );
    const byId = new Map(result.map((r) => [r.id, r]));
    return batch.map((p) => {
      const r = byId.get(factsId(p.facts));
      if (!r) return 'missing';
      if (r.inserted) return 'captured';
      if (r.origin_state === null) return r.allow_missing ? 'duplicate' : 'missing';
      if (r.origin_state !== 'failed') return 'not-failed';
      if (Number(r.origin_atm) !== Number(r.attempts_made)) return 'changed';
      return 'duplicate';
    });
  }

  async capture(facts: FailedJobFacts, opts: CaptureOptions): Promise<{ outcome: CaptureOutcome; id: string }> {
    const [attempts] = await this.attemptRecords(facts.queue, [facts.jobId], ATTEMPTS_CAP);
    const [outcome] = await this.insert([this.prepare(facts, opts, attempts, opts.allowMissingOrigin === true)]);
    return { outcome, id: factsId(facts) };
  }

  async captureByIds(queue: string, ids: string[], opts: CaptureOptions): Promise<CaptureResult> {
    const result: CaptureResult = { captured: [], duplicates: [], skipped: [] };
    const unique = [...new Set(ids)];
    if (unique.length === 0) return result;
    const B = this.B;
    type Meta = {
      id: string; name: string; opts: string; added_at_ms: string | null; processed_at_ms: string | null; finished_at_ms: string | null;
      attempts_made: number; attempts_started: number; failed_reason: string | null; stacktrace: string | null; processed_by: string | null; state: string; size: number;
    };
    const metas = await this.rows<Meta>(
      `SELECT id, name, opts::text AS opts, added_at_ms::text, processed_at_ms::text, finished_at_ms::text, attempts_made, attempts_started,
              failed_reason, stacktrace::text AS stacktrace, processed_by, state::text AS state,
              octet_length(data::text) + coalesce(octet_length(failed_reason), 0) + coalesce(octet_length(stacktrace::text), 0) AS size
       FROM ${B}.job WHERE queue = $1 AND id = ANY($2::text[])`,
      [queue, unique],
    );
    const byId = new Map(metas.map((m) => [m.id, m]));
    const failed: Meta[] = [];
    for (const id of unique) {
      const m = byId.get(id);
      if (!m) result.skipped.push({ id, reason: 'missing' });
      else if (m.state !== 'failed') result.skipped.push({ id, reason: 'not-failed' });
      else failed.push(m);
    }
    // Failures captured already (their dead letter may be requeued or purged since) are not read again:
    // the sweep re-reads a minute behind its watermark, "Send to DLQ" by state every failed job.
    const envIds = failed.map((m) => failureId(queue, m.id, m.attempts_made, num(m.added_at_ms), num(m.finished_at_ms) ?? 0));
    const existing = new Set(
      envIds.length
        ? (await this.rows<{ id: string }>(`SELECT id FROM ${DROVER_SCHEMA}.dead_letter_capture WHERE dlq = $1 AND id = ANY($2::text[])`, [this.dlq, envIds])).map((r) => r.id)
        : [],
    );
    const pending = failed.filter((m, i) => {
      if (!existing.has(envIds[i])) return true;
      result.duplicates.push(m.id);
      return false;
    });
    for (const round of byteRounds(pending, (m) => Number(m.size), READ_BYTES_PER_ROUND, ROWS_PER_ROUND)) {
      const [datas, attempts] = await Promise.all([
        this.rows<{ id: string; data: string }>(`SELECT id, data::text AS data FROM ${B}.job WHERE queue = $1 AND id = ANY($2::text[])`, [queue, round.map((m) => m.id)]),
        this.attemptRecords(queue, round.map((m) => m.id), ATTEMPTS_CAP),
      ]);
      const data = new Map(datas.map((d) => [d.id, d.data]));
      const prepared = round.map((m, i) => {
        let parsedOpts: Record<string, unknown> = {};
        try {
          parsedOpts = Job.optsFromJSON(m.opts ?? '{}') as Record<string, unknown>;
        } catch {
          parsedOpts = {};
        }
        const facts: FailedJobFacts = {
          queue,
          jobId: m.id,
          name: m.name,
          dataJson: data.get(m.id) ?? '{}',
          opts: parsedOpts,
          failedReason: m.failed_reason ?? '',
          stacktrace: stringsOf(m.stacktrace),
          attemptsMade: Number(m.attempts_made),
          attemptsStarted: Number(m.attempts_started),
          timestamp: num(m.added_at_ms),
          processedOn: num(m.processed_at_ms),
          // (a failed job always has its finish time; 0 keeps the id the pre-check computed)
          failedAt: num(m.finished_at_ms) ?? 0,
          processedBy: m.processed_by,
        };
        return this.prepare(facts, opts, attempts[i], false);
      });
      const outcomes = await this.insert(prepared);
      outcomes.forEach((outcome, i) => {
        const id = round[i].id;
        if (outcome === 'captured') result.captured.push(id);
        else if (outcome === 'duplicate') result.duplicates.push(id);
        else result.skipped.push({ id, reason: outcome });
      });
    }
    return result;
  }

  async countFailed(queue: string, upTo: number): Promise<number> {
    const [r] = await this.rows<{ n: string }>(`SELECT count(*) AS n FROM ${this.B}.job WHERE queue = $1 AND state = 'failed' AND finished_at_ms <= $2`, [queue, upTo]);
    return Number(r.n);
  }

  /** Failed jobs of a queue by (finished_at_ms, id) from `from` on, at most `upTo`: a keyset walk on BullMQ's finished index. */
  private async *failedWalk(queue: string, from: number, upTo: number | null, batch: number): AsyncGenerator<Array<{ id: string; finishedAt: string }>> {
    let cursor: { at: string; id: string } | null = null;
    for (;;) {
      const values: unknown[] = [queue, cursor ? cursor.at : from, batch];
      let where: string = cursor ? `finished_at_ms >= $2 AND (finished_at_ms > $2 OR id > $4)` : `finished_at_ms >= $2`;
      if (cursor) values.push(cursor.id);
      if (upTo !== null) {
        values.push(upTo);
        where += ` AND finished_at_ms <= $${values.length}`;
      }
      const rows: Array<{ id: string; f: string }> = await this.rows<{ id: string; f: string }>(
        `SELECT id, finished_at_ms::text AS f FROM ${this.B}.job WHERE queue = $1 AND state = 'failed' AND ${where} ORDER BY finished_at_ms, id LIMIT $3`,
        values,
      );
      if (rows.length === 0) return;
      cursor = { at: rows[rows.length - 1].f, id: rows[rows.length - 1].id };
      yield rows.map((r) => ({ id: r.id, finishedAt: r.f }));
      if (rows.length < batch) return;
    }
  }

  async *failedIdChunks(queue: string, upTo: number, batch: number): AsyncGenerator<string[]> {
    for await (const chunk of this.failedWalk(queue, 0, upTo, batch)) yield chunk.map((e) => e.id);
  }

  async sweep(queue: string, opts: Parameters<DeadLetterStore['sweep']>[1]): Promise<SweepResult> {
    const batch = opts.batch ?? 500;
    const maxJobs = opts.maxJobs ?? 5000;
    const [w] = await this.rows<{ mark: string }>(`SELECT mark::text FROM ${DROVER_SCHEMA}.dead_letter_watermark WHERE dlq = $1 AND queue = $2`, [this.dlq, queue]);
    const mark = Number(w?.mark ?? 0);
    const out: SweepResult = { scanned: 0, captured: 0, duplicates: [], caughtUp: true };
    let beyondMark = 0;
    for await (const entries of this.failedWalk(queue, Math.max(0, mark - WATERMARK_LOOKBACK_MS), null, batch)) {
      const result = await this.captureByIds(queue, entries.map((e) => e.id), opts);
      await opts.onCaptured?.(result);
      out.scanned += entries.length;
      out.captured += result.captured.length;
      out.duplicates.push(...result.duplicates);
      beyondMark += entries.filter((e) => Number(e.finishedAt) > mark).length;
      // Only ever forward (two workers sweeping the same queue).
      await this.rows(
        // Never past the database's clock: a worker whose clock runs ahead must not push the mark beyond
        // failures still to come.
        `INSERT INTO ${DROVER_SCHEMA}.dead_letter_watermark AS w (dlq, queue, mark)
         VALUES ($1, $2, least($3::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint))
         ON CONFLICT (dlq, queue) DO UPDATE SET mark = greatest(w.mark, excluded.mark)`,
        [this.dlq, queue, entries[entries.length - 1].finishedAt],
      );
      if (entries.length === batch && beyondMark >= maxJobs) {
        out.caughtUp = false;
        break;
      }
    }
    return out;
  }

  /** Dead letters now (the per-queue counts the triggers keep). */
  private async total(): Promise<number> {
    const [r] = await this.rows<{ n: string | null }>(`SELECT sum(count) AS n FROM ${DROVER_SCHEMA}.dead_letter_queue_count WHERE dlq = $1`, [this.dlq]);
    return Number(r?.n ?? 0);
  }

  async enforceRetention(retention: Retention, opts: { batch?: number; maxBatches?: number; now?: number; danglingChecks?: number } = {}): Promise<RetentionResult> {
    const batch = opts.batch ?? 1000;
    const maxBatches = opts.maxBatches ?? 10;
    const cutoff = (opts.now ?? Date.now()) - retention.maxAgeDays * 24 * 60 * 60 * 1000;
    const pruned = await this.pruneCaptures(opts.danglingChecks ?? CAPTURE_PRUNE_PER_RUN, opts.now ?? Date.now());
    let expired = 0;
    for (let round = 0; round < maxBatches; round++) {
      let ids = (await this.rows<{ id: string }>(`SELECT id FROM ${D} WHERE dlq = $1 AND failed_at < $2 ORDER BY failed_at, id LIMIT $3`, [this.dlq, cutoff, batch])).map((r) => r.id);
      if (ids.length === 0) {
        const excess = (await this.total()) - retention.maxCount;
        if (excess <= 0) return { expired, caughtUp: true, dangling: pruned };
        ids = (await this.rows<{ id: string }>(`SELECT id FROM ${D} WHERE dlq = $1 ORDER BY failed_at, id LIMIT $2`, [this.dlq, Math.min(excess, batch)])).map((r) => r.id);
      }
      const removed = await this.remove(ids, 'expired');
      expired += removed.length;
      if (removed.length === 0) return { expired, caughtUp: false, dangling: pruned };
    }
    return { expired, caughtUp: false, dangling: pruned };
  }

  /** Where the capture records' check stopped (per process: a restart starts it over). */
  private pruneCursor: { at: string; id: string } | null = null;

  /**
   * Drops capture records whose origin is no longer failed by that attempt (retried, removed, failed
   * again: a new failure has a new id), and error-group patterns no dead letter uses any more. Looks at
   * up to `max` records per call from where the last call stopped, wrapping around; returns how many it dropped.
   */
  private async pruneCaptures(max: number, now: number): Promise<number> {
    let dropped = 0;
    let looked = 0;
    while (looked < max) {
      const values: unknown[] = [this.dlq, Math.min(1000, max - looked)];
      let after = '';
      if (this.pruneCursor) {
        values.push(this.pruneCursor.at, this.pruneCursor.id);
        after = 'AND (c.captured_at, c.id) > ($3::bigint, $4::text)';
      }
      values.push(now - CAPTURE_PRUNE_GRACE_MS);
      const rows = await this.rows<{ id: string; at: string; gone: boolean }>(
        // A record younger than CAPTURE_PRUNE_GRACE_MS stays: a live capture of a job removed on fail may
        // still be on its way with the same failure.
        `SELECT c.id, c.captured_at::text AS at,
                (c.captured_at < $${values.length}
                 AND (j.id IS NULL OR j.state <> 'failed' OR j.attempts_made <> c.attempts_made OR j.finished_at_ms IS DISTINCT FROM c.failed_at)) AS gone
         FROM ${DROVER_SCHEMA}.dead_letter_capture c LEFT JOIN ${this.B}.job j ON j.queue = c.queue AND j.id = c.job_id
         WHERE c.dlq = $1 ${after} ORDER BY c.captured_at, c.id LIMIT $2`,
        values,
      );
      looked += rows.length;
      const gone = rows.filter((r) => r.gone).map((r) => r.id);
      if (gone.length) {
        dropped += (await this.write(`DELETE FROM ${DROVER_SCHEMA}.dead_letter_capture WHERE dlq = $1 AND id = ANY($2::text[]) RETURNING id`, [this.dlq, gone])).length;
      }
      if (rows.length < Number(values[1])) {
        this.pruneCursor = null;
        break;
      }
      this.pruneCursor = { at: rows[rows.length - 1].at, id: rows[rows.length - 1].id };
    }
    await this.write(
      `DELETE FROM ${DROVER_SCHEMA}.dead_letter_group g WHERE g.dlq = $1
         AND NOT EXISTS (SELECT 1 FROM ${DROVER_SCHEMA}.dead_letter_group_count c WHERE c.dlq = g.dlq AND c.group_id = g.group_id)`,
      [this.dlq],
    );
    return dropped;
  }

  async isRegrouped(): Promise<boolean> {
    const [r] = await this.rows<{ done: boolean }>(`SELECT NOT EXISTS (SELECT 1 FROM ${D} WHERE dlq = $1 AND grouping_version < $2) AS done`, [this.dlq, GROUPING_VERSION]);
    return r.done;
  }

  /** Rows grouped under earlier rules get their current group, REGROUP_BATCH per statement, within the budget. */
  async regroup(opts: { budgetMs?: number; batch?: number } = {}): Promise<RegroupResult> {
    const deadline = Date.now() + (opts.budgetMs ?? 1000);
    const batch = opts.batch ?? REGROUP_BATCH;
    let moved = 0;
    do {
      const rows = await this.rows<{ id: string; reason: string; group_id: string }>(
        `SELECT id, left(failed_reason, $3) AS reason, group_id FROM ${D} WHERE dlq = $1 AND grouping_version < $2 LIMIT $4`,
        [this.dlq, GROUPING_VERSION, Math.max(MAX_INPUT_LENGTH, SAMPLE_MAX), batch],
      );
      if (rows.length === 0) return { done: true, moved };
      const groups = rows.map((r) => errorGroupOf(r.reason));
      await this.write(
        `WITH u AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(id, group_id, pattern, sample)),
         upd AS (UPDATE ${D} d SET group_id = u.group_id, grouping_version = $6 FROM u WHERE d.dlq = $1 AND d.id = u.id)
         INSERT INTO ${DROVER_SCHEMA}.dead_letter_group (dlq, group_id, pattern, sample)
         SELECT DISTINCT ON (group_id) $1, group_id, pattern, sample FROM u ORDER BY group_id ON CONFLICT DO NOTHING`,
        [this.dlq, rows.map((r) => r.id), groups.map((g) => g.id), groups.map((g) => g.pattern), rows.map((r) => r.reason.slice(0, SAMPLE_MAX)), GROUPING_VERSION],
      );
      moved += rows.filter((r, i) => r.group_id !== groups[i].id).length;
    } while (Date.now() < deadline);
    return { done: await this.isRegrouped(), moved };
  }

  // ── reads ──

  /** The filter as SQL conditions on `d` (the text needle apart: it is matched per row in a walk). */
  private conditions(filter: DeadLetterFilter, values: unknown[], now = Date.now()): string {
    values.push(this.dlq);
    const where = [`d.dlq = $${values.length}`];
    const add = (sql: (n: string) => string, v: unknown) => {
      values.push(v);
      where.push(sql(`$${values.length}`));
    };
    if (filter.queue) add((n) => `d.queue = ${n}`, filter.queue);
    // A team scope: only the origin queues the caller may see (the (dlq, queue, failed_at) index serves it).
    if (filter.origins) add((n) => `d.queue = ANY(${n}::text[])`, filter.origins);
    if (filter.group) add((n) => `d.group_id = ${n}`, filter.group);
    if (filter.name) add((n) => `d.name = ${n}`, filter.name);
    if (filter.from !== undefined) add((n) => `d.failed_at >= ${n}`, filter.from);
    const maxes = [filter.to, filter.olderThanMs !== undefined ? now - filter.olderThanMs : undefined].filter((v): v is number => v !== undefined);
    if (maxes.length) add((n) => `d.failed_at <= ${n}`, Math.min(...maxes));
    return where.join(' AND ');
  }

  private needle(filter: DeadLetterFilter): string {
    return asciiLower((filter.q ?? '').trim());
  }

  /**
   * The next chunk of rows matching the indexable conditions after `cursor` (newest first), each with
   * whether it matches the text needle too. The chunk is read from the indexes alone; its envelopes are
   * then matched in statements of at most MATCH_BYTES_PER_STATEMENT (an envelope over NEEDLE_MAX_BYTES is
   * not searched, as on Redis).
   */
  private async walkChunk(filter: DeadLetterFilter, cursor: Cursor | null, chunk: number): Promise<{ entries: Array<{ id: string; failedAt: string; hit: boolean; bytes: number }>; done: boolean }> {
    const values: unknown[] = [];
    let where = this.conditions(filter, values);
    if (cursor) {
      values.push(cursor.failedAt, cursor.id);
      where += ` AND (d.failed_at, d.id) < ($${values.length - 1}::bigint, $${values.length}::text)`;
    }
    values.push(chunk);
    const rows = await this.rows<{ id: string; failed_at: string; bytes: number }>(
      `SELECT d.id, d.failed_at::text AS failed_at, d.envelope_bytes AS bytes FROM ${D} d WHERE ${where} ORDER BY d.failed_at DESC, d.id DESC LIMIT $${values.length}`,
      values,
    );
    const needle = this.needle(filter);
    const hits = new Set<string>();
    if (needle) {
      for (const part of byteRounds(rows, (r) => Math.min(Number(r.bytes), NEEDLE_MAX_BYTES), MATCH_BYTES_PER_STATEMENT)) {
        const found = await this.rows<{ id: string }>(
          `SELECT id FROM ${D} WHERE dlq = $1 AND id = ANY($2::text[]) AND (strpos(id, $3) > 0 OR (envelope_bytes <= $4 AND strpos(lower(envelope COLLATE "C"), $3) > 0))`,
          [this.dlq, part.map((r) => r.id), needle, NEEDLE_MAX_BYTES],
        );
        for (const f of found) hits.add(f.id);
      }
    }
    return { entries: rows.map((r) => ({ id: r.id, failedAt: r.failed_at, hit: !needle || hits.has(r.id), bytes: Number(r.bytes) })), done: rows.length < chunk };
  }

  private async rowsOf(ids: string[]): Promise<DeadLetterRow[]> {
    if (ids.length === 0) return [];
    const found = await this.rows<RowRecord>(`SELECT ${ROW_COLUMNS} FROM ${D} d WHERE d.dlq = $1 AND d.id = ANY($2::text[])`, [this.dlq, ids]);
    const byId = new Map(found.map((r) => [r.id, toRow(r)]));
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  async page(filter: DeadLetterFilter, page: number, size: number, walkMs: number): Promise<DeadLetterRowsPage> {
    const skip = (page - 1) * size;
    if (skip >= COUNT_CAP) {
      throw new InvalidError(`page ${page} starts past the first ${COUNT_CAP.toLocaleString('en')} dead letters of this filter: narrow it (by failure time, queue or error group) to reach older ones`);
    }
    if (!this.needle(filter)) {
      // Every condition is on an indexed column: the page's ids by offset over the index (a DLQ holds at
      // most its retention count, 100,000 by default), then their rows; the total from the counts the
      // triggers keep when one origin queue or one group is asked for, else counted up to COUNT_CAP.
      const values: unknown[] = [];
      const where = this.conditions(filter, values);
      const only = (keys: string[]) => Object.entries(filter).every(([k, v]) => v === undefined || keys.includes(k));
      const countSql =
        only([]) || only(['queue']) || only(['group'])
          ? filter.queue
            ? `SELECT coalesce(sum(count), 0) AS n FROM ${DROVER_SCHEMA}.dead_letter_queue_count WHERE dlq = $1 AND queue = $2`
            : filter.group
              ? `SELECT coalesce(sum(count), 0) AS n FROM ${DROVER_SCHEMA}.dead_letter_group_count WHERE dlq = $1 AND group_id = $2`
              : `SELECT coalesce(sum(count), 0) AS n FROM ${DROVER_SCHEMA}.dead_letter_queue_count WHERE dlq = $1`
          : `SELECT count(*) AS n FROM (SELECT 1 FROM ${D} d WHERE ${where} LIMIT ${COUNT_CAP + 1}) x`;
      const [[count], rows] = await Promise.all([
        this.rows<{ n: string }>(countSql, values),
        this.rows<RowRecord>(
          `WITH page AS (SELECT d.id, d.failed_at FROM ${D} d WHERE ${where} ORDER BY d.failed_at DESC, d.id DESC OFFSET $${values.length + 1} LIMIT $${values.length + 2})
           SELECT ${ROW_COLUMNS} FROM page JOIN ${D} d ON d.dlq = $1 AND d.id = page.id ORDER BY page.failed_at DESC, page.id DESC`,
          [...values, skip, size + 1],
        ),
      ]);
      const n = Number(count.n);
      const total = n > COUNT_CAP ? null : n;
      return { total, hasNext: rows.length > size, rows: rows.slice(0, size).map(toRow) };
    }
    // A text needle: walk matches up to this page (+1 to know about a next one), within walkMs.
    const deadline = Date.now() + walkMs;
    const ids: string[] = [];
    let cursor: Cursor | null = null;
    let exhausted = false;
    while (ids.length < skip + size + 1) {
      const { entries, done } = await this.walkChunk(filter, cursor, WALK_CHUNK);
      for (const e of entries) if (e.hit) ids.push(e.id);
      if (entries.length) cursor = { failedAt: entries[entries.length - 1].failedAt, id: entries[entries.length - 1].id };
      if (done) {
        exhausted = true;
        break;
      }
      if (Date.now() > deadline) break;
    }
    return {
      total: exhausted ? ids.length : null,
      hasNext: ids.length > skip + size || !exhausted,
      rows: await this.rowsOf(ids.slice(skip, skip + size)),
    };
  }

  async detail(id: string): Promise<DeadLetterFacts | null> {
    const [r] = await this.rows<{
      id: string; queue: string; job_id: string; name: string; failed_reason: string; stacktrace: unknown; attempts_made: number; attempts_started: number;
      job_timestamp: string | null; processed_on: string | null; failed_at: string; processed_by: string | null; captured_at: string; captured_by: string;
      opts: Record<string, unknown>; group_id: string; pattern: string | null; attempts: unknown; log_count: number | null; logs: unknown; envelope_bytes: number;
      origin_state: string | null; origin_atm: number | null; origin_added: string | null; origin_finished: string | null;
    }>(
      `SELECT d.id, d.queue, d.job_id, d.name, d.failed_reason, d.stacktrace, d.attempts_made, d.attempts_started, d.job_timestamp::text, d.processed_on::text,
              d.failed_at::text, d.processed_by, d.captured_at::text, d.captured_by, d.opts, d.group_id, g.pattern, d.attempts, d.log_count, d.logs, d.envelope_bytes,
              j.state::text AS origin_state, j.attempts_made AS origin_atm, j.added_at_ms::text AS origin_added, j.finished_at_ms::text AS origin_finished
       FROM ${D} d
       LEFT JOIN ${DROVER_SCHEMA}.dead_letter_group g ON g.dlq = d.dlq AND g.group_id = d.group_id
       LEFT JOIN ${this.B}.job j ON j.queue = d.queue AND j.id = d.job_id
       WHERE d.dlq = $1 AND d.id = $2`,
      [this.dlq, id],
    );
    if (!r) return null;
    const own = this.o.attemptRecords?.();
    const live = own ? ((await own.attemptLists(r.queue, [r.job_id], ATTEMPTS_CAP))[0] ?? []) : [];
    return {
      id,
      queue: r.queue,
      jobId: r.job_id,
      name: r.name,
      failedReason: r.failed_reason,
      stacktrace: stringsOf(r.stacktrace),
      attemptsMade: Number(r.attempts_made),
      attemptsStarted: Number(r.attempts_started),
      timestamp: num(r.job_timestamp),
      processedOn: num(r.processed_on),
      failedAt: num(r.failed_at),
      processedBy: r.processed_by,
      capturedAt: num(r.captured_at),
      capturedBy: r.captured_by,
      opts: r.opts ?? {},
      group: { id: r.group_id, pattern: r.pattern },
      envelopeSize: Number(r.envelope_bytes),
      originPresent: r.origin_state === 'failed' && failureId(r.queue, r.job_id, Number(r.origin_atm), num(r.origin_added), num(r.origin_finished)) === id,
      attempts: failureAttempts(live, r.attempts ?? [], num(r.job_timestamp), num(r.failed_at)),
      logs: logsOf(r.log_count, r.logs),
    };
  }

  async envelopeText(id: string): Promise<string | null> {
    const [r] = await this.rows<{ envelope: string }>(`SELECT envelope FROM ${D} WHERE dlq = $1 AND id = $2`, [this.dlq, id]);
    return r?.envelope ?? null;
  }

  /** From the counts the triggers keep: the biggest groups, each with its first and last failure (two index probes). */
  async groups(limit: number, origins?: Array<{ queue: string; count: number }>, maxExamined = SCOPED_GROUPS_EXAMINED): Promise<ErrorGroupCounts> {
    if (origins) return this.scopedGroups(limit, origins, maxExamined);
    const [[counts], rows] = await Promise.all([
      this.rows<{ total: string | null; group_count: string }>(
        `SELECT (SELECT sum(count) FROM ${DROVER_SCHEMA}.dead_letter_queue_count WHERE dlq = $1) AS total,
                (SELECT count(*) FROM ${DROVER_SCHEMA}.dead_letter_group_count WHERE dlq = $1) AS group_count`,
        [this.dlq],
      ),
      this.rows<{ group_id: string; n: string; first: string | null; last: string | null; pattern: string | null; sample: string | null }>(
        `SELECT c.group_id, c.count AS n, g.pattern, g.sample,
                (SELECT min(d.failed_at) FROM ${D} d WHERE d.dlq = $1 AND d.group_id = c.group_id)::text AS first,
                (SELECT max(d.failed_at) FROM ${D} d WHERE d.dlq = $1 AND d.group_id = c.group_id)::text AS last
         FROM ${DROVER_SCHEMA}.dead_letter_group_count c
         LEFT JOIN ${DROVER_SCHEMA}.dead_letter_group g ON g.dlq = c.dlq AND g.group_id = c.group_id
         WHERE c.dlq = $1 ORDER BY c.count DESC, c.group_id LIMIT $2`,
        [this.dlq, limit],
      ),
    ]);
    return {
      total: Number(counts.total ?? 0),
      groupCount: Number(counts.group_count),
      groups: rows.map((r) => ({ id: r.group_id, pattern: r.pattern ?? '(unknown)', sample: r.sample ?? '', count: Number(r.n), firstSeen: num(r.first), lastSeen: num(r.last) })),
    };
  }

  /**
   * Groups over some origin queues only (a team scope): counted from their newest dead letters, at most
   * SCOPED_GROUPS_EXAMINED of them (`partial` says when there were more), in one statement.
   */
  private async scopedGroups(limit: number, origins: Array<{ queue: string; count: number }>, maxExamined: number): Promise<ErrorGroupCounts> {
    const rows = await this.rows<{ group_id: string; n: string; first: string; last: string; pattern: string | null; sample: string | null; group_count: string; examined: string }>(
      `WITH probe AS (SELECT d.group_id, d.failed_at FROM ${D} d WHERE d.dlq = $1 AND d.queue = ANY($2::text[]) ORDER BY d.failed_at DESC, d.id DESC LIMIT $3 + 1),
            m AS (SELECT * FROM probe ORDER BY failed_at DESC LIMIT $3)
       SELECT m.group_id, count(*) AS n, min(m.failed_at)::text AS first, max(m.failed_at)::text AS last, g.pattern, g.sample,
              count(*) OVER () AS group_count, (SELECT count(*) FROM probe) AS examined
       FROM m LEFT JOIN ${DROVER_SCHEMA}.dead_letter_group g ON g.dlq = $1 AND g.group_id = m.group_id
       GROUP BY m.group_id, g.pattern, g.sample ORDER BY count(*) DESC, m.group_id LIMIT $4`,
      [this.dlq, origins.map((o) => o.queue), maxExamined, limit],
    );
    const partial = rows.length > 0 && Number(rows[0].examined) > maxExamined;
    return {
      total: origins.reduce((n, o) => n + o.count, 0),
      groupCount: rows.length ? Number(rows[0].group_count) : 0,
      groups: rows.map((r) => ({ id: r.group_id, pattern: r.pattern ?? '(unknown)', sample: r.sample ?? '', count: Number(r.n), firstSeen: num(r.first), lastSeen: num(r.last) })),
      ...(partial ? { partial } : {}),
    };
  }

  async originQueues(max: number): Promise<Array<{ queue: string; count: number }>> {
    const rows = await this.rows<{ queue: string; n: string }>(
      `SELECT queue, count AS n FROM ${DROVER_SCHEMA}.dead_letter_queue_count WHERE dlq = $1 AND count > 0 ORDER BY count DESC, queue LIMIT $2`,
      [this.dlq, max],
    );
    return rows.map((r) => ({ queue: r.queue, count: Number(r.n) }));
  }

  async originsOf(ids: string[]): Promise<Array<string | null>> {
    if (ids.length === 0) return [];
    const found = new Map((await this.rows<{ id: string; queue: string }>(`SELECT id, queue FROM ${D} WHERE dlq = $1 AND id = ANY($2::text[])`, [this.dlq, ids])).map((r) => [r.id, r.queue]));
    return ids.map((id) => found.get(id) ?? null);
  }

  async counts(): Promise<DeadLetterCounts> {
    const [queues, [stats]] = await Promise.all([
      this.rows<{ queue: string; n: string }>(`SELECT queue, count AS n FROM ${DROVER_SCHEMA}.dead_letter_queue_count WHERE dlq = $1 ORDER BY count DESC, queue LIMIT 200`, [this.dlq]),
      this.rows<{ captured: string; requeued: string; purged: string; expired: string; total: string | null }>(
        `SELECT (SELECT sum(count) FROM ${DROVER_SCHEMA}.dead_letter_queue_count WHERE dlq = $1) AS total, s.captured, s.requeued, s.purged, s.expired
         FROM (SELECT 1) one LEFT JOIN ${DROVER_SCHEMA}.dead_letter_stats s ON s.dlq = $1`,
        [this.dlq],
      ),
    ]);
    return {
      total: Number(stats.total ?? 0),
      queues: queues.map((q) => ({ queue: q.queue, count: Number(q.n) })),
      stats: { captured: Number(stats.captured ?? 0), requeued: Number(stats.requeued ?? 0), purged: Number(stats.purged ?? 0), expired: Number(stats.expired ?? 0) },
    };
  }

  async matchingIds(filter: DeadLetterFilter, max: number): Promise<{ ids: string[]; more: boolean }> {
    // As on Redis: by error group only once every dead letter is grouped by the current rules.
    if (filter.group && !(await this.isRegrouped())) {
      throw new ConflictError('Dead letters captured before this version are still being re-grouped, so this error group may not be complete yet: nothing was changed. Reload the dead-letter page in a moment and try again.');
    }
    const ids: string[] = [];
    let cursor: Cursor | null = null;
    const chunk = this.needle(filter) ? WALK_CHUNK : 5000;
    for (;;) {
      const { entries, done } = await this.walkChunk(filter, cursor, chunk);
      for (const e of entries) if (e.hit) ids.push(e.id);
      if (ids.length > max) return { ids: ids.slice(0, max), more: true };
      if (done) return { ids, more: false };
      cursor = { failedAt: entries[entries.length - 1].failedAt, id: entries[entries.length - 1].id };
    }
  }

  async *exportLines(filter: DeadLetterFilter, upTo: number): AsyncGenerator<string> {
    const pinned = { ...filter, to: Math.min(filter.to ?? Infinity, upTo) };
    let cursor: Cursor | null = null;
    for (;;) {
      const { entries, done } = await this.walkChunk(pinned, cursor, this.needle(filter) ? WALK_CHUNK : EXPORT_ROWS_PER_PULL);
      if (entries.length) cursor = { failedAt: entries[entries.length - 1].failedAt, id: entries[entries.length - 1].id };
      const hits = entries.filter((e) => e.hit);
      for (const part of byteRounds(hits, (e) => e.bytes, EXPORT_BYTES_PER_PULL)) {
        const round = part.map((e) => e.id);
        const rows = await this.rows<{ id: string; group_id: string; envelope: string }>(`SELECT id, group_id, envelope FROM ${D} WHERE dlq = $1 AND id = ANY($2::text[])`, [this.dlq, round]);
        const byId = new Map(rows.map((r) => [r.id, r]));
        const lines = round.flatMap((id) => {
          const r = byId.get(id);
          return r ? [`{"id":${JSON.stringify(id)},"group":${JSON.stringify(r.group_id)},"envelope":${r.envelope}}\n`] : [];
        });
        if (lines.length) yield lines.join('');
      }
      if (done) return;
    }
  }

  // ── requeue and removal ──

  async claim(ids: string[], token: string, now: number, ttlMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.write<{ id: string }>(
      `UPDATE ${D} SET claim_token = $3, claimed_until = $4 WHERE dlq = $1 AND id = ANY($2::text[])
         AND (claim_token IS NULL OR claimed_until < $5 OR claim_token = $3) RETURNING id`,
      [this.dlq, ids, token, now + ttlMs, now],
    );
    return rows.map((r) => r.id);
  }

  async release(ids: string[], token: string): Promise<void> {
    if (ids.length === 0) return;
    await this.write(`UPDATE ${D} SET claim_token = NULL, claimed_until = NULL WHERE dlq = $1 AND id = ANY($2::text[]) AND claim_token = $3`, [this.dlq, ids, token]);
  }

  async exists(ids: string[]): Promise<boolean[]> {
    if (ids.length === 0) return [];
    const found = new Set((await this.rows<{ id: string }>(`SELECT id FROM ${D} WHERE dlq = $1 AND id = ANY($2::text[])`, [this.dlq, ids])).map((r) => r.id));
    return ids.map((id) => found.has(id));
  }

  async *envelopes(ids: string[]): AsyncGenerator<Array<{ id: string; text: string | null }>> {
    if (ids.length === 0) return;
    const sizes = new Map(
      (await this.rows<{ id: string; bytes: number }>(`SELECT id, envelope_bytes AS bytes FROM ${D} WHERE dlq = $1 AND id = ANY($2::text[])`, [this.dlq, ids])).map((r) => [r.id, Number(r.bytes)]),
    );
    for (const round of byteRounds(ids, (id) => sizes.get(id) ?? 0, ENVELOPE_ROUND_BYTES)) {
      const rows = await this.rows<{ id: string; envelope: string }>(`SELECT id, envelope FROM ${D} WHERE dlq = $1 AND id = ANY($2::text[])`, [this.dlq, round]);
      const texts = new Map(rows.map((r) => [r.id, r.envelope]));
      yield round.map((id) => ({ id, text: texts.get(id) ?? null }));
    }
  }

  async remove(ids: string[], reason: RemoveReason, claimToken = ''): Promise<string[]> {
    if (ids.length === 0) return [];
    const column = ({ requeued: 'requeued', purged: 'purged', expired: 'expired' } as const)[reason];
    const values: unknown[] = [this.dlq, ids];
    if (claimToken) values.push(claimToken);
    const rows = await this.write<{ id: string }>(
      `WITH del AS (DELETE FROM ${D} WHERE dlq = $1 AND id = ANY($2::text[]) ${claimToken ? 'AND claim_token = $3' : ''} RETURNING id),
       s AS (INSERT INTO ${DROVER_SCHEMA}.dead_letter_stats AS st (dlq, ${column}) SELECT $1, count(*) FROM del HAVING count(*) > 0
             ON CONFLICT (dlq) DO UPDATE SET ${column} = st.${column} + excluded.${column})
       SELECT id FROM del`,
      values,
    );
    return rows.map((r) => r.id);
  }
}
