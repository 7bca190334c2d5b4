// Drover's SQL for walking a state job by job on PostgreSQL (search, the name filter) and for a flow's
// children, kept apart like the Lua: read-only, parameterized, each slice a keyset range of one state's
// partial index (never a deep OFFSET).
import type { JobState } from '@/lib/jobs/job-states';
import type { JobMatcher } from '../search-store';
import { STATE_SQL } from './sql';

/**
 * How a walk orders each state: the index's own sort keys, ended by `seq` (unique: BullMQ draws it from
 * one sequence), so "after this key" is exact. Every key is a bigint or an integer.
 */
export const WALK_KEYS: Record<JobState, string[]> = {
  waiting: ['seq'],
  prioritized: ['priority', 'seq'],
  active: ['seq'],
  delayed: ['process_at_ms', 'seq'],
  'waiting-children': ['seq'],
  completed: ['finished_at_ms', 'seq'],
  failed: ['finished_at_ms', 'seq'],
};

/** Fields over 1 MB (stored size) are not searched, as on Redis: reading one would hold a statement. */
export const MAX_FIELD_BYTES = 1_048_576;
/** Log lines searched per job, the newest first, as on Redis. */
export const MAX_LOG_LINES = 1000;

// Redis's Lua string.lower folds A–Z only; so does lower() under the "C" collation (byte-wise, ASCII only),
// whatever the database's own collation ("É" stays "É"). translate() over A–Z does the same 20× slower.
const fold = (text: string) => `lower((${text}) COLLATE "C")`;
/** $3 (the lower-cased needle) inside a column's text; a column over MAX_FIELD_BYTES stored is skipped, unread. */
const has = (column: string, text = column) =>
  `CASE WHEN ${column} IS NULL OR pg_column_size(${column}) > ${MAX_FIELD_BYTES} THEN false ELSE strpos(${fold(text)}, $3) > 0 END`;

const MATCH: Record<JobMatcher['field'], string> = {
  name: has('s.name'),
  'name-exact': `s.name = $3`,
  data: has('s.data', 's.data::text'),
  failedReason: `(${has('s.failed_reason')} OR ${has('s.stacktrace', 's.stacktrace::text')})`,
  returnvalue: has('s.return_value', 's.return_value::text'),
  logs: `EXISTS (SELECT 1 FROM (SELECT l.row FROM job_log l WHERE l.queue = $1 AND l.job_id = s.id ORDER BY l.idx DESC LIMIT ${MAX_LOG_LINES}) l WHERE strpos(${fold('l.row')}, $3) > 0)`,
  any: `(${has('s.name')} OR ${has('s.data', 's.data::text')} OR ${has('s.failed_reason')} OR ${has('s.stacktrace', 's.stacktrace::text')} OR ${has('s.return_value', 's.return_value::text')})`,
};

function orderBy(state: JobState, order: 'desc' | 'asc', alias = ''): string {
  const direction = order === 'desc' ? 'DESC' : 'ASC';
  return WALK_KEYS[state].map((k) => `${alias}${k} ${direction}`).join(', ');
}

/** "(k1, k2) < ($4, $5)": the rows after the position in the walk's direction. */
function after(state: JobState, order: 'desc' | 'asc', firstParam: number): string {
  const keys = WALK_KEYS[state];
  const params = keys.map((_, i) => `$${firstParam + i}::bigint`);
  return `(${keys.join(', ')}) ${order === 'desc' ? '<' : '>'} (${params.join(', ')})`;
}

/**
 * One slice of a walk: the next $2 jobs of a state after the position ($4…, or from the start), in the
 * walk's order, each with its keys and whether it matches. The inner query only walks the index and
 * names columns (nothing is detoasted there); the match is computed on the slice alone.
 * $1 queue, $2 slice size, $3 needle, $4… the position's keys.
 */
export function walkSliceSql(state: JobState, order: 'desc' | 'asc', field: JobMatcher['field'], fromPosition: boolean): string {
  const keys = WALK_KEYS[state];
  return `
SELECT s.id, ${keys.map((k, i) => `s.${k}::text AS k${i}`).join(', ')}, ${MATCH[field]} AS hit
FROM (
  SELECT id, ${keys.join(', ')}, name, data, failed_reason, stacktrace, return_value FROM job
  WHERE queue = $1 AND ${STATE_SQL[state].where}${fromPosition ? ` AND ${after(state, order, 4)}` : ''}
  ORDER BY ${orderBy(state, order)} LIMIT $2
) s
ORDER BY ${orderBy(state, order, 's.')}`;
}

/**
 * The keys of the job $2 places further along the walk from the position ($3…, or the start): one
 * bounded hop of the index, used to turn a rank into a position without one deep OFFSET.
 * $1 queue, $2 hop (≥ 0).
 */
export function hopSql(state: JobState, order: 'desc' | 'asc', fromPosition: boolean): string {
  const keys = WALK_KEYS[state];
  return `
SELECT ${keys.map((k, i) => `${k}::text AS k${i}`).join(', ')} FROM job
WHERE queue = $1 AND ${STATE_SQL[state].where}${fromPosition ? ` AND ${after(state, order, 3)}` : ''}
ORDER BY ${orderBy(state, order)} OFFSET $2 LIMIT 1`;
}

/** Jobs of a state after the position ($2…, or all): used for the last, short stretch of a hop-wise count. $1 queue. */
export function countAfterSql(state: JobState, fromPosition: boolean): string {
  return `SELECT count(*) AS n FROM job WHERE queue = $1 AND ${STATE_SQL[state].where}${fromPosition ? ` AND ${after(state, 'asc', 2)}` : ''}`;
}

/** The state as Drover names it (a waiting job with a priority is "prioritized", as on Redis). */
const STATE_NAME = `CASE WHEN j.state = 'waiting' AND j.priority > 0 THEN 'prioritized' ELSE j.state::text END`;

/**
 * A parent's children, $3 of each status at most (from job_dependency's (parent, status) index), in the
 * Redis answer's order: pending, failed, processed, ignored; each with its name and state now.
 * $1 parent queue, $2 parent id, $3 limit per status.
 */
export const CHILDREN = `
SELECT d.child_queue, d.child_id, g.status::text AS status, j.name, coalesce(${STATE_NAME}, 'missing') AS state
FROM unnest(ARRAY['pending', 'failed', 'processed', 'ignored']::dep_status[]) WITH ORDINALITY AS g(status, ord)
CROSS JOIN LATERAL (
  SELECT child_queue, child_id, child_key FROM job_dependency
  WHERE parent_queue = $1 AND parent_id = $2 AND status = g.status ORDER BY child_key LIMIT $3
) d
LEFT JOIN job j ON j.queue = d.child_queue AND j.id = d.child_id
ORDER BY g.ord, d.child_key`;
