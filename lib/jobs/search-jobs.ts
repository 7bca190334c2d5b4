// Chunked server-side search of one queue with the job query language (lib/jobs/query/): each call runs
// bounded chunks per state through the store (Redis: a few ms of Lua each; PostgreSQL: one keyset slice
// of a state's index each) and returns matches, a cursor and progress, so a search of a million jobs never
// holds the store and results stream into the page.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import type { SearchQuery } from './schemas';
import { redisOrder, type JobState } from './job-states';
import { getJobSummaries, type JobSummary } from './job-summary';
import type { JobQuery } from './query/ast';
import { parseJobQuery } from './query/parse-query';
import { resolveJobQuery } from './query/resolve-query';
import { decodeQueryCursor, encodeQueryCursor, walkQuery } from './query/walk-query';
import { DATA_COLUMN_MAX_CHARS } from './query/data-columns';

/** `columns`: with a search's data columns, each one's value as text (cut to DATA_COLUMN_MAX_CHARS), by its key. */
export type SearchMatch = JobSummary & { state: JobState; columns?: Record<string, string | null> };

export type SearchChunk = {
  matches: SearchMatch[];
  /** null when the search is complete */
  cursor: string | null;
  scanned: number;
  /** jobs to scan in all selected states (counted once, at the search's first call) */
  total: number;
  /** jobs scanned so far including this call */
  scannedSoFar: number;
  /** bounded store calls (Redis scripts, PostgreSQL statements) this request made */
  chunks: number;
};

const MAX_MATCHES_PER_CALL = 200;

/**
 * The query a search runs: the language for `field=any` (the default), or — for links and API clients
 * from before it — the whole text as one needle in one field.
 */
export function queryOfSearch(query: Pick<SearchQuery, 'q' | 'field'>): JobQuery {
  const needle = query.q.trim() || query.q;
  switch (query.field) {
    case 'any':
      return parseJobQuery(query.q);
    case 'id':
      return { clauses: [{ kind: 'id', negate: false, value: needle }] };
    case 'name':
      return { clauses: [{ kind: 'name', negate: false, op: 'contains', value: query.q }] };
    case 'data':
    case 'returnvalue':
      return { clauses: [{ kind: 'path', negate: false, root: query.field, path: [], op: 'contains', value: query.q }] };
    case 'failedReason':
      return { clauses: [{ kind: 'text', negate: false, field: 'error', needle: query.q }] };
    case 'logs':
      return { clauses: [{ kind: 'text', negate: false, field: 'logs', needle: query.q }] };
  }
}

export async function searchJobs(conn: Connection, queue: string, query: SearchQuery): Promise<SearchChunk> {
  const cursor = decodeQueryCursor(query.cursor);
  const now = cursor?.now ?? Date.now();
  const resolved = resolveJobQuery(queryOfSearch(query), now, query.state);
  // Several small chunks per HTTP call keep round trips down while each store call stays short; matches
  // go out as soon as there are some, so the page shows results while the scan goes on.
  const step = await walkQuery(conn, queue, resolved, cursor, { maxMatches: MAX_MATCHES_PER_CALL, timeMs: 250, budgetMs: query.budget, returnEarly: true, order: redisOrder(query.order) }, now);
  const summaries = await getJobSummaries(conn, queue, step.found.map((f) => f.id));
  const stateById = new Map(step.found.map((f) => [f.id, f.state]));
  const columns = query.columns?.length && summaries.length ? await dataColumnsOf(conn, queue, summaries.map((s) => s.id), query.columns) : null;
  return {
    matches: summaries.map((s, i) => ({ ...s, state: stateById.get(s.id)!, ...(columns && { columns: columns[i] }) })),
    cursor: step.cursor ? encodeQueryCursor(step.cursor) : null,
    scanned: step.scanned,
    total: step.total,
    scannedSoFar: (cursor?.scannedSoFar ?? 0) + step.scanned,
    chunks: step.chunks,
  };
}

/** The data columns' values of these jobs, read on the store's side (one extractPaths call: at most 200 ids). */
async function dataColumnsOf(conn: Connection, queue: string, ids: string[], columns: NonNullable<SearchQuery['columns']>) {
  const rows = await conn.store.search.extractPaths(queue, ids, columns, DATA_COLUMN_MAX_CHARS);
  return rows.map((row) => Object.fromEntries(columns.map((c, k) => [c.key, row[k] ?? null])));
}
