// Chunked server-side search of one queue: each call runs bounded chunks per state through the store
// (Redis: a few ms of Lua each; PostgreSQL: one keyset slice of a state's index each) and returns matches,
// a cursor and progress, so a search of 300k jobs never holds the store and results stream into the page.
import 'server-only';
import { asciiLower } from './ascii-lower';
import type { Connection } from '@/lib/redis/connections';
import { InvalidError } from '@/lib/errors';
import { JOB_STATES, type JobState } from './job-states';
import type { SearchQuery } from './schemas';
import { getJobSummaries, type JobSummary } from './job-summary';
import { jobStateOf } from './job-transition';

export type SearchMatch = JobSummary & { state: JobState };

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

const CHUNK_IDS = 20_000;
const MAX_MATCHES_PER_CALL = 200;

/** Where a search goes on: the state, the store's position in it (null: its start), jobs scanned before, and the total. */
type Cursor = { stateIndex: number; position: string | null; scannedSoFar: number; total?: number };

// "<state index>.<position>.<scanned so far>.<total>"; the position is the store's own (a rank on Redis, a
// keyset on PostgreSQL), "0" at a state's start. The total rides along: counting a big PostgreSQL state
// takes many bounded statements, done once per search rather than once per call.
function encodeCursor(c: Cursor): string {
  return `${c.stateIndex}.${c.position ?? '0'}.${c.scannedSoFar}.${c.total ?? 0}`;
}

function decodeCursor(raw: string | undefined): Cursor {
  if (!raw) return { stateIndex: 0, position: null, scannedSoFar: 0 };
  const m = /^(\d+)\.([0-9_-]+)\.(\d+)(?:\.(\d+))?$/.exec(raw);
  if (!m) throw new InvalidError('Invalid search cursor');
  return { stateIndex: Number(m[1]), position: m[2] === '0' ? null : m[2], scannedSoFar: Number(m[3]), total: m[4] === undefined ? undefined : Number(m[4]) };
}

function statesOf(state: SearchQuery['state']): JobState[] {
  return state === 'all' ? [...JOB_STATES] : [state];
}

async function findById(conn: Connection, queue: string, query: SearchQuery): Promise<SearchChunk> {
  const id = query.q.trim();
  const state = await jobStateOf(conn, queue, id);
  const [summary] = await getJobSummaries(conn, queue, [id]);
  const ok = summary && (JOB_STATES as readonly string[]).includes(state) && (query.state === 'all' || query.state === state);
  return { matches: ok ? [{ ...summary, state: state as JobState }] : [], cursor: null, scanned: 1, total: 1, scannedSoFar: 1, chunks: 1 };
}

export async function searchJobs(conn: Connection, queue: string, query: SearchQuery): Promise<SearchChunk> {
  if (query.field === 'id') return findById(conn, queue, query);
  const search = conn.store.search;
  const states = statesOf(query.state);
  const cursor = decodeCursor(query.cursor);
  const match = { field: query.field, needle: asciiLower(query.q) };
  const total = cursor.total ?? (await search.stateTotal(queue, states));
  const found: Array<{ id: string; state: JobState }> = [];
  let { stateIndex, position } = cursor;
  let scanned = 0;
  let chunks = 0;
  const deadline = Date.now() + 250;
  // Several small chunks per HTTP call keep round trips down while each store call stays short.
  while (stateIndex < states.length && found.length < MAX_MATCHES_PER_CALL && Date.now() < deadline) {
    const state = states[stateIndex];
    const chunk = await search.walkChunk(queue, state, 'desc', position, match, {
      maxScan: CHUNK_IDS,
      maxMatches: MAX_MATCHES_PER_CALL - found.length,
      budgetMs: query.budget,
    });
    scanned += chunk.scanned;
    chunks += 1;
    for (const id of chunk.ids) found.push({ id, state });
    position = chunk.next;
    if (position === null) stateIndex += 1;
    // Send matches as soon as there are some: the page shows results while the scan goes on.
    if (found.length > 0) break;
  }
  const summaries = await getJobSummaries(conn, queue, found.map((f) => f.id));
  const stateById = new Map(found.map((f) => [f.id, f.state]));
  const done = stateIndex >= states.length;
  const scannedSoFar = cursor.scannedSoFar + scanned;
  return {
    matches: summaries.map((s) => ({ ...s, state: stateById.get(s.id)! })),
    cursor: done ? null : encodeCursor({ stateIndex, position, scannedSoFar, total }),
    scanned,
    total,
    scannedSoFar,
    chunks,
  };
}
