// Drover's SQL for walking a state job by job on PostgreSQL (search, the name filter) and for a flow's
// children, kept apart like the Lua: read-only, parameterized, each slice a keyset range of one state's
// partial index (never a deep OFFSET).
import { NUMERIC_TEXT } from '@/lib/jobs/query/numeric-text';
import type { JobState } from '@/lib/jobs/job-states';
import type { JobPredicate, PredicateClause } from '@/lib/jobs/query/ast';
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

/** A statement and its parameter values ($1 = the queue in every statement that evaluates a predicate). */
export type Statement = { text: string; values: unknown[] };

/** A statement's parameters, numbered in the order they are added; each placeholder carries its type. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

// Redis's Lua string.lower folds A–Z only; so does lower() under the "C" collation (byte-wise, ASCII only),
// whatever the database's own collation ("É" stays "É"). translate() over A–Z does the same 20× slower.
const fold = (text: string) => `lower((${text}) COLLATE "C")`;
/** A column over MAX_FIELD_BYTES stored is never examined: its clause is false (pg_column_size reads no TOAST). */
const small = (column: string) => `${column} IS NOT NULL AND pg_column_size(${column}) <= ${MAX_FIELD_BYTES}`;
/** The (lower-cased) needle inside a column's text; a column over MAX_FIELD_BYTES stored is skipped, unread. */
const has = (needle: string, column: string, text = column) => `CASE WHEN ${small(column)} THEN strpos(${fold(text)}, ${needle}) > 0 ELSE false END`;

const COMPARE = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=' } as const;
const NUMBER_COLUMN = { attempts: 's.attempts_made', priority: 's.priority', delay: 's.delay_ms' } as const;
const TIME_COLUMN = { created: 's.added_at_ms', processed: 's.processed_at_ms', finished: 's.finished_at_ms' } as const;
const PATH_ROOT = { data: 's.data', returnvalue: 's.return_value' } as const;

/** A JS number as numeric input text ("1e+21", "Infinity" are both accepted by PostgreSQL 15), null for NaN. */
const numericText = (n: number): string | null => (Number.isNaN(n) ? null : String(n));

/** An epoch-ms bound as bigint text (the column's own type, so the finished index serves it), clamped to bigint. */
function bigintBound(ms: number, round: 'up' | 'down'): string {
  // NaN bounds nothing in: a lower bound past every instant, an upper one before every instant.
  if (Number.isNaN(ms)) return round === 'up' ? '9223372036854775807' : '-9223372036854775808';
  if (ms >= 9.2e18) return '9223372036854775807';
  if (ms <= -9.2e18) return '-9223372036854775808';
  return BigInt(round === 'up' ? Math.ceil(ms) : Math.floor(ms)).toString();
}

/** Numeric text (lib/jobs/query/numeric-text.ts, as on Redis) as a JSON number literal; null otherwise. */
export function jsonNumberOf(text: string): string | null {
  if (!NUMERIC_TEXT.test(text)) return null;
  const dec = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/.exec(text);
  if (!dec || (dec[2] === '' && (dec[3] ?? '') === '')) return null;
  // numeric input refuses an exponent beyond ±1000; Lua would read such text as inf or 0, no JSON number here.
  if (dec[4] !== undefined && Math.abs(Number(dec[4])) > 1000) return null;
  const int = dec[2].replace(/^0+(?=\d)/, '') || '0';
  const frac = dec[3] ? `.${dec[3]}` : '';
  const exp = dec[4] !== undefined ? `e${dec[4]}` : '';
  return `${dec[1] === '-' ? '-' : ''}${int}${frac}${exp}`;
}

/**
 * The JSON values a path `eq` accepts for this text: the string itself; the number it reads as (jsonb
 * compares numbers by value: 1.0 = 1); the boolean or null it spells. Objects and arrays never.
 */
function eqCandidates(value: string): string[] {
  const candidates = [JSON.stringify(value)];
  const number = jsonNumberOf(value);
  if (number !== null) candidates.push(number);
  if (value === 'true' || value === 'false' || value === 'null') candidates.push(value);
  return candidates;
}

/**
 * PostgreSQL's `#>` reads a segment such as "-1", "+1", " 1" or "01" as an array index (from the end for
 * negatives) where Redis only takes digits without a leading 0 (lib/redis/lua/includes/json-path.ts): at
 * such a segment the value reached must not be an array. The conditions, one per such segment.
 */
function arrayIndexGuards(root: string, path: string[], p: Params): string[] {
  return path.flatMap((segment, i) =>
    /^[ \t\n\v\f\r]*[+-]?\d+$/.test(segment) && !/^(0|[1-9]\d*)$/.test(segment) ? [`jsonb_typeof(${root} #> ${p.add(path.slice(0, i), 'text[]')}) <> 'array'`] : [],
  );
}

