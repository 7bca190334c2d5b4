// Which dead letters a page, a requeue, a purge or an export is about on Redis, and the bounded walk
// that finds them. Not server-only: lib/store/redis/redis-dead-letters.ts is the runtime's seam too.
import { asciiLower } from '@/lib/jobs/ascii-lower';
import { dlqIndexBase, dlqKeyPrefix, type DeadLetterTarget } from './capture';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { dlqMatchScript } from './lua/dlq-match-1';
import { isRegrouped } from './regroup';
import { ConflictError } from '@/lib/errors';
import { advanceCursor, readScoreChunk, type ScoreCursor, type ScoreRange } from './score-walk';

import type { ScopedDeadLetterFilter } from './schemas';

export type FilterPlan = {
  index: string;
  max: string;
  min: string;
  /** filters the index alone does not apply (checked per envelope in Lua) */
  queue: string;
  group: string;
  name: string;
  needle: string;
  /** origin queues in the caller's team scope (null: every one; empty: none), checked per envelope */
  origins: string[] | null;
};

/** The smallest index for the filter (a group's, an origin queue's, or all) and the per-envelope rest. */
export function planFilter(t: DeadLetterTarget, filter: ScopedDeadLetterFilter, now = Date.now()): FilterPlan {
  const base = dlqIndexBase(t);
  // A scope check is spared where an index answers it: an in-scope origin queue asked for by name, or a
  // scope that holds a single origin queue (then that queue's index is walked, exact counts and all).
  let origins = filter.origins ? [...filter.origins] : null;
  let queue = filter.queue;
  if (origins && queue) origins = origins.includes(queue) ? null : [];
  if (origins && origins.length === 1) {
    queue = origins[0];
    origins = null;
  }
  const index = filter.group ? `${base}:group:${filter.group}:ids` : queue ? `${base}:queue:${queue}:ids` : `${base}:all`;
  const maxes = [filter.to, filter.olderThanMs !== undefined ? now - filter.olderThanMs : undefined].filter((v): v is number => v !== undefined);
  return {
    index,
    max: maxes.length ? String(Math.min(...maxes)) : '+inf',
    min: filter.from !== undefined ? String(filter.from) : '-inf',
    queue: filter.group && queue ? queue : '',
    group: '',
    name: filter.name ?? '',
    needle: asciiLower((filter.q ?? '').trim()),
    origins,
  };
}

/** True when the index range alone answers the filter (exact counts and rank paging apply). */
export function isIndexOnly(plan: FilterPlan): boolean {
  return !plan.queue && !plan.group && !plan.name && !plan.needle && plan.origins === null;
}

/** Index entries read per round trip of a filtered walk (the Lua then looks at them within its budget). */
const CHUNK_IDS = 1000;
const BUDGET_MICROS = 8_000;

function walkRange(plan: FilterPlan): ScoreRange {
  return { key: plan.index, order: 'desc', from: plan.max, to: plan.min };
}

/**
 * Walks the matching ids newest first in bounded chunks, from `cursor` on (a score cursor, so dead
 * letters removed meanwhile — requeue, purge, retention — cannot shift the walk past others).
 * Stops when `limit` ids were found, the index is exhausted, or `deadline` passed.
 */
export async function findMatchingIds(
  t: DeadLetterTarget,
  plan: FilterPlan,
  opts: { limit: number; cursor?: ScoreCursor | null; deadline?: number },
): Promise<{ ids: string[]; exhausted: boolean; cursor: ScoreCursor | null }> {
  const range = walkRange(plan);
  let cursor = opts.cursor ?? null;
  if (plan.origins?.length === 0) return { ids: [], exhausted: true, cursor };
  if (isIndexOnly(plan)) {
    const { entries, done } = await readScoreChunk(t.redis, range, cursor, opts.limit);
    return { ids: entries.map((e) => e.id), exhausted: done, cursor: advanceCursor(cursor, entries) };
  }
  const redis = withLuaScripts(t.redis, [dlqMatchScript]);
  const ids: string[] = [];
  for (;;) {
    const { entries, done } = await readScoreChunk(t.redis, range, cursor, CHUNK_IDS);
    if (entries.length === 0) return { ids, exhausted: true, cursor };
    const [looked, found] = await redis.droverDlqMatch(
      dlqIndexBase(t), dlqKeyPrefix(t), BUDGET_MICROS, plan.queue, plan.group, plan.name, plan.needle, opts.limit - ids.length,
      plan.origins?.length ?? 0, ...(plan.origins ?? []), ...entries.map((e) => e.id),
    );
    cursor = advanceCursor(cursor, entries.slice(0, Number(looked)));
    ids.push(...found);
    if (done && Number(looked) === entries.length) return { ids, exhausted: true, cursor };
    if (ids.length >= opts.limit || (opts.deadline !== undefined && Date.now() > opts.deadline)) return { ids, exhausted: false, cursor };
  }
}

/** Every matching id (a snapshot, newest first), at most `max`. */
export async function collectMatchingIds(t: DeadLetterTarget, filter: ScopedDeadLetterFilter, max: number): Promise<{ ids: string[]; more: boolean }> {
  // Requeue and purge by group (writable connections only): the group's index must hold the dead
  // letters captured under earlier grouping rules too. Re-grouping is not done here, inside the
  // mutation: it could grow the group after the user confirmed its size. The DLQ page's reads (and
  // the workers' sweep) finish it; until then a call by group is refused and changes nothing.
  if (filter.group && !(await isRegrouped(t))) {
    throw new ConflictError('Dead letters captured before this version are still being re-grouped, so this error group may not be complete yet: nothing was changed. Reload the dead-letter page in a moment and try again.');
  }
  const plan = planFilter(t, filter);
  const ids: string[] = [];
  let cursor: ScoreCursor | null = null;
  for (;;) {
    const chunk = await findMatchingIds(t, plan, { limit: Math.min(5000, max + 1 - ids.length), cursor });
    ids.push(...chunk.ids);
    cursor = chunk.cursor;
    if (ids.length > max) return { ids: ids.slice(0, max), more: true };
    if (chunk.exhausted) return { ids, more: false };
  }
}
