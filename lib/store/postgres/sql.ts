// Drover's SQL over BullMQ's PostgreSQL schema, kept apart like the Lua: read-only, parameterized,
// unqualified names (the pool pins search_path to the connection's schema), each statement served by
// one of BullMQ's indexes (the primary key (queue, id) or a per-state partial index).
import type { JobState } from '@/lib/jobs/job-states';

/** Queue names after $1, in order, $2 at most: a loose index scan over job's primary key (never DISTINCT over all rows). */
export const QUEUE_NAMES_AFTER = `
WITH RECURSIVE q(queue, n) AS (
  (SELECT queue, 1 FROM job WHERE queue > $1 ORDER BY queue LIMIT 1)
  UNION ALL
  SELECT (SELECT j.queue FROM job j WHERE j.queue > q.queue ORDER BY j.queue LIMIT 1), q.n + 1
    FROM q WHERE q.queue IS NOT NULL AND q.n < $2
)
SELECT queue FROM q WHERE queue IS NOT NULL`;

/** Queues that have metadata (a queue paused or limited before any job was added). Small: a few rows per queue. */
export const META_QUEUES = `SELECT DISTINCT queue FROM meta LIMIT $1`;

/** A count that stops at $3 (so a queue of millions costs what one of $3 does; the store estimates above). */
const count = (where: string) => `(SELECT count(*) FROM (SELECT 1 FROM job j WHERE j.queue = q.queue AND ${where} LIMIT $3) upto)`;
const metrics = (kind: 'completed' | 'failed') =>
  `(SELECT json_build_array(m.count, m.prev_ts, m.prev_count, m.data[1:$2]) FROM metrics m WHERE m.queue = q.queue AND m.kind = '${kind}')`;

/** Every asked queue's counts (each from a partial index, up to $3), flags, oldest waiting job and metrics, in one statement. */
export const QUEUE_SUMMARIES = `
SELECT q.queue,
  ${count(`j.state = 'waiting' AND j.priority = 0`)} AS waiting,
  ${count(`j.state = 'active'`)} AS active,
  ${count(`j.state = 'delayed'`)} AS delayed,
  ${count(`j.state = 'waiting' AND j.priority > 0`)} AS prioritized,
  ${count(`j.state = 'waiting-children'`)} AS waiting_children,
  ${count(`j.state = 'completed'`)} AS completed,
  ${count(`j.state = 'failed'`)} AS failed,
  (SELECT json_object_agg(m.field, m.value) FROM meta m WHERE m.queue = q.queue) AS meta,
  -- As on Redis: the next plain waiting job, else (only prioritized jobs wait) the next prioritized one; each one probe of the ready index.
  COALESCE(
    (SELECT j.added_at_ms FROM job j WHERE j.queue = q.queue AND j.state = 'waiting' AND j.priority = 0 ORDER BY j.seq LIMIT 1),
    (SELECT j.added_at_ms FROM job j WHERE j.queue = q.queue AND j.state = 'waiting' AND j.priority > 0 ORDER BY j.priority, j.seq LIMIT 1)
  ) AS oldest_waiting,
  ${metrics('completed')} AS completed_metrics,
  ${metrics('failed')} AS failed_metrics
FROM unnest($1::text[]) AS q(queue)`;

export const QUEUE_EXTRAS = `
SELECT (SELECT count(*) FROM scheduler WHERE queue = $1) AS schedulers,
       (SELECT expire_at_ms - (extract(epoch FROM clock_timestamp()) * 1000)::bigint FROM rate_limit WHERE queue = $1) AS limiter_ttl`;

/** Where a state's jobs are and how they sort ("desc" = newest first, as on Redis); the last key is unique. */
export const STATE_SQL: Record<JobState, { where: string; keys: string[] }> = {
  waiting: { where: `state = 'waiting' AND priority = 0`, keys: ['seq'] },
  prioritized: { where: `state = 'waiting' AND priority > 0`, keys: ['priority', 'seq'] },
  active: { where: `state = 'active'`, keys: ['seq'] },
  delayed: { where: `state = 'delayed'`, keys: ['process_at_ms', 'id'] },
  'waiting-children': { where: `state = 'waiting-children'`, keys: ['seq'] },
  completed: { where: `state = 'completed'`, keys: ['finished_at_ms', 'id'] },
  failed: { where: `state = 'failed'`, keys: ['finished_at_ms', 'id'] },
};

