// One meaning per role: removing work that has not run yet, more than one job at a time, is admin-only,
// whichever operation does it (drain, clean, bulk remove or bulk fail, by state or by ids). Operators
// remove or fail such jobs one at a time and act in bulk on finished (completed, failed) jobs.
import type { Principal } from '@/lib/auth/principal';
import { hasRole } from '@/lib/auth/roles';
import { ForbiddenError } from '@/lib/errors';

/** BullMQ states (and Redis key suffixes) of jobs that have not run yet. */
export const UNPROCESSED_STATES = ['waiting', 'wait', 'prioritized', 'delayed', 'waiting-children'] as const;

export const UNPROCESSED_RULE = 'removing jobs that have not run yet (waiting, prioritized, delayed, waiting for children) more than one at a time needs the admin role';

export function isUnprocessedState(state: string): boolean {
  return (UNPROCESSED_STATES as readonly string[]).includes(state);
}

/** Throws 403 unless the actor is admin, when an operation would remove unprocessed jobs in bulk. */
export function assertMayRemoveUnprocessedInBulk(actor: Principal, what: string): void {
  if (!hasRole(actor.role, 'admin')) throw new ForbiddenError(`${what}: ${UNPROCESSED_RULE}; you are ${actor.role}`);
}
