// Remove every waiting (and prioritized, optionally delayed) job in batches of 1,000: BullMQ's drain()
// is one unbatched call (on Redis a script that blocks it about a second per 100k jobs).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { QueueParams } from './params';
import { queueOperations as ops } from '@/lib/operations/queues';
import { progressReporter } from '@/lib/progress/bulk-progress';
import type { CleanableState } from '@/lib/store/actions-store';
import type { DrainInput } from './schemas';

export async function drainQueue(ctx: AuditContext, t: QueueParams, input: DrainInput): Promise<{ message: string; removed: number }> {
  const report = progressReporter(input.operationId, { conn: t.conn, queue: t.queue });
  return audited(ctx, ops.drainQueue, { connection: t.conn, queue: t.queue, params: { includeDelayed: input.includeDelayed } }, async (conn) => {
    const types: CleanableState[] = ['wait', 'prioritized', ...(input.includeDelayed ? (['delayed'] as const) : [])];
    const counts = await Promise.all(types.map((type) => conn.store.actions.stateCount(t.queue, type)));
    const total = counts.reduce((a, b) => a + b, 0);
    // Jobs added after the drain started are kept (the cut-off is the start time).
    const cutoff = Date.now() + 1;
    let removed = 0;
    for (const type of types) {
      const before = removed;
      removed += await conn.store.actions.cleanState(t.queue, type, type === 'delayed' ? Number.MAX_SAFE_INTEGER : cutoff, (done) => report({ done: before + done, total, phase: `drain ${type}` }));
    }
    await report({ done: removed, total, phase: 'done', finished: true });
    return { result: { message: `Drained ${t.queue}: removed ${removed.toLocaleString('en')} waiting job${removed === 1 ? '' : 's'}`, removed }, count: removed };
  });
}