export const STATE_COUNT = (state: JobState) => `SELECT count(*) AS total FROM job WHERE queue = $1 AND ${STATE_SQL[state].where}`;

/** A state's jobs counted up to $2 at most: a walk of at most $2 index entries or rows, whatever the queue's length. */
export const STATE_COUNT_UPTO = (state: JobState) =>
  `SELECT count(*) AS total FROM (SELECT 1 FROM job WHERE queue = $1 AND ${STATE_SQL[state].where} LIMIT $2) upto`;

/** The planner's estimate of a state's jobs (EXPLAIN only: nothing is read but the statistics). */
export const STATE_ESTIMATE = (state: JobState) => `EXPLAIN (FORMAT JSON) SELECT 1 FROM job WHERE queue = $1 AND ${STATE_SQL[state].where}`;

/**
 * The sort keys a state's index holds (all but a trailing id, which no index of BullMQ's has): reading
 * only these walks the index without the rows (index-only), and they bound a page for a keyset read.
 */
export function indexKeys(state: JobState): string[] {
  const { keys } = STATE_SQL[state];
  return keys[keys.length - 1] === 'id' ? keys.slice(0, -1) : keys;
}

/**
 * A state's exact count as one ordered walk of its index (index-only, in one process). For a long state
 * the planner picks a parallel scan for count(*), which on the benchmark's 2 cores took twice the time and
 * five times the CPU (3M completed: 790 ms vs 400 ms). Active jobs have no index in their order (and are few).
 */
export function stateCountWalk(state: JobState): string {
  if (state === 'active') return STATE_COUNT(state);
  const keys = indexKeys(state);
  return `SELECT count(*) AS total FROM (SELECT ${keys.join(', ')} FROM job WHERE queue = $1 AND ${STATE_SQL[state].where} ORDER BY ${keys.join(', ')}) walk`;
}

/**
 * The index keys of the jobs at positions $2 … $2 + $3 - 1 of a state, read from the index alone (no
 * row, no sort): how a deep page finds where it starts.
 */
export function pageKeysSql(state: JobState, order: 'desc' | 'asc'): string {
  const direction = order === 'desc' ? 'DESC' : 'ASC';
  const keys = indexKeys(state);
  return `SELECT ${keys.join(', ')} FROM job WHERE queue = $1 AND ${STATE_SQL[state].where} ORDER BY ${keys.map((k) => `${k} ${direction}`).join(', ')} OFFSET $2 LIMIT $3`;
}

/** The payload-free summary columns, in the order parseSummaryRow reads them (see job-summary.ts). */
const SUMMARY_COLUMNS = `
  j.id, 1 AS present, left(j.name, $LIST_CAP) AS name, j.added_at_ms, j.processed_at_ms, j.finished_at_ms, j.attempts_made, j.attempts_started,
  left(j.progress::text, $LIST_CAP) AS progress, left(j.failed_reason, $LIST_CAP) AS failed_reason, j.delay_ms, j.priority,
  left(j.parent_key, $LIST_CAP) AS parent_key, left(j.processed_by, $LIST_CAP) AS processed_by,
  j.stalled_count, pg_column_size(j.data) AS data_size, coalesce(pg_column_size(j.return_value), 0) AS return_value_size,
  json_build_object('attempts', j.opts->'attempts')::text AS opts, coalesce(length(j.failed_reason), 0) AS failed_reason_length`;

export function summaryColumns(listCap: number): string {
  return SUMMARY_COLUMNS.replaceAll('$LIST_CAP', String(Math.trunc(listCap)));
}

/**
 * One page of a state: the ids from the state's partial index (offset + size entries; with "from", from
 * the keyset bound on, so the offset is only the few jobs that share the bound's keys), then only the
 * page's rows are read.
 */
export function pageSql(state: JobState, order: 'desc' | 'asc', listCap: number, from = false): string {
  const { where, keys } = STATE_SQL[state];
  const direction = order === 'desc' ? 'DESC' : 'ASC';
  const orderBy = keys.map((k) => `${k} ${direction}`).join(', ');
  // from: only the jobs at or after the index keys $4, $5 … (a keyset: the index is entered there, not walked to it).
  const bound = indexKeys(state);
  const keyset = from ? ` AND (${bound.join(', ')}) ${order === 'desc' ? '<=' : '>='} (${bound.map((_, i) => `$${i + 4}::bigint`).join(', ')})` : '';
  return `
WITH page AS (
  SELECT id, row_number() OVER () AS rank FROM (
    SELECT id FROM job WHERE queue = $1 AND ${where}${keyset} ORDER BY ${orderBy} OFFSET $2 LIMIT $3
  ) ids
)
SELECT ${summaryColumns(listCap)} FROM page JOIN job j ON j.queue = $1 AND j.id = page.id ORDER BY page.rank`;
}

