// The config file's objectives of one queue (own entries only: a queue named "constructor" has none).
import 'server-only';
import { getConnection, type Connection } from '@/lib/redis/connections';
import { ConflictError } from '@/lib/errors';
import type { QueueObjectives } from './objective';

export function configObjectives(conn: Connection, queue: string): QueueObjectives | null {
  const byQueue = conn.config.objectives;
  if (!byQueue || !Object.hasOwn(byQueue, queue)) return null;
  return byQueue[queue] ?? null;
}

/** Config locks the queue: its objectives change in the config file only (409 here). */
export function assertNotInConfig(conn: string, queue: string): void {
  if (configObjectives(getConnection(conn), queue)) {
    throw new ConflictError(`The objectives of ${conn}/${queue} are set in the config file; change them there`);
  }
}
