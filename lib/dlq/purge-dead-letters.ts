// Purge (admin): delete dead letters for good — a selection, or every match of a filter (an error group,
// an origin queue, everything older than an age) — in batches of 1,000 with progress.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { getConnection } from '@/lib/redis/connections';
import { progressReporter } from '@/lib/progress/bulk-progress';
import { DLQ_BULK_LIMIT, type PurgeInput } from './schemas';
import { deadLetterOperations as ops } from '@/lib/operations/dead-letters';

const BATCH = 1000;



export type PurgeResult = { requested: number; purged: number; more: boolean; message: string };

export async function purgeDeadLetters(ctx: AuditContext, connName: string, input: PurgeInput): Promise<PurgeResult> {
  const report = progressReporter(input.operationId);
  const byIds = 'ids' in input;
  let dlq: string | undefined;
  try {
    dlq = getConnection(connName).config.deadLetterQueue;
  } catch {
    dlq = undefined;
  }
  return audited(ctx, ops.purgeDeadLetters, { connection: connName, queue: dlq, jobIds: byIds ? input.ids : undefined, params: byIds ? undefined : { filter: input.filter }, deadLetterQueueAllowed: true }, async (conn) => {
    const store = conn.store.deadLetters;
    const { ids, more } = byIds ? { ids: input.ids, more: false } : await store.matchingIds(input.filter, DLQ_BULK_LIMIT);
    const total = ids.length;
    let purged = 0;
    await report({ done: 0, total, phase: 'purge' });
    for (let i = 0; i < total; i += BATCH) {
      purged += (await store.remove(ids.slice(i, i + BATCH), 'purged')).length;
      await report({ done: Math.min(total, i + BATCH), total, phase: 'purge' });
    }
    await report({ done: total, total, phase: 'done', finished: true });
    const message = `Purged ${purged.toLocaleString('en')} dead letter${purged === 1 ? '' : 's'}${purged < total ? ` (${total - purged} were already gone)` : ''}${more ? `; more match the filter: purge again for the next ${DLQ_BULK_LIMIT.toLocaleString('en')}` : ''}`;
    return { result: { requested: total, purged, more, message }, count: purged, details: { requested: total } };
  });
}
