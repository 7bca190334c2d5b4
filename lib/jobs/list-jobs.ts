// A page of one state's jobs, paginated by Redis ranges (fast on deep pages), summary fields only;
// 404 for a queue that does not exist, as its summary answers.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { STATE_STORE, redisOrder, type JobState } from './job-states';
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
  jobs: JobSummary[];
  hasNext: boolean;
  /**
   * With a name filter: how many jobs this request examined (at most maxScan), from which position,
   * whether it reached the end of the state, and where the next request goes on (null at the end).
   */
  filter?: { scanned: number; complete: boolean; from: number; nextCursor: number | null; maxScan: number };
};

/** Ids at ranks [start, end] of a state, in the requested direction. */
export async function rangeIds(conn: Connection, queue: string, state: JobState, order: 'desc' | 'asc', start: number, end: number) {
  const { key, kind } = STATE_STORE[state];
  const fullKey = conn.key(queue, key);
  const pipeline = conn.redis.pipeline();
  if (kind === 'list') {
    pipeline.llen(fullKey);
    if (order === 'desc') pipeline.lrange(fullKey, start, end);
    else pipeline.lrange(fullKey, -(end + 1), -(start + 1));
  } else {
    pipeline.zcard(fullKey);
    if (order === 'desc') pipeline.zrevrange(fullKey, start, end);
    else pipeline.zrange(fullKey, String(start), String(end));
  }
  const [[e1, total], [e2, ids]] = (await pipeline.exec()) as [[Error | null, number], [Error | null, string[]]];
  if (e1) throw e1;
  if (e2) throw e2;
  return { total, ids: kind === 'list' && order === 'asc' ? [...ids].reverse() : ids };
}

/** Jobs a name-filtered list examines per request at most; the answer carries a cursor to go on. */
export const FILTER_MAX_SCAN = 50_000;
const CHUNK_IDS = 5000;
const CHUNK_BUDGET_US = 5000;

export async function listJobs(conn: Connection, queue: string, query: ListJobsQuery): Promise<JobPage> {
  const { state, page, size, order, name } = query;
  const direction = redisOrder(order);
  if (!name) {
    const start = (page - 1) * size;
    const { total, ids } = await rangeIds(conn, queue, state, direction, start, start + size - 1);
    // An empty state may be a queue that does not exist: 404 like its summary (one more call, only then).
    if (total === 0) await assertQueueExists(conn, queue);
    const jobs = await getJobSummaries(conn, queue, ids);
    return { state, page, size, order, total, jobs, hasNext: start + size < total };
  }
  // Name filter: bounded chunks of a server-side scan from the cursor (a position in the state) until
  // a page of matches is found or FILTER_MAX_SCAN jobs were examined; the next request goes on from there.
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
