// A page of one state's jobs, paginated by the store (Redis ranges, PostgreSQL indexes), summary fields only;
// 404 for a queue that does not exist, as its summary answers.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { redisOrder, type JobState } from './job-states';
import type { ListJobsQuery } from './schemas';
import { getJobSummaries, type JobSummary } from './job-summary';
import { assertQueueExists } from '@/lib/queues/assert-queue-exists';

export type JobPage = {
  state: JobState;
  page: number;
  size: number;
  order: 'newest' | 'oldest';
  name?: string;
  /** jobs in the state (without a name filter) */
  total: number;
  /** true when total is an estimate (a long state on PostgreSQL: the planner's, exact below 100,000) */
  approximate?: boolean;
  jobs: JobSummary[];
  hasNext: boolean;
  /**
   * With a name filter: how many jobs this request examined (at most maxScan), from which position,
   * whether it reached the end of the state, and where the next request goes on (null at the end).
   */
  filter?: { scanned: number; complete: boolean; from: number; nextCursor: number | null; maxScan: number };
};

/** Jobs a name-filtered list examines per request at most; the answer carries a cursor to go on. */
export const FILTER_MAX_SCAN = 50_000;
const CHUNK_IDS = 5000;
/** Redis time per chunk, in ms (PostgreSQL bounds its chunks by size). */
const CHUNK_BUDGET_MS = 5;

export async function listJobs(conn: Connection, queue: string, query: ListJobsQuery): Promise<JobPage> {
  const { state, page, size, order, name } = query;
  const direction = redisOrder(order);
  if (!name) {
    const start = (page - 1) * size;
    const { total, approximate, jobs } = await conn.store.jobPage(queue, state, direction, start, size);
    // An empty state may be a queue that does not exist: 404 like its summary (one more call, only then).
    if (total === 0) await assertQueueExists(conn, queue);
    return { state, page, size, order, total, ...(approximate ? { approximate } : {}), jobs, hasNext: start + size < total };
  }
  // Name filter: bounded chunks of a walk through the state from the cursor (a rank in the state, which
  // the store turns into its own position) until a page of matches is found or FILTER_MAX_SCAN jobs were
  // examined; the next request goes on from there.
  const search = conn.store.search;
  const from = query.cursor ?? 0;
  const total = await search.stateTotal(queue, [state]);
  if (total === 0) await assertQueueExists(conn, queue);
  const matches: string[] = [];
  let complete = from >= total;
  let position = complete ? null : await search.positionAt(queue, state, direction, from);
  let scanned = 0;
  while (!complete && matches.length < size && scanned < FILTER_MAX_SCAN) {
    const chunk = await search.walkChunk(queue, state, direction, position, [{ kind: 'name', negate: false, op: 'eq', value: name }], {
      maxScan: Math.min(CHUNK_IDS, FILTER_MAX_SCAN - scanned),
      maxMatches: size - matches.length,
      budgetMs: CHUNK_BUDGET_MS,
    });
    matches.push(...chunk.ids);
    scanned += chunk.scanned;
    position = chunk.next;
    complete = position === null;
  }
  const jobs = await getJobSummaries(conn, queue, matches);
  return {
    state,
    page: 1,
    size,
    order,
    name,
    total,
    jobs,
    hasNext: !complete,
    filter: { scanned, complete, from, nextCursor: complete ? null : from + scanned, maxScan: FILTER_MAX_SCAN },
  };
}
