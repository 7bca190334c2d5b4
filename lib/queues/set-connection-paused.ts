// Pause or resume every discovered queue of a connection (the dead-letter queue excepted).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { queueOperations as ops } from '@/lib/operations/queues';
import { discoverQueues } from './discover-queues';

export async function setConnectionPaused(ctx: AuditContext, connName: string, paused: boolean): Promise<{ message: string; queues: number }> {
  return audited(ctx, paused ? ops.pauseAll : ops.resumeAll, { connection: connName }, async (conn) => {
    const { queues } = await discoverQueues(conn, { refresh: true });
    const dlq = conn.config.deadLetterQueue;
    const targets = queues.filter((q) => q !== dlq);
    await Promise.all(targets.map((q) => (paused ? conn.queue(q).pause() : conn.queue(q).resume())));
    return { result: { message: `${paused ? 'Paused' : 'Resumed'} ${targets.length} queue${targets.length === 1 ? '' : 's'} on ${connName}`, queues: targets.length }, count: targets.length };
  });
}
