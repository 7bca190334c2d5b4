// A queue's global concurrency and rate limit (null removes each).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { QueueParams } from './params';
import { queueOperations as ops } from '@/lib/operations/queues';
import type { LimitsInput } from './schemas';

export async function setQueueLimits(ctx: AuditContext, t: QueueParams, input: LimitsInput): Promise<{ message: string }> {
  return audited(ctx, ops.setQueueLimits, { connection: t.conn, queue: t.queue, params: input, deadLetterQueueAllowed: true }, async (conn) => {
    const q = conn.queue(t.queue);
    if (input.concurrency === null) await q.removeGlobalConcurrency();
    else await q.setGlobalConcurrency(input.concurrency);
    if (input.rateLimit === null) await q.removeGlobalRateLimit();
    else await q.setGlobalRateLimit(input.rateLimit.max, input.rateLimit.duration);
    const parts = [
      input.concurrency === null ? 'no global concurrency' : `global concurrency ${input.concurrency}`,
      input.rateLimit === null ? 'no rate limit' : `at most ${input.rateLimit.max} jobs per ${input.rateLimit.duration} ms`,
    ];
    return { result: { message: `${t.queue}: ${parts.join(', ')}` } };
  });
}
