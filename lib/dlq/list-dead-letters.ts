// One page of dead letters (newest failure first) for a filter: rows without payloads.
import 'server-only';
import { z } from 'zod';
import type { Connection } from '@/lib/redis/connections';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { dlqRowsScript } from './lua/dlq-rows-1';
import { dlqIndexBase, dlqKeyPrefix, type DeadLetterTarget } from './capture';
import { deadLetterFilterSchema, deadLetterTarget, findMatchingIds, isIndexOnly, planFilter, type DeadLetterFilter } from './filter';
import { ensureCurrentGroups } from './list-error-groups';

export const DEAD_LETTER_PAGE_SIZES = [10, 25, 50, 100, 200] as const;

export const listDeadLettersQuerySchema = deadLetterFilterSchema.extend({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  size: z.coerce
    .number()
    .int()
    .refine((n) => (DEAD_LETTER_PAGE_SIZES as readonly number[]).includes(n), `size must be one of ${DEAD_LETTER_PAGE_SIZES.join(', ')}`)
    .default(25),
});
export type ListDeadLettersQuery = z.infer<typeof listDeadLettersQuerySchema>;

export type DeadLetterRow = {
  id: string;
  /** origin queue and job id */
  queue: string;
  jobId: string;
  name: string;
  failedReason: string;
  /** full length when failedReason was cut */
  failedReasonLength: number;
  failedAt: number | null;
  attemptsMade: number;
  group: string;
  capturedAt: number | null;
  processedBy: string | null;
};

export type DeadLetterPage = {
  connection: string;
  deadLetterQueue: string;
  page: number;
  size: number;
  /**
   * exact when the filter is answered by an index alone (or a walk reached the end); null otherwise.
   * An index-only total includes envelopes removed outside Drover until the retention pass unindexes them.
   */
  total: number | null;
  hasNext: boolean;
  rows: DeadLetterRow[];
};

const TEXT_CAP = 300;
/** A filtered page walks at most this long (Redis time is bounded per chunk anyway). */
const PAGE_WALK_MS = 1500;

export async function readDeadLetterRows(t: DeadLetterTarget, ids: string[]): Promise<DeadLetterRow[]> {
  if (ids.length === 0) return [];
  const raw = await withLuaScripts(t.redis, [dlqRowsScript]).droverDlqRows(dlqIndexBase(t), dlqKeyPrefix(t), TEXT_CAP, ...ids);
  const n = (v: string) => (v === '' || !Number.isFinite(Number(v)) ? null : Number(v));
  return raw.flatMap((r) =>
    r
      ? [
          {
            id: r[0],
            queue: r[1],
            jobId: r[2],
            name: r[3],
            failedReason: r[4],
            failedReasonLength: Number(r[10]),
            failedAt: n(r[5]),
            attemptsMade: Number(r[6]) || 0,
            group: r[7],
            capturedAt: n(r[8]),
            processedBy: r[9] || null,
          },
        ]
      : [],
  );
}

export async function listDeadLetters(conn: Connection, query: ListDeadLettersQuery): Promise<DeadLetterPage> {
  const t = deadLetterTarget(conn);
  const { page, size, ...rest } = query;
  const filter: DeadLetterFilter = rest;
  // A group id is one of the current rules: its index must hold the dead letters captured before them too.
  if (filter.group) await ensureCurrentGroups(conn);
  const plan = planFilter(t, filter);
  const skip = (page - 1) * size;
  let ids: string[];
  let total: number | null;
  let hasNext: boolean;
  if (isIndexOnly(plan)) {
    const [count, found] = await Promise.all([t.redis.zcount(plan.index, plan.min, plan.max), t.redis.zrevrangebyscore(plan.index, plan.max, plan.min, 'LIMIT', skip, size)]);
    ids = found;
    total = count;
    hasNext = skip + size < count;
  } else {
    // Filters the indexes cannot answer: walk matches up to this page (+1 to know about a next one).
    const walk = await findMatchingIds(t, plan, { limit: skip + size + 1, deadline: Date.now() + PAGE_WALK_MS });
    ids = walk.ids.slice(skip, skip + size);
    hasNext = walk.ids.length > skip + size || !walk.exhausted;
    total = walk.exhausted ? walk.ids.length : null;
  }
  // Read-only, also for envelopes removed behind Drover's back (another dashboard's Remove on the DLQ
  // queue): their rows are skipped here, and the retention pass (lib/dlq/sweep.ts) drops their index
  // entries. Until then an index-only total counts them and a page may show fewer rows than its size;
  // paging stays right, as pages are ranks of the same index.
  const rows = await readDeadLetterRows(t, ids);
  return { connection: conn.name, deadLetterQueue: t.deadLetterQueue, page, size, total, hasNext, rows };
}