/** A path clause. Missing, not navigable (arrayIndexGuards), or the root over MAX_FIELD_BYTES: false. */
function pathSql(c: Extract<PredicateClause, { kind: 'path' }>, p: Params): string {
  const root = PATH_ROOT[c.root];
  if (c.path.length === 0 && c.op === 'contains') return has(p.add(String(c.value), 'text'), root, `${root}::text`);
  const at = `(${root} #> ${p.add(c.path, 'text[]')})`;
  const guards = arrayIndexGuards(root, c.path, p);
  let test: string;
  if (c.op === 'contains') {
    test = `strpos(${fold(`${at} #>> '{}'`)}, ${p.add(String(c.value), 'text')}) > 0`;
  } else if (c.op === 'eq') {
    test = `${at} = ANY (${p.add(eqCandidates(String(c.value)), 'jsonb[]')})`;
  } else {
    const n = typeof c.value === 'number' ? numericText(c.value) : null;
    if (n === null) return 'false';
    test = `CASE WHEN jsonb_typeof(${at}) = 'number' THEN ${at}::numeric ${COMPARE[c.op]} ${p.add(n, 'numeric')} ELSE false END`;
  }
  return `CASE WHEN ${small(root)} THEN ${[...guards, test].join(' AND ')} ELSE false END`;
}

function clauseSql(c: PredicateClause, p: Params): string {
  switch (c.kind) {
    case 'name':
      if (c.op === 'eq') return `s.name = ${p.add(c.value, 'text')}`;
      if (c.op === 'prefix') return `starts_with(s.name, ${p.add(c.value, 'text')})`;
      return has(p.add(c.value, 'text'), 's.name');
    case 'id':
      return `s.id = ${p.add(c.value, 'text')}`;
    case 'parent':
      return `s.parent_queue = ${p.add(c.queue, 'text')} AND s.parent_id = ${p.add(c.id, 'text')}`;
    case 'worker':
      return c.op === 'eq' ? `s.processed_by = ${p.add(c.value, 'text')}` : `starts_with(s.processed_by, ${p.add(c.value, 'text')})`;
    case 'number': {
      const n = numericText(c.value);
      return n === null ? 'false' : `${NUMBER_COLUMN[c.field]} ${COMPARE[c.op]} ${p.add(n, 'numeric')}`;
    }
    case 'time': {
      const column = TIME_COLUMN[c.field];
      const bounds = [`${column} IS NOT NULL`];
      if (c.min !== null) bounds.push(`${column} >= ${p.add(bigintBound(c.min, 'up'), 'bigint')}`);
      if (c.max !== null) bounds.push(`${column} <= ${p.add(bigintBound(c.max, 'down'), 'bigint')}`);
      return bounds.join(' AND ');
    }
    case 'text': {
      const needle = p.add(c.needle, 'text');
      if (c.field === 'error') return `${has(needle, 's.failed_reason')} OR ${has(needle, 's.stacktrace', 's.stacktrace::text')}`;
      if (c.field === 'logs') {
        return `EXISTS (SELECT 1 FROM (SELECT l.row FROM job_log l WHERE l.queue = $1 AND l.job_id = s.id ORDER BY l.idx DESC LIMIT ${MAX_LOG_LINES}) l WHERE strpos(${fold('l.row')}, ${needle}) > 0)`;
      }
      return [
        has(needle, 's.name'),
        has(needle, 's.data', 's.data::text'),
        has(needle, 's.failed_reason'),
        has(needle, 's.stacktrace', 's.stacktrace::text'),
        has(needle, 's.return_value', 's.return_value::text'),
      ].join(' OR ');
    }
    case 'path':
      return pathSql(c, p);
  }
}

/** How much reading a clause costs, roughly: a scalar column, a JSON path, whole fields' text, the logs. */
const cost = (c: PredicateClause) => (c.kind === 'path' ? 1 : c.kind !== 'text' ? 0 : c.field === 'logs' ? 3 : 2);

/**
 * The predicate as one boolean over a job row aliased `s`, never NULL: each clause is coalesced to
 * false first (a missing column or path fails the clause), so its negation holds. An empty predicate: true.
 * Parameters are added to `p` (whose $1 must be the queue: the logs clause reads it).
 */
function predicateSql(predicate: JobPredicate, p: Params): string {
  if (predicate.length === 0) return 'true';
  // AND is evaluated left to right and stops at the first false: the columns first, JSON next, logs last.
  const ordered = [...predicate].sort((x, y) => cost(x) - cost(y));
  return ordered.map((c) => `${c.negate ? 'NOT ' : ''}coalesce((${clauseSql(c, p)}), false)`).join('\n  AND ');
}

