// The one engine that runs a resolved query over a queue: bounded store chunks state by state (each a few
// ms of Redis Lua or one PostgreSQL statement over ≤ 500 jobs), resumable from a cursor. Search pages,
// dry-run counts and bulk actions on a query all walk through here.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { InvalidError } from '@/lib/errors';
import { JOB_STATES, type JobState } from '@/lib/jobs/job-states';
import { jobStateOf } from '@/lib/jobs/job-transition';
import type { ResolvedQuery } from './resolve-query';

/** Job ids one store call examines at most. */
export const QUERY_CHUNK_IDS = 20_000;

/**
 * Where a walk goes on: the state (index into the resolved states), the store's position in it (null:
 * its start), jobs examined before, the total (counted once), and the instant relative times mean.
 */
export type QueryCursor = { stateIndex: number; position: string | null; scannedSoFar: number; total: number | null; now: number };

// "<state index>.<position>.<scanned so far>.<total>.<now>"; the position is the store's own ("0": a
// state's start). Older cursors (three or four parts) still decode: their instant is the decoding one.
export function encodeQueryCursor(c: QueryCursor): string {
  return `${c.stateIndex}.${c.position ?? '0'}.${c.scannedSoFar}.${c.total ?? 0}.${c.now}`;
}

export function decodeQueryCursor(raw: string | undefined | null, now = Date.now()): QueryCursor | null {
  if (!raw) return null;
  const m = /^(\d{1,2})\.([0-9_-]{1,80})\.(\d{1,15})(?:\.(\d{1,15}))?(?:\.(\d{1,15}))?$/.exec(raw);
  if (!m) throw new InvalidError('Invalid search cursor');
  return {
    stateIndex: Number(m[1]),
    position: m[2] === '0' ? null : m[2],
    scannedSoFar: Number(m[3]),
    total: m[4] === undefined ? null : Number(m[4]),
    now: m[5] === undefined ? now : Number(m[5]),
  };
}

export type QueryStep = {
  found: Array<{ id: string; state: JobState }>;
  /** null when the walk is complete */
  cursor: QueryCursor | null;
  /** jobs examined in this step */
  scanned: number;
  /** bounded store calls this step made */
  chunks: number;
  total: number;
};

export type StepLimits = {
  /** matches this step returns at most */
  maxMatches: number;
  /** wall time after which no new store call starts */
  timeMs: number;
  /** store time per call (Redis Lua budget) */
  budgetMs: number;
  /** return as soon as a chunk found something (a search streams its first matches early) */
  returnEarly: boolean;
  /** each state's walk: 'desc' (newest first, the default) or 'asc' */
  order?: 'desc' | 'asc';
};

async function lookUp(conn: Connection, queue: string, query: ResolvedQuery): Promise<QueryStep> {
  const id = query.id!;
  const state = (await jobStateOf(conn, queue, id)) as JobState;
  const inStates = (JOB_STATES as readonly string[]).includes(state) && query.states.includes(state);
  const ok = inStates && (await conn.store.search.matchIds(queue, [id], query.predicate)).length === 1;
  return { found: ok ? [{ id, state }] : [], cursor: null, scanned: 1, chunks: 1, total: 1 };
}

/** One step of a walk from `cursor` (null: the start, at instant `now`). */
export async function walkQuery(conn: Connection, queue: string, query: ResolvedQuery, cursor: QueryCursor | null, limits: StepLimits, now = Date.now()): Promise<QueryStep> {
  const start: QueryCursor = cursor ?? { stateIndex: 0, position: null, scannedSoFar: 0, total: null, now };
  if (query.id !== null) return lookUp(conn, queue, query);
  const search = conn.store.search;
  const total = start.total ?? (await search.stateTotal(queue, query.states));
  const found: QueryStep['found'] = [];
  let { stateIndex, position } = start;
  let scanned = 0;
  let chunks = 0;
  const deadline = Date.now() + limits.timeMs;
  while (stateIndex < query.states.length && found.length < limits.maxMatches && Date.now() < deadline) {
    const state = query.states[stateIndex];
    const chunk = await search.walkChunk(queue, state, limits.order ?? 'desc', position, query.predicate, {
      maxScan: QUERY_CHUNK_IDS,
      maxMatches: limits.maxMatches - found.length,
      budgetMs: limits.budgetMs,
    });
    scanned += chunk.scanned;
    chunks += 1;
    for (const id of chunk.ids) found.push({ id, state });
    position = chunk.next;
    if (position === null) stateIndex += 1;
    if (limits.returnEarly && found.length > 0) break;
  }
  const done = stateIndex >= query.states.length;
  return {
    found,
    cursor: done ? null : { stateIndex, position, scannedSoFar: start.scannedSoFar + scanned, total, now: start.now },
    scanned,
    chunks,
    total,
  };
}
