// Removing envelopes with their index entries (requeue, purge, retention). Not server-only: the
// runtime's retention sweep uses it too.
import { Queue } from 'bullmq';
import type { RemoveReason } from '@/lib/store/dead-letter-store';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { dlqRemoveScript } from './lua/dlq-remove-1';
import { DLQ_EVENTS_MAX, dlqIndexBase, dlqKeyPrefix, type DeadLetterTarget } from './capture';

export type { RemoveReason };

/**
 * Removes envelopes (one Lua call for the whole list). With a claim token, only envelopes still
 * claimed by it are removed. An envelope someone moved out of the DLQ's failed set by hand (the queue
 * page's Retry) is removed through BullMQ, which knows every state. Returns the ids removed.
 */
export async function removeEnvelopes(t: DeadLetterTarget, ids: string[], reason: RemoveReason, claimToken = ''): Promise<string[]> {
  if (ids.length === 0) return [];
  const [removed, foreign] = await withLuaScripts(t.redis, [dlqRemoveScript]).droverDlqRemove(dlqIndexBase(t), dlqKeyPrefix(t), reason, claimToken, DLQ_EVENTS_MAX, ...ids);
  if (foreign.length > 0) {
    const queue = new Queue(t.deadLetterQueue, { connection: t.redis, prefix: t.prefix, skipMetasUpdate: true });
    try {
      for (const id of foreign) {
        if (await queue.remove(id)) removed.push(id);
      }
    } finally {
      await queue.close();
    }
  }
  return removed;
}