export function summariesByIdSql(listCap: number): string {
  return `SELECT ${summaryColumns(listCap)} FROM job j WHERE j.queue = $1 AND j.id = ANY($2::text[])`;
}

/** The state as Drover names it (a waiting job with a priority is "prioritized", as on Redis). */
export const STATE_NAME = `CASE WHEN j.state = 'waiting' AND j.priority > 0 THEN 'prioritized' ELSE j.state::text END`;

export const JOB_DETAIL = `
SELECT left(j.name, $3) AS name, j.added_at_ms, j.processed_at_ms, j.finished_at_ms, j.delay_ms, j.process_at_ms, j.priority, j.attempts_made,
  j.attempts_started, j.stalled_count, left(j.progress::text, $3) AS progress,
  left(j.failed_reason, $3) AS failed_reason, length(j.failed_reason) AS failed_reason_length,
  left(j.stacktrace::text, $3) AS stacktrace, length(j.stacktrace::text) AS stacktrace_length,
  left(j.opts::text, $3) AS opts, length(j.opts::text) AS opts_length,
  left(j.processed_by, $3) AS processed_by, left(j.scheduler_id, $3) AS scheduler_id, left(j.dedup_id, $3) AS dedup_id,
  left(j.deferred_failure, $3) AS deferred_failure, j.parent_queue, j.parent_id,
  pg_column_size(j.data) AS data_size, coalesce(pg_column_size(j.return_value), 0) AS return_value_size,
  ${STATE_NAME} AS state,
  (SELECT json_build_object(
      'processed', count(*) FILTER (WHERE d.status = 'processed'),
      'unprocessed', count(*) FILTER (WHERE d.status = 'pending'),
      'ignored', count(*) FILTER (WHERE d.status = 'ignored'),
      'failed', count(*) FILTER (WHERE d.status = 'failed'))
     FROM job_dependency d WHERE d.parent_queue = j.queue AND d.parent_id = j.id) AS dependencies
FROM job j WHERE j.queue = $1 AND j.id = $2`;

/** A job's data or return value as JSON text: its full size and the first $3 characters ($3 null: all). */
export const JOB_FIELD = {
  data: `SELECT octet_length(j.data::text) AS size, CASE WHEN $3::int IS NULL THEN j.data::text ELSE left(j.data::text, $3::int) END AS text FROM job j WHERE j.queue = $1 AND j.id = $2`,
  returnvalue: `SELECT coalesce(octet_length(j.return_value::text), 0) AS size, coalesce(CASE WHEN $3::int IS NULL THEN j.return_value::text ELSE left(j.return_value::text, $3::int) END, '') AS text FROM job j WHERE j.queue = $1 AND j.id = $2`,
} as const;

export const JOB_LOG_BOUNDS = `SELECT count(*) AS count, min(idx) AS first FROM job_log WHERE queue = $1 AND job_id = $2`;
export const JOB_LOG_LINES = `SELECT row FROM job_log WHERE queue = $1 AND job_id = $2 AND idx BETWEEN $3 AND $4 ORDER BY idx`;

export const JOB_HANDLES = `SELECT j.id, j.name, j.opts::text AS opts, ${STATE_NAME} AS state FROM job j WHERE j.queue = $1 AND j.id = ANY($2::text[])`;
export const JOB_STATES = `SELECT j.id, ${STATE_NAME} AS state FROM job j WHERE j.queue = $1 AND j.id = ANY($2::text[])`;
/** Failed jobs finished since $2 per queue: a range of the finished partial index (queue, state, finished_at_ms). */
export const RECENT_FAILED = `
SELECT q.queue, (SELECT count(*) FROM job j WHERE j.queue = q.queue AND j.state = 'failed' AND j.finished_at_ms >= $2) AS n
FROM unnest($1::text[]) AS q(queue)`;

