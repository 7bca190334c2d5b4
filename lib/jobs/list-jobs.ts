// A page of one state's jobs, paginated by the store (Redis ranges, PostgreSQL indexes), summary fields only;
// 404 for a queue that does not exist, as its summary answers.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { STATE_STORE, redisOrder, type JobState } from './job-states';
import type { ListJobsQuery } from './schemas';
import { getJobSummaries, type JobSummary } from './job-summary';
import { assertQueueExists } from '@/lib/queues/assert-queue-exists';
import { NotOnThisStoreError } from '@/lib/errors';

export type JobPage = {
  state: JobState;
  page: number;
  size: number;
  order: 'newest' | 'oldest';
  name?: string;
  /** jobs in the state (without a name filter) */
  total: number;
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
const CHUNK_BUDGET_US = 5000;

export async function listJobs(conn: Connection, queue: string, query: ListJobsQuery): Promise<JobPage> {
  const { state, page, size, order, name } = query;
  const direction = redisOrder(order);
  if (!name) {
    const start = (page - 1) * size;
    const { total, jobs } = await conn.store.jobPage(queue, state, direction, start, size);
    // An empty state may be a queue that does not exist: 404 like its summary (one more call, only then).
    if (total === 0) await assertQueueExists(conn, queue);
    return { state, page, size, order, total, jobs, hasNext: start + size < total };
  }
  // Name filter: bounded chunks of a server-side scan from the cursor (a position in the state) until
  // a page of matches is found or FILTER_MAX_SCAN jobs were examined; the next request goes on from there.
  if (conn.kind === 'postgres') throw new NotOnThisStoreError(conn.name, 'Filtering a job list by name');
  const { key, kind } = STATE_STORE[state];
  const matches: string[] = [];
  let offset = query.cursor ?? 0;
  let scanned = 0;
  let total = 0;
  for (;;) {
    const [next, chunkScanned, chunkTotal, ids] = await conn.redis.droverSearchChunk(
      conn.queuePrefix(queue), key, kind, direction, offset, Math.min(CHUNK_IDS, FILTER_MAX_SCAN - scanned), CHUNK_BUDGET_US, 'name-exact', '', size - matches.length, name,
    );
    matches.push(...ids);
    scanned += chunkScanned;
    total = chunkTotal;
    offset = next;
    if (matches.length >= size || offset >= chunkTotal || scanned >= FILTER_MAX_SCAN || chunkScanned === 0) break;
  }
  if (total === 0) await assertQueueExists(conn, queue);
  const jobs = await getJobSummaries(conn, queue, matches);
  const complete = offset >= total;
  return {
    state,
    page: 1,
    size,
    order,
    name,
    total,
    jobs,
    hasNext: !complete,
    filter: { scanned, complete, from: query.cursor ?? 0, nextCursor: complete ? null : offset, maxScan: FILTER_MAX_SCAN },
  };
}
