// Bulk job actions: on a list of ids (selection, search result, error group) or on a whole state.
// Whole states use BullMQ's batch calls through the store (1,000 jobs per call, progress after each;
// removal with the store's cleanState, as Clean and Drain); id lists go through the same state rules and
// moves as single jobs (lib/jobs/job-transition.ts), in concurrent chunks.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { Connection } from '@/lib/redis/connections';
import type { Principal } from '@/lib/auth/principal';
import { hasRole } from '@/lib/auth/roles';
import { DroverError, ForbiddenError, InvalidError, NotOnThisStoreError } from '@/lib/errors';
import type { QueueParams } from '@/lib/queues/params';
import { progressReporter, type ProgressReporter } from '@/lib/progress/bulk-progress';
import { sendToDeadLetter } from '@/lib/dlq/send-to-dead-letter';
import { jobOperations as ops } from '@/lib/operations/jobs';
import { jobGone, mapJobError } from './job-errors';
import { applyTransition, loadJobHandles, mayRemoveFlowParentOn } from './job-transition';
import { stateActionMismatch } from './transitions';
import { UNPROCESSED_RULE, assertMayRemoveUnprocessedInBulk, isUnprocessedState } from './unprocessed-work';
import type { BulkInput, BulkResult } from './schemas';

type JobBulkInput = Exclude<BulkInput, { action: 'dead-letter' }>;

/** Whole-state actions in bounded batches with progress. */
async function stateAction(conn: Connection, queue: string, input: Extract<JobBulkInput, { state: string }>, report: ProgressReporter): Promise<BulkResult> {
  const actions = conn.store.actions;
  const type = input.state === 'waiting' ? 'wait' : input.state;
  const total = await actions.stateCount(queue, type);
  await report({ done: 0, total, phase: `${input.action} ${input.state}` });
  const cutoff = Date.now() - (input.olderThanMs ?? 0);
  const onBatch = (phase: string) => (done: number) => report({ done, total, phase });
  const done =
    input.action === 'retry'
      ? await actions.retryFinishedJobs(queue, input.state as 'failed' | 'completed', cutoff, onBatch(`retry ${input.state}`))
      : input.action === 'promote'
        ? await actions.promoteDelayedJobs(queue, onBatch('promote delayed'))
        : await actions.cleanState(queue, type, cutoff, onBatch(`remove ${input.state}`));
  await report({ done, total, phase: 'done', finished: true });
  const verb = { retry: 'retried', promote: 'promoted', remove: 'removed' }[input.action];
  return { action: input.action, requested: total, succeeded: done, failed: 0, errors: [], message: `${done.toLocaleString('en')} ${input.state} job${done === 1 ? '' : 's'} ${verb}` };
}

const CHUNK = 500;

/** Before anything changes: a list of several ids that holds any unprocessed job is refused (403) below admin. */
async function assertNoUnprocessedIds(conn: Connection, queue: string, ids: string[], action: 'remove' | 'fail', actor: Principal): Promise<void> {
  let unprocessed = 0;
  let example = '';
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const states = await conn.store.jobStates(queue, chunk);
    states.forEach((state, j) => {
      if (isUnprocessedState(state)) {
        unprocessed++;
        example ||= `${chunk[j]} is ${state}`;
      }
    });
  }
  if (unprocessed > 0) {
    assertMayRemoveUnprocessedInBulk(actor, `${action === 'remove' ? 'Removing' : 'Failing'} ${ids.length} jobs of which ${unprocessed} have not run (${example}); nothing was changed`);
  }
}

