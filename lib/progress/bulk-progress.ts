// Progress of long bulk operations (drain, clean, retry-all…): the client picks an operation id,
// the server reports batches under that id (lib/store/console/progress.ts), and the page polls it while the action runs.
import 'server-only';
import { NotFoundError, OutOfScopeError } from '@/lib/errors';
import { accessOf, type Principal } from '@/lib/auth/principal';
import { canAt, highestRoleOn, isUnscoped } from '@/lib/auth/scope';
import { hasRole, type Role } from '@/lib/auth/roles';
import { progressStore, type OperationProgress, type OperationTarget } from '@/lib/store/console/progress';

export { operationIdSchema } from './operation-id';
export type { OperationProgress, OperationTarget };

/**
 * Whether `actor` may follow or control an operation on `target` (README › Team scopes): `role` on its
 * queue (on some queue of its connection for a connection-wide one). A principal without grants holds
 * its role everywhere; an operation recorded without a target is followed by such principals only.
 */
export function mayFollowOperation(actor: Principal, target: OperationTarget | undefined, role: Role): boolean {
  const access = accessOf(actor);
  if (isUnscoped(access)) return access.global !== null && hasRole(access.global, role);
  if (!target) return false;
  if (target.queue !== undefined) return canAt(access, target.conn, target.queue, role);
  const held = highestRoleOn(access, target.conn);
  return held !== null && hasRole(held, role);
}

const TTL_MS = 60 * 60 * 1000;

export type ProgressReporter = (p: { done: number; total: number; phase: string; finished?: boolean }) => Promise<void>;

/** Saves progress under `operationId`, with what it acts on (`target`: who may follow it). */
export function progressReporter(operationId: string | undefined, target?: OperationTarget): ProgressReporter {
  if (!operationId) return async () => {};
  return async ({ done, total, phase, finished = false }) => {
    await progressStore().save(operationId, { done, total, phase, finished, updatedAt: Date.now(), ...(target ? { target } : {}) }, TTL_MS);
  };
}

export function getOperationProgress(operationId: string): Promise<OperationProgress | null> {
  return progressStore().read(operationId);
}

/**
 * The progress of an operation, or 404 when it never started or finished over an hour ago — and, with
 * `actor`, the same 404 when it acts on a queue outside the actor's scope or where they are not operator.
 */
export async function readOperationProgress(operationId: string, actor?: Principal): Promise<OperationProgress> {
  const progress = await getOperationProgress(operationId);
  const message = `No operation ${operationId} (not started yet, or finished over an hour ago)`;
  if (!progress) throw new NotFoundError(message);
  if (actor && !mayFollowOperation(actor, progress.target, 'operator')) throw new OutOfScopeError(message);
  const { target: _target, ...shown } = progress;
  return shown;
}
