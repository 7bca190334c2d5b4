// One job's move from state to state, for the single-job verbs and the bulk verb alike: a payload-free
// handle (a 30 MB job is retried as cheaply as a small one), the state rule (lib/jobs/transitions.ts)
// checked before the move, the BullMQ call, and its errors mapped to precise domain errors.
import 'server-only';
import { Job } from 'bullmq';
import type { Connection } from '@/lib/redis/connections';
import { ConflictError, DroverError, ForbiddenError } from '@/lib/errors';
import { UNPROCESSED_RULE } from './unprocessed-work';
import { accessOf, type Principal } from '@/lib/auth/principal';
import { hasRole } from '@/lib/auth/roles';
import { isUnscoped, wholeConnectionRole } from '@/lib/auth/scope';
import { failJobRefusal, jobGone, mapJobError } from './job-errors';
import { TRANSITIONS, transitionRefusal, type JobAction } from './transitions';

export type JobHandle = { id: string; job: Job; name: string; state: string };

/** One job's state now ('missing' when it is gone). */
export async function jobStateOf(conn: Connection, queue: string, id: string): Promise<string> {
  const [state] = await conn.store.jobStates(queue, [id]);
  return state;
}

/** The job's name, options and state in one round trip; 404 when it is gone. */
export async function loadJobHandle(conn: Connection, queue: string, id: string): Promise<JobHandle> {
  const [handle] = await loadJobHandles(conn, queue, [id]);
  if (!handle) throw jobGone(queue, id);
  return handle;
}

/** Handles of many jobs in one round trip (null for a job that is gone). */
export async function loadJobHandles(conn: Connection, queue: string, ids: string[]): Promise<Array<JobHandle | null>> {
  const fields = await conn.store.jobHandles(queue, ids);
  return ids.map((id, i) => {
    const f = fields[i];
    if (!f) return null;
    const job = new Job(conn.queue(queue), f.name, {}, Job.optsFromJSON(f.opts), id);
    return { id, job, name: f.name, state: f.state };
  });
}

/** Throws 409 when the action does not apply to the job's state (retry, promote). */
export function assertTransition(action: JobAction, handle: JobHandle): void {
  if (action === 'remove' || action === 'fail') return; // BullMQ and the fail script say why themselves
  const refusal = transitionRefusal(action, handle.state, handle.id);
  if (refusal) throw new ConflictError(refusal);
}

export type TransitionResult = { state?: string; removed?: boolean };

export type TransitionOptions = {
  /** the failed reason of "fail permanently" (which here only takes jobs that are not running: a running job is failed through its worker, see lib/jobs/fail-job.ts) */
  reason?: string;
  /** admins may remove a flow parent with the children that have not run yet (BullMQ removes them with it) */
  mayRemoveUnprocessed?: boolean;
  /**
   * false: the caller has grants that do not cover every queue of the connection (README › Team
   * scopes), so it may not remove a flow parent — BullMQ removes the children with it, in any queue.
   */
  mayRemoveFlowParent?: boolean;
};

/** Whether `actor` may remove flow parents on connection `conn`: without grants, or operator on all of its queues. */
export function mayRemoveFlowParentOn(actor: Principal, conn: string): boolean {
  const access = accessOf(actor);
  if (isUnscoped(access)) return true;
  const role = wholeConnectionRole(access, conn);
  return role !== null && hasRole(role, 'operator');
}

/** Moves one job. */
export async function applyTransition(conn: Connection, queue: string, handle: JobHandle, action: JobAction, opts: TransitionOptions = {}): Promise<TransitionResult> {
  assertTransition(action, handle);
  const where = { queue, id: handle.id, state: handle.state };
  try {
    switch (action) {
      case 'retry':
        await handle.job.retry(handle.state as 'failed' | 'completed');
        return { state: 'waiting' };
      case 'promote':
        await handle.job.promote();
        return { state: 'waiting' };
      case 'remove': {
        if (opts.mayRemoveFlowParent === false && (await conn.store.search.children(queue, handle.id, 1)).length > 0) {
          throw new ForbiddenError(`Job ${handle.id} is a flow parent: removing it removes its child jobs too, in whatever queue they are, so with grants it needs the operator role on every queue of connection "${conn.name}" (README › Team scopes)`);
        }
        if (!opts.mayRemoveUnprocessed) {
          // BullMQ removes a flow parent with its children, recursively and across queues.
          const pending = await conn.store.pendingChildren(queue, handle.id);
          if (pending > 0) throw new ForbiddenError(`Job ${handle.id} has ${pending} child job${pending === 1 ? '' : 's'} that have not run, which would be removed with it: ${UNPROCESSED_RULE}`);
        }
        if (await conn.queue(queue).remove(handle.id)) return { removed: true };
        if ((await jobStateOf(conn, queue, handle.id)) === 'missing') throw jobGone(queue, handle.id);
        throw new ConflictError(`Job ${handle.id} (or one of its children) is locked by a worker: cancel it or wait for it to finish`);
      }
      case 'fail': {
        // A finished job has nothing to fail: said before asking the store (which may not fail jobs at all).
        if (handle.state === 'completed' || handle.state === 'failed') throw failJobRefusal(-3, where);
        const code = await conn.store.actions.failUnstartedJob(queue, handle.id, opts.reason ?? '');
        // 2: failed and removed, as the job's removeOnFail asks.
        if (code === 1) return { state: 'failed' };
        if (code === 2) return { removed: true };
        throw failJobRefusal(code, where);
      }
    }
  } catch (err) {
    if (err instanceof DroverError) throw err;
    // Moved meanwhile (e.g. retried by someone else): say where it is now, not where it was.
    const now = (err as { code?: unknown })?.code === -3 ? await jobStateOf(conn, queue, handle.id).catch(() => handle.state) : handle.state;
    throw mapJobError(err, { ...where, state: now, expected: TRANSITIONS[action].from.join(' or ') }, conn.name);
  }
}
