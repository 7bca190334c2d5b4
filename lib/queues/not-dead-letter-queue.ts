import type { Connection } from '@/lib/redis/connections';
import { ConflictError } from '@/lib/errors';

/**
 * The dead-letter queue keeps indexes (groups, origins) next to its jobs: generic job and queue
 * actions would bypass them, so it is changed only through its own requeue/purge (admin) routes.
 */
export function assertNotDeadLetterQueue(conn: Connection, queue: string): void {
  if (queue === conn.config.deadLetterQueue) {
    throw new ConflictError(
      `"${queue}" is the dead-letter queue of connection "${conn.name}": requeue or purge dead letters on the Dead letters page (or /api/v1/connections/${conn.name}/dlq/…)`,
    );
  }
}