/** Id-list actions: each chunk's handles in one pipeline, then the chunk's moves concurrently. */
async function idsAction(conn: Connection, queue: string, input: Extract<JobBulkInput, { ids: string[] }>, actor: Principal, report: ProgressReporter): Promise<BulkResult> {
  // Checked up front by assertNoUnprocessedIds; a job that went back to waiting since is skipped here.
  const mayRemoveUnprocessed = input.ids.length === 1 || hasRole(actor.role, 'admin');
  const mayRemoveFlowParent = mayRemoveFlowParentOn(actor, conn.name);
  const reason = `failed permanently by ${actor.name}`;
  const total = input.ids.length;
  let succeeded = 0;
  const errors: Array<{ id: string; message: string }> = [];
  for (let i = 0; i < total; i += CHUNK) {
    const ids = input.ids.slice(i, i + CHUNK);
    const handles = await loadJobHandles(conn, queue, ids);
    const outcomes = await Promise.allSettled(
      handles.map(async (handle, j) => {
        if (!handle) throw jobGone(queue, ids[j]);
        if ((input.action === 'remove' || input.action === 'fail') && !mayRemoveUnprocessed && isUnprocessedState(handle.state)) {
          throw new ForbiddenError(`job ${handle.id} is ${handle.state} now: ${UNPROCESSED_RULE}`);
        }
        try {
          await applyTransition(conn, queue, handle, input.action, { reason, mayRemoveUnprocessed: hasRole(actor.role, 'admin'), mayRemoveFlowParent });
        } catch (err) {
          throw err instanceof DroverError ? err : mapJobError(err, { queue, id: handle.id, state: handle.state }, conn.name);
        }
      }),
    );
    // What the store cannot do at all (a 501) is the answer to the whole request, not one per job.
    const unsupported = outcomes.find((o) => o.status === 'rejected' && o.reason instanceof NotOnThisStoreError);
    if (unsupported) throw (unsupported as PromiseRejectedResult).reason;
    outcomes.forEach((o, j) => {
      if (o.status === 'fulfilled') succeeded++;
      else if (errors.length < 50) errors.push({ id: ids[j], message: (o.reason as Error).message });
    });
    await report({ done: Math.min(total, i + CHUNK), total, phase: input.action });
  }
  await report({ done: total, total, phase: 'done', finished: true });
  const failed = total - succeeded;
  const verb = { retry: 'retried', promote: 'promoted', remove: 'removed', fail: 'failed permanently' }[input.action];
  return {
    action: input.action,
    requested: total,
    succeeded,
    failed,
    errors,
    message: `${succeeded.toLocaleString('en')} of ${total.toLocaleString('en')} job${total === 1 ? '' : 's'} ${verb}${failed ? `; ${failed} skipped (see errors)` : ''}`,
  };
}

export async function bulkJobs(ctx: AuditContext, target: QueueParams, input: BulkInput): Promise<BulkResult> {
  const report = progressReporter(input.operationId, { conn: target.conn, queue: target.queue });
  const params = 'ids' in input ? { action: input.action } : { action: input.action, state: input.state, olderThanMs: input.olderThanMs };
  return audited(ctx, ops.bulkJobs, { connection: target.conn, queue: target.queue, jobIds: 'ids' in input ? input.ids : undefined, params }, async (conn) => {
    // The schema refuses these; a direct caller gets the same answer before anything is written.
    if ('state' in input && input.action !== 'dead-letter') {
      const mismatch = stateActionMismatch(input.action, input.state);
      if (mismatch) throw new InvalidError(mismatch, { state: [mismatch] });
    }
    if ((input.action === 'remove' || input.action === 'fail') && !hasRole(ctx.actor.role, 'admin')) {
      if ('state' in input) {
        if (isUnprocessedState(input.state)) assertMayRemoveUnprocessedInBulk(ctx.actor, `Removing all ${input.state} jobs`);
      } else if (input.ids.length > 1) await assertNoUnprocessedIds(conn, target.queue, input.ids, input.action, ctx.actor);
    }
    if (input.action === 'dead-letter') {
      const sent = await sendToDeadLetter(conn, target.queue, input, ctx.actor.name, report);
      const result: BulkResult = { action: input.action, requested: sent.requested, succeeded: sent.captured + sent.duplicates, failed: sent.failed, errors: sent.errors, message: sent.message };
      return { result, count: sent.captured, details: { requested: sent.requested, duplicates: sent.duplicates, failed: sent.failed, deadLetterQueue: conn.config.deadLetterQueue } };
    }
    const result = 'ids' in input ? await idsAction(conn, target.queue, input, ctx.actor, report) : await stateAction(conn, target.queue, input, report);
    return { result, count: result.succeeded, details: { requested: result.requested, failed: result.failed } };
  });
}
