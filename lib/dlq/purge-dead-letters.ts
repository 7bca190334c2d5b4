// Purge (admin): delete dead letters for good — a selection, or every match of a filter (an error group,
// an origin queue, everything older than an age) — in batches of 1,000 with progress.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { getConnection } from '@/lib/redis/connections';
import { progressReporter } from '@/lib/progress/bulk-progress';
import { DLQ_BULK_LIMIT, type PurgeInput } from './schemas';
import { deadLetterOperations as ops } from '@/lib/operations/dead-letters';
import { accessOf } from '@/lib/auth/principal';
import { ForbiddenError } from '@/lib/errors';
import { requestedDeadLetters, sortByOrigin } from './origin-scope';

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
    // Team scopes: only dead letters of origin queues where the caller is admin. By filter, the walk
    // matches only those; by id, the others are left alone (one it may not see counts as already gone).
    const access = accessOf(ctx.actor);
    const { requested, more } = await requestedDeadLetters(store, conn.name, access, 'admin', input, DLQ_BULK_LIMIT);
    const total = requested.length;
    const { allowed: ids, refused } = byIds ? await sortByOrigin(store, conn.name, access, 'admin', requested) : { allowed: requested, refused: [] };
    if (byIds && refused.length === total) {
      throw new ForbiddenError(`Purging needs the admin role on the dead letters' origin queue${refused.length === 1 ? ` "${refused[0].queue}"` : 's'}; nothing was purged`);
    }
    let purged = 0;
    await report({ done: 0, total, phase: 'purge' });
    for (let i = 0; i < ids.length; i += BATCH) {
      purged += (await store.remove(ids.slice(i, i + BATCH), 'purged')).length;
      await report({ done: Math.min(total, total - ids.length + i + BATCH), total, phase: 'purge' });
    }
    await report({ done: total, total, phase: 'done', finished: true });
    const gone = total - refused.length - purged;
    const message = `Purged ${purged.toLocaleString('en')} dead letter${purged === 1 ? '' : 's'}${gone > 0 ? ` (${gone} were already gone)` : ''}${refused.length ? `; ${refused.length} left alone: purging needs the admin role on their origin queue` : ''}${more ? `; more match the filter: purge again for the next ${DLQ_BULK_LIMIT.toLocaleString('en')}` : ''}`;
    return { result: { requested: total, purged, more, message }, count: purged, details: { requested: total } };
  });
}
