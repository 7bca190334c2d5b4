// What a list over many queues keeps for a caller (README › Team scopes): the overview, the sidebar,
// Busy, schedules, live events, Prometheus. Pure like lib/auth/scope.ts, but for the configured DLQ names.
import { isUnscoped, mayReachConnection, roleAt, type Access } from './scope';
import { capOnDeadLetterQueue } from './dead-letter-queue-scope';

/** Whether one queue of one connection is visible; `everything` is true when no filtering is needed. */
export type QueueFilter = {
  /** true when the caller sees every queue (the fast path: callers skip filtering altogether) */
  everything: boolean;
  queue(conn: string, queue: string): boolean;
  connection(conn: string): boolean;
};

const ALL: QueueFilter = { everything: true, queue: () => true, connection: () => true };
const NOTHING: QueueFilter = { everything: false, queue: () => false, connection: () => false };

/**
 * The filter of `access`: everything for an unscoped principal with a global role (no cost per
 * queue), nothing for one with neither a global role nor grants, else a test per queue (roleAt).
 */
export function queueFilterOf(access: Access): QueueFilter {
  if (isUnscoped(access)) return access.global ? ALL : NOTHING;
  return {
    everything: false,
    // the DLQ queue only for callers who see every queue of its connection (lib/auth/dead-letter-queue-scope.ts)
    queue: (conn, queue) => capOnDeadLetterQueue(access, conn, queue, roleAt(access, conn, queue)) !== null,
    connection: (conn) => mayReachConnection(access, conn),
  };
}
