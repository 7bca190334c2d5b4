// Chunked server-side search of one queue: each call runs one bounded Lua chunk per state
// (a few ms of Redis time) and returns matches, a cursor and progress, so a search of 300k jobs
// never blocks Redis and results stream into the page.
import 'server-only';
import { asciiLower } from './ascii-lower';
import { z } from 'zod';
import type { Connection } from '@/lib/redis/connections';
import { InvalidError } from '@/lib/errors';
import { JOB_STATES, STATE_STORE, jobStateSchema, type JobState } from './job-states';
import { getJobSummaries, type JobSummary } from './job-summary';

/** The longest a single search call may hold Redis, whatever the client asks for. */
export const SEARCH_MAX_CALL_MS = 10;

export const SEARCH_FIELDS = ['any', 'id', 'name', 'data', 'failedReason', 'returnvalue', 'logs'] as const;
export const searchFieldSchema = z.enum(SEARCH_FIELDS);
export type SearchField = z.infer<typeof searchFieldSchema>;

export const searchQuerySchema = z.object({
  q: z.string().min(1, 'q (the text to find) is required').max(500, 'q must be at most 500 characters'),
  field: searchFieldSchema.default('any'),
  state: z.union([jobStateSchema, z.literal('all')]).default('all'),
  cursor: z.string().max(100).optional(),
  /** Redis time per call, in ms (a chunk stops early when it is used up); clamped to SEARCH_MAX_CALL_MS. */
  budget: z.coerce
    .number()
    .int()
    .min(1)
    .default(8)
    .transform((ms) => Math.min(ms, SEARCH_MAX_CALL_MS)),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

export type SearchMatch = JobSummary & { state: JobState };

export type SearchChunk = {
  matches: SearchMatch[];
  /** null when the search is complete */
  cursor: string | null;
  scanned: number;
  /** jobs to scan in all selected states (as of this call) */
  total: number;
  /** jobs scanned so far including this call */
  scannedSoFar: number;
  /** bounded Redis script calls this request made */
  chunks: number;
};

const CHUNK_IDS = 20_000;
const MAX_MATCHES_PER_CALL = 200;

type Cursor = { stateIndex: number; offset: number; scannedSoFar: number };

function encodeCursor(c: Cursor): string {
  return `${c.stateIndex}.${c.offset}.${c.scannedSoFar}`;
}

function decodeCursor(raw: string | undefined): Cursor {
  if (!raw) return { stateIndex: 0, offset: 0, scannedSoFar: 0 };
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(raw);
  if (!m) throw new InvalidError('Invalid search cursor');
  return { stateIndex: Number(m[1]), offset: Number(m[2]), scannedSoFar: Number(m[3]) };
}

function statesOf(state: SearchQuery['state']): JobState[] {
  return state === 'all' ? [...JOB_STATES] : [state];
}

async function totalOf(conn: Connection, queue: string, states: JobState[]): Promise<number> {
  const pipeline = conn.redis.pipeline();
  for (const s of states) {
    const { key, kind } = STATE_STORE[s];
    if (kind === 'list') pipeline.llen(conn.key(queue, key));
    else pipeline.zcard(conn.key(queue, key));
  }
  const results = (await pipeline.exec()) ?? [];
  return results.reduce((sum, [err, v]) => (err ? sum : sum + Number(v)), 0);
}

async function findById(conn: Connection, queue: string, query: SearchQuery): Promise<SearchChunk> {
  const id = query.q.trim();
  const state = await conn.redis.droverJobState(conn.queuePrefix(queue), id);
  const [summary] = await getJobSummaries(conn, queue, [id]);
  const ok = summary && (JOB_STATES as readonly string[]).includes(state) && (query.state === 'all' || query.state === state);
  return { matches: ok ? [{ ...summary, state: state as JobState }] : [], cursor: null, scanned: 1, total: 1, scannedSoFar: 1, chunks: 1 };
}

export async function searchJobs(conn: Connection, queue: string, query: SearchQuery): Promise<SearchChunk> {
  if (query.field === 'id') return findById(conn, queue, query);
  const states = statesOf(query.state);
  const cursor = decodeCursor(query.cursor);
  const needle = asciiLower(query.q);
  const total = await totalOf(conn, queue, states);
  const found: Array<{ id: string; state: JobState }> = [];
  let { stateIndex, offset } = cursor;
  let scanned = 0;
  let chunks = 0;
  const deadline = Date.now() + 250;
  // Several small chunks per HTTP call keep round trips down while each Redis call stays short.
  while (stateIndex < states.length && found.length < MAX_MATCHES_PER_CALL && Date.now() < deadline) {
    const state = states[stateIndex];
    const { key, kind } = STATE_STORE[state];
    const [next, chunkScanned, stateTotal, ids] = await conn.redis.droverSearchChunk(
      conn.queuePrefix(queue), key, kind, 'desc', offset, CHUNK_IDS, query.budget * 1000, query.field, needle,
      MAX_MATCHES_PER_CALL - found.length, '',
    );
    scanned += chunkScanned;
    chunks += 1;
    for (const id of ids) found.push({ id, state });
    offset = next;
    if (offset >= stateTotal || (chunkScanned === 0 && ids.length === 0)) {
      stateIndex += 1;
      offset = 0;
    }
    // Send matches as soon as there are some: the page shows results while the scan goes on.
    if (found.length > 0) break;
  }
  const summaries = await getJobSummaries(conn, queue, found.map((f) => f.id));
  const stateById = new Map(found.map((f) => [f.id, f.state]));
  const done = stateIndex >= states.length;
  const scannedSoFar = cursor.scannedSoFar + scanned;
  return {
    matches: summaries.map((s) => ({ ...s, state: stateById.get(s.id)! })),
    cursor: done ? null : encodeCursor({ stateIndex, offset, scannedSoFar }),
    scanned,
    total,
    scannedSoFar,
    chunks,
  };
}
