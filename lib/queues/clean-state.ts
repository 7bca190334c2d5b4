// Removing a state's jobs older than a cut-off in bounded batches: shared by Clean, Drain and the bulk
// "remove all of a state". Not BullMQ's clean() in one go (one unbounded script), nor its batched form
// alone for delayed and prioritized: cleanJobsInSet looks only at the first `limit` members in score
// order (run time, priority), not age order, so a window of newer jobs hides every older one behind it.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { scoreChunks } from '@/lib/dlq/score-walk';

export type CleanableState = 'wait' | 'delayed' | 'prioritized' | 'completed' | 'failed';

const BATCH = 1000;

/** The job times BullMQ's cleanSet compares with the cut-off, first one set wins (includes/cleanJobsInSet). */
const AGE_FIELDS = { delayed: ['processedOn', 'timestamp'], prioritized: ['timestamp'] } as const;

/**
 * Removes the jobs of `state` whose age time is at or before `cutoff` (ms); scheduler jobs are skipped,
 * as BullMQ's clean does. Calls `onBatch` with the running total after each batch. Returns the total.
 * completed / failed / wait: BullMQ's cleanJobsByState in batches until one removes nothing (finished
 * sets are walked by finishedOn, so every batch removes what it reads; wait is the list's oldest end).
 * delayed / prioritized: walked by score, each batch's times read in one pipeline, the old ones removed
 * with BullMQ's own removal (concurrent calls, pipelined on the connection).
 */
export async function cleanState(conn: Connection, queue: string, state: CleanableState, cutoff: number, onBatch: (removed: number) => Promise<void>): Promise<number> {
  const q = conn.queue(queue);
  let removed = 0;
  if (state !== 'delayed' && state !== 'prioritized') {
    for (;;) {
      const ids = await q.backend.cleanJobsByState(state, cutoff, BATCH);
      removed += ids.length;
      await onBatch(removed);
      // Until a batch removes nothing: BullMQ skips scheduler jobs and newer ones inside its window.
      if (ids.length === 0) return removed;
    }
  }
  const fields = AGE_FIELDS[state];
  const range = { key: conn.key(queue, state), order: 'asc', from: '-inf', to: '+inf' } as const;
  for await (const { entries } of scoreChunks(conn.redis, range, BATCH)) {
    const pipeline = conn.redis.pipeline();
    for (const { id } of entries) pipeline.hmget(conn.key(queue, id), ...fields);
    const times = (await pipeline.exec()) ?? [];
    const old = entries.filter((_, i) => {
      const [err, values] = times[i] as [Error | null, Array<string | null>];
      if (err) throw err;
      const at = values.find((v) => v !== null);
      // No time at all counts as old, as in BullMQ's cleanSet.
      return at === undefined || Number(at) <= cutoff;
    });
    const outcomes = await Promise.allSettled(old.map(({ id }) => q.remove(id, { removeChildren: false })));
    for (const o of outcomes) {
      if (o.status === 'fulfilled') removed += o.value === 1 ? 1 : 0;
      // -8: the current job of a job scheduler (BullMQ's clean skips it too).
      else if ((o.reason as { code?: unknown })?.code !== -8) throw o.reason;
    }
    await onBatch(removed);
  }
  return removed;
}