/**
 * On completed/failed, the positive `finished` clauses as one inclusive range of the finished index
 * (its own column), the walk skipping the rest unexamined; null when there is none or the state has no such index.
 */
export function finishedRange(state: JobState, predicate: JobPredicate): { min: number | null; max: number | null } | null {
  if (state !== 'completed' && state !== 'failed') return null;
  let range: { min: number | null; max: number | null } | null = null;
  for (const c of predicate) {
    if (c.kind !== 'time' || c.field !== 'finished' || c.negate) continue;
    range ??= { min: null, max: null };
    if (c.min !== null) range.min = range.min === null ? c.min : Math.max(range.min, c.min);
    if (c.max !== null) range.max = range.max === null ? c.max : Math.min(range.max, c.max);
  }
  return range;
}

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

/** Every column a predicate may read, named (not read) by the slice's inner query. */
const SLICE_COLUMNS = ['name', 'data', 'failed_reason', 'stacktrace', 'return_value', 'processed_by', 'parent_queue', 'parent_id',
  'attempts_made', 'priority', 'delay_ms', 'added_at_ms', 'processed_at_ms', 'finished_at_ms'];

/**
 * One slice of a walk: the next `slice` jobs of a state after the position (or from the start), in the
 * walk's order, each with its keys and whether it matches the predicate (`hit`). The inner query only
 * walks the index and names columns (nothing is detoasted there), narrowed to the finished range when
 * there is one; the match is computed on the slice alone.
 */
export function walkSlice(queue: string, state: JobState, order: 'desc' | 'asc', slice: number, position: string[] | null, predicate: JobPredicate): Statement {
  const p = new Params();
  p.add(queue, 'text');
  const limit = p.add(slice, 'int');
  const where = [`queue = $1`, STATE_SQL[state].where];
  if (position !== null) {
    const first = p.values.length + 1;
    for (const key of position) p.add(key, 'bigint');
    where.push(after(state, order, first));
  }
  const range = finishedRange(state, predicate);
  if (range?.min != null) where.push(`finished_at_ms >= ${p.add(bigintBound(range.min, 'up'), 'bigint')}`);
  if (range?.max != null) where.push(`finished_at_ms <= ${p.add(bigintBound(range.max, 'down'), 'bigint')}`);
  const keys = WALK_KEYS[state];
  const hit = predicateSql(predicate, p);
  const text = `
SELECT s.id, ${keys.map((k, i) => `s.${k}::text AS k${i}`).join(', ')}, ${hit} AS hit
FROM (
  SELECT ${[...new Set(['id', ...keys, ...SLICE_COLUMNS])].join(', ')} FROM job
  WHERE ${where.join(' AND ')}
  ORDER BY ${orderBy(state, order)} LIMIT ${limit}
) s
ORDER BY ${orderBy(state, order, 's.')}`;
  return { text, values: p.values };
}

/** Of these ids, those whose job is in the queue and matches the predicate (in no particular order). */
export function matchIdsStatement(queue: string, ids: string[], predicate: JobPredicate): Statement {
  const p = new Params();
  p.add(queue, 'text');
  const list = p.add(ids, 'text[]');
  const hit = predicateSql(predicate, p);
  return { text: `SELECT s.id FROM job s WHERE s.queue = $1 AND s.id = ANY (${list}) AND (${hit})`, values: p.values };
}

/**
 * The text at each path of each job, for the job table's data columns: one row per id, in the given order
 * (`ord`), `v0`, `v1`… the values cut to `maxChars` characters; NULL when the job, the path or the value is
 * missing, the value is JSON null, a segment does not navigate as on Redis, or the root is over MAX_FIELD_BYTES.
 */
export function extractPathsStatement(queue: string, ids: string[], paths: Array<{ root: 'data' | 'returnvalue'; path: string[] }>, maxChars: number): Statement {
  const p = new Params();
  p.add(queue, 'text');
  const list = p.add(ids, 'text[]');
  const max = p.add(maxChars, 'int');
  const values = paths.map(({ root: name, path }, k) => {
    const root = PATH_ROOT[name];
    const when = [small(root), ...arrayIndexGuards(root, path, p)].join(' AND ');
    return `CASE WHEN ${when} THEN left(${root} #>> ${p.add(path, 'text[]')}, ${max}) END AS v${k}`;
  });
  const text = `
SELECT i.ord${values.map((v) => `, ${v}`).join('')}
FROM unnest(${list}) WITH ORDINALITY AS i(id, ord)
LEFT JOIN job s ON s.queue = $1 AND s.id = i.id
ORDER BY i.ord`;
  return { text, values: p.values };
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