/**
 * BullMQ's PostgreSQL workers name their dedicated connection "<queue>" or "<queue>:w:<worker name>"
 * (application_name, BullMQ's get_client_list); the console's own sessions are left out.
 */
export const NAMED_SESSIONS = `
SELECT application_name, client_addr::text AS addr,
       extract(epoch FROM now() - backend_start)::int AS age, extract(epoch FROM now() - state_change)::int AS idle
FROM pg_stat_activity
WHERE datname = current_database() AND application_name <> '' AND application_name NOT LIKE 'drover-%'
LIMIT $1`;

export const PENDING_CHILDREN = `SELECT count(*) AS n FROM job_dependency WHERE parent_queue = $1 AND parent_id = $2 AND status = 'pending'`;

/** The newest event id of each queue (a new watch starts after it): one index probe each on (queue, id). */
export const EVENTS_MAX_ID = `
SELECT q.queue, coalesce((SELECT max(e.id) FROM event e WHERE e.queue = q.queue), 0)::text AS max
FROM unnest($1::text[]) AS q(queue)`;

/** Every watched queue's events after its cursor, $3 at most per queue, oldest first: one index range each. */
export const EVENTS_AFTER = `
SELECT w.queue, e.id::text AS id, e.event, e.data
FROM unnest($1::text[], $2::bigint[]) AS w(queue, after)
CROSS JOIN LATERAL (
  SELECT id, event, data FROM event WHERE queue = w.queue AND id > w.after ORDER BY id LIMIT $3
) e
ORDER BY w.queue, e.id`;

/** Which of these queues exist: metadata or any job (a primary-key probe each). */
export const QUEUES_EXIST = `
SELECT q.queue, (EXISTS (SELECT 1 FROM meta m WHERE m.queue = q.queue) OR EXISTS (SELECT 1 FROM job j WHERE j.queue = q.queue)) AS found
FROM unnest($1::text[]) AS q(queue)`;

/** A queue's BullMQ metrics rows (completed, failed; the newest $2 minutes) and whether the queue exists. */
export const QUEUE_METRICS = `
SELECT m.kind, m.count::text, m.prev_ts::text, m.prev_count::text, (m.data[1:$2])::text[] AS data,
       (EXISTS (SELECT 1 FROM meta WHERE queue = $1) OR EXISTS (SELECT 1 FROM job WHERE queue = $1)) AS exists
FROM (SELECT 1) one LEFT JOIN metrics m ON m.queue = $1`;

/** The $2 most recently completed jobs' times: the finished partial index, newest first. */
/** One event kind among a queue's newest $4 events from $3 (ms) on: a primary-key range walk, newest ids first (created_at_ms has no index). */
export const RECENT_EVENT_COUNT = `
SELECT count(*) FILTER (WHERE e.event = $2 AND e.created_at_ms >= $3)::int AS n
FROM (SELECT event, created_at_ms FROM event WHERE queue = $1 ORDER BY id DESC LIMIT $4) e`;

/** $3: whether the names are read (the objectives' p95s do not need them). */
export const RECENT_COMPLETED_TIMINGS = `
SELECT CASE WHEN $3::boolean THEN name ELSE '' END AS name, added_at_ms::text, processed_at_ms::text, finished_at_ms::text FROM job
WHERE queue = $1 AND state = 'completed' ORDER BY finished_at_ms DESC LIMIT $2`;

/** Active jobs per queue: a count over the active partial index each. */
export const ACTIVE_COUNTS = `
SELECT q.queue, (SELECT count(*) FROM job j WHERE j.queue = q.queue AND j.state = 'active') AS n FROM unnest($1::text[]) AS q(queue)`;

/** The $2 active jobs that started first (the active set is small: bounded by the workers' concurrency). */
export const LONGEST_ACTIVE = `
SELECT id FROM job WHERE queue = $1 AND state = 'active' ORDER BY processed_at_ms NULLS LAST, seq LIMIT $2`;

/** What a job's attempt history is read against: its creation time, when it finished, whether a worker holds its lock ($3: now, ms). */
export const JOB_ATTEMPT_FACTS = `
  SELECT j.added_at_ms::text AS added, j.finished_at_ms::text AS finished, (j.state = 'active' AND coalesce(j.locked_until_ms, 0) > $3) AS locked
  FROM job j WHERE j.queue = $1 AND j.id = $2`;
