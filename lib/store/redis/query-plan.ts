// A JobPredicate as the Redis scripts take it (lib/redis/lua/includes/job-predicate.ts): one JSON text,
// decoded once per call, with the clauses ordered cheap first (the Lua stops at the first that fails),
// the small hash fields they read listed for one HMGET per job, and, on completed/failed, the finished
// range the walk narrows to by rank (lib/redis/lua/search-chunk-1.ts).
import { NUMERIC_TEXT } from '@/lib/jobs/query/numeric-text';
import { asciiLower } from '@/lib/jobs/ascii-lower';
import type { JobState } from '@/lib/jobs/job-states';
import type { JobPredicate, PredicateClause } from '@/lib/jobs/query/ast';

/**
 * A clause as the Lua reads it: t kind, x negate, o op, v value, i/j HMGET indexes (1-based), r root, p path,
 * n eq's number, q eq's value is plain text (the raw field is searched for it before decoding).
 */
type LuaClause = {
  t: 'id' | 'name' | 'worker' | 'parent' | 'number' | 'time' | 'error' | 'any' | 'raw' | 'path' | 'logs';
  x: boolean;
  o?: string;
  v?: string | number;
  i?: number;
  j?: number;
  min?: number;
  max?: number;
  r?: 'data' | 'returnvalue';
  p?: string[];
  n?: number;
  q?: boolean;
};

export type RedisQueryPlan = {
  /** The plan's JSON: { h: HMGET fields, c: clauses in evaluation order }. */
  plan: string;
  /** The finished range's scores ('' open; both '' when the state has no index to narrow by). */
  finishedMin: string;
  finishedMax: string;
};

/** What the store supplies: the parent key a `parent:` clause compares with (`<prefix>:<queue>:<id>`). */
export type PlanContext = { parentKey: (queue: string, id: string) => string };

const NUMBER_FIELD = { attempts: 'atm', priority: 'priority', delay: 'delay' } as const;
const TIME_FIELD = { created: 'timestamp', processed: 'processedOn', finished: 'finishedOn' } as const;
/**
 * Text a JSON encoder writes as it is inside a string (no escapes), and no number: a value at a path eq
 * to it (a string, or true/false/null) appears verbatim in the raw JSON, so a job without it is not
 * decoded. (Only hand-escaped ASCII, "\u0062usiness", would be missed.)
 */
const PLAIN_TEXT = /^[A-Za-z0-9 _.:@-]+$/;

/**
 * Cost tiers: the id (no read), the small fields (one HMGET), big text fields (HSTRLEN then HGET,
 * lower-cased), paths (cjson.decode), logs (up to 1,000 lines).
 */
function tierOf(c: PredicateClause): number {
  switch (c.kind) {
    case 'id':
      return 0;
    case 'name':
    case 'worker':
    case 'parent':
    case 'number':
    case 'time':
      return 1;
    case 'text':
      return c.field === 'error' ? 2 : c.field === 'any' ? 3 : 6;
    case 'path':
      return c.path.length === 0 && c.op === 'contains' ? 2 : 4;
  }
}

/** cjson refuses a lone surrogate's escape (JSON.stringify writes one as \\udXXX): it becomes U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function planPredicate(predicate: JobPredicate, state: JobState, ctx: PlanContext): RedisQueryPlan {
  const fields: string[] = [];
  const index = (field: string) => {
    const at = fields.indexOf(field);
    if (at >= 0) return at + 1;
    fields.push(field);
    return fields.length;
  };
  const ordered = predicate.map((c, at) => ({ c, at })).sort((a, b) => tierOf(a.c) - tierOf(b.c) || a.at - b.at);
  const clauses = ordered.map(({ c }): LuaClause => {
    const x = c.negate;
    switch (c.kind) {
      case 'id':
        return { t: 'id', x, v: c.value };
      case 'name':
        return { t: 'name', x, o: c.op, v: c.op === 'contains' ? asciiLower(c.value) : c.value, i: index('name') };
      case 'worker':
        return { t: 'worker', x, o: c.op, v: c.value, i: index('pb') };
      case 'parent':
        return { t: 'parent', x, o: 'eq', v: ctx.parentKey(c.queue, c.id), i: index('parentKey') };
      case 'number':
        return { t: 'number', x, o: c.op, v: c.value, i: index(NUMBER_FIELD[c.field]), ...(c.field === 'attempts' ? { j: index('attemptsMade') } : {}) };
      case 'time':
        return { t: 'time', x, i: index(TIME_FIELD[c.field]), ...(c.min !== null ? { min: c.min } : {}), ...(c.max !== null ? { max: c.max } : {}) };
      case 'text':
        return { t: c.field, x, v: asciiLower(c.needle) };
      case 'path':
        if (c.op === 'contains') {
          const v = asciiLower(String(c.value));
          return c.path.length === 0 ? { t: 'raw', x, r: c.root, v } : { t: 'path', x, r: c.root, p: c.path, o: 'contains', v };
        }
        if (c.op === 'eq') {
          const v = String(c.value);
          if (NUMERIC_TEXT.test(v)) return { t: 'path', x, r: c.root, p: c.path, o: 'eq', v, n: Number(v) };
          return { t: 'path', x, r: c.root, p: c.path, o: 'eq', v, ...(PLAIN_TEXT.test(v) ? { q: true } : {}) };
        }
        // gt/gte/lt/lte compare numbers only: a value that is no number matches nothing.
        return { t: 'path', x, r: c.root, p: c.path, o: c.op, ...(typeof c.value === 'number' ? { v: c.value } : {}) };
    }
  });
  const { min, max } = finishedRange(predicate, state);
  // cjson reads an empty JSON array as an empty table, which is all the Lua needs of { h: [], c: [] }.
  const plan = JSON.stringify({ h: fields, c: clauses }, (_key, value: unknown) => (typeof value === 'string' ? wellFormed(value) : value));
  return { plan, finishedMin: min, finishedMax: max };
}

/**
 * On completed/failed (sorted by finish time), the scores every positive `finished` clause allows;
 * '' for an open end. A negated clause cannot narrow (the jobs it wants are on both sides).
 */
function finishedRange(predicate: JobPredicate, state: JobState): { min: string; max: string } {
  if (state !== 'completed' && state !== 'failed') return { min: '', max: '' };
  let min = -Infinity;
  let max = Infinity;
  for (const c of predicate) {
    if (c.kind !== 'time' || c.field !== 'finished' || c.negate) continue;
    if (c.min !== null && Number.isFinite(c.min)) min = Math.max(min, c.min);
    if (c.max !== null && Number.isFinite(c.max)) max = Math.min(max, c.max);
  }
  return { min: Number.isFinite(min) ? String(min) : '', max: Number.isFinite(max) ? String(max) : '' };
}
