// The dry run of a bulk action on a query: counts its matches in bounded steps (each call ≤ 250 ms of
// chunks), resumable with a cursor, so the page shows "at least N" while the scan runs and the exact count
// when it ends. Nothing is read but what the predicate needs; no id list is kept.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { SEARCH_MAX_CALL_MS } from '@/lib/jobs/schemas';
import { parseJobQuery } from './parse-query';
import { resolveJobQuery } from './resolve-query';
import { decodeQueryCursor, encodeQueryCursor, walkQuery } from './walk-query';
import type { CountAnswer, CountQuery } from './schemas';

/** Matches one store call returns at most while counting (their ids are counted, then dropped). */
const COUNT_MATCHES_PER_CHUNK = 5000;

// The cursor of a count carries the walk's cursor and the counts so far: "<walk cursor>~<matched>~<state:n,…>".
function encode(walk: string, matched: number, byState: Record<string, number>): string {
  return `${walk}~${matched}~${Object.entries(byState).map(([s, n]) => `${s}:${n}`).join(',')}`;
}

function decode(raw: string | undefined): { walk: string | undefined; matched: number; byState: Record<string, number> } {
  if (!raw) return { walk: undefined, matched: 0, byState: {} };
  const [walk, matched, states = ''] = raw.split('~');
  const byState: Record<string, number> = {};
  for (const part of states ? states.split(',') : []) {
    const m = /^([a-z-]{1,20}):(\d{1,12})$/.exec(part);
    if (m) byState[m[1]] = Number(m[2]);
  }
  return { walk, matched: /^\d{1,12}$/.test(matched ?? '') ? Number(matched) : 0, byState };
}

export async function countQuery(conn: Connection, queue: string, query: CountQuery): Promise<CountAnswer> {
  const prior = decode(query.cursor);
  const cursor = decodeQueryCursor(prior.walk);
  const now = cursor?.now ?? Date.now();
  const resolved = resolveJobQuery(parseJobQuery(query.q), now, query.state);
  const step = await walkQuery(conn, queue, resolved, cursor, { maxMatches: COUNT_MATCHES_PER_CHUNK, timeMs: 250, budgetMs: SEARCH_MAX_CALL_MS, returnEarly: false }, now);
  let matched = prior.matched;
  const byState = { ...prior.byState };
  for (const f of step.found) {
    matched += 1;
    byState[f.state] = (byState[f.state] ?? 0) + 1;
  }
  return {
    matched,
    cursor: step.cursor ? encode(encodeQueryCursor(step.cursor), matched, byState) : null,
    scannedSoFar: (cursor?.scannedSoFar ?? 0) + step.scanned,
    total: step.total,
    byState,
  };
}
