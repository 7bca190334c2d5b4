// Purge (admin): delete dead letters for good — a selection, or every match of a filter (an error group,
// an origin queue, everything older than an age) — in batches of 1,000 with progress.
import 'server-only';
import { z } from 'zod';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { getConnection } from '@/lib/redis/connections';
import { operationIdSchema, progressReporter } from '@/lib/operations/progress';
import { deadLetterIdSchema } from './envelope';
import { collectMatchingIds, deadLetterFilterSchema, deadLetterTarget } from './filter';
import { removeEnvelopes } from './remove-envelopes';
import { DLQ_BULK_LIMIT } from './requeue-dead-letters';
import { writableConnection } from '@/lib/actions/writable-connection';

const BATCH = 1000;

export const purgeInputSchema = z.union([
  z
    .object({
      ids: z.array(deadLetterIdSchema).min(1, 'ids must not be empty').max(DLQ_BULK_LIMIT, `at most ${DLQ_BULK_LIMIT} ids per call`),
      operationId: operationIdSchema.optional(),
    })
    .strict(),
  z.object({ filter: deadLetterFilterSchema, operationId: operationIdSchema.optional() }).strict(),
]);
export type PurgeInput = z.infer<typeof purgeInputSchema>;

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
  return audited(ctx, { action: 'dlq.purge', connection: connName, queue: dlq, jobIds: byIds ? input.ids : undefined, params: byIds ? undefined : { filter: input.filter } }, async () => {
    const conn = writableConnection(ctx, connName, { role: 'admin' });
    const t = deadLetterTarget(conn);
    const { ids, more } = byIds ? { ids: input.ids, more: false } : await collectMatchingIds(t, input.filter, DLQ_BULK_LIMIT);
    const total = ids.length;
    let purged = 0;
    await report({ done: 0, total, phase: 'purge' });
    for (let i = 0; i < total; i += BATCH) {
      purged += (await removeEnvelopes(t, ids.slice(i, i + BATCH), 'purged')).length;
      await report({ done: Math.min(total, i + BATCH), total, phase: 'purge' });
    }
    await report({ done: total, total, phase: 'done', finished: true });
    const message = `Purged ${purged.toLocaleString('en')} dead letter${purged === 1 ? '' : 's'}${purged < total ? ` (${total - purged} were already gone)` : ''}${more ? `; more match the filter: purge again for the next ${DLQ_BULK_LIMIT.toLocaleString('en')}` : ''}`;
    return { result: { requested: total, purged, more, message }, count: purged, details: { requested: total } };
  });
}
