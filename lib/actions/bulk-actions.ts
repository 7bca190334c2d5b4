// Bulk actions: on a list of ids (selection, search result, error group) or on a whole state.
// Whole states use BullMQ's Lua-backed batch calls (1,000 jobs per call, progress after each; removal
// through lib/actions/clean-state.ts);
// id lists are sent in concurrent chunks (pipelined on one connection), never one round trip per job.
import 'server-only';
import { z } from 'zod';
import { Job } from 'bullmq';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { Connection } from '@/lib/redis/connections';
import { DroverError, ForbiddenError, InvalidError } from '@/lib/errors';
import { hasRole } from '@/lib/auth/roles';
import { jobIdSchema, queueParamsSchema } from '@/lib/queues/params';
import { progressReporter, operationIdSchema, type ProgressReporter } from '@/lib/operations/progress';
import { failJobRefusal, mapJobError } from './job-errors';
import { cleanState } from './clean-state';
import { writableConnection } from './writable-connection';
import { UNPROCESSED_RULE, assertMayRemoveUnprocessedInBulk, isUnprocessedState } from './unprocessed-work';
import type { Principal } from '@/lib/auth/principal';
import { sendToDeadLetter } from '@/lib/dlq/send-to-dead-letter';

export const BULK_ID_LIMIT = 100_000;
const BATCH = 1000;

export const bulkActionNames = ['retry', 'remove', 'promote', 'fail'] as const;

const STATES_BY_ACTION = {
  retry: ['failed', 'completed'],
  promote: ['delayed'],
  remove: ['waiting', 'delayed', 'prioritized', 'completed', 'failed'],
} as const;

/** Why a whole-state action does not apply to a state, or null when it does. */
export function stateActionMismatch(action: keyof typeof STATES_BY_ACTION, state: string): string | null {
  const states: readonly string[] = STATES_BY_ACTION[action];
  return states.includes(state) ? null : `${action} applies to the ${states.join(' or ')} state${states.length === 1 ? '' : 's'}, not ${state}`;
}

export const bulkInputSchema = z.union([
  z
    .object({
      action: z.enum(bulkActionNames),
      ids: z.array(jobIdSchema).min(1, 'ids must not be empty').max(BULK_ID_LIMIT, `at most ${BULK_ID_LIMIT} ids per call`),
      operationId: operationIdSchema.optional(),
    })
    .strict(),
  z
    .object({
      action: z.enum(['retry', 'remove', 'promote']),
      state: z.enum(['waiting', 'delayed', 'prioritized', 'completed', 'failed']),
      /** Only jobs finished (or created, for waiting states) more than this long ago. */
      olderThanMs: z.number().int().min(0).optional(),
      operationId: operationIdSchema.optional(),
    })
    .strict()
    // Refused here, before any progress write or count: the API answers 400.
    .superRefine((v, ctx) => {
      const mismatch = stateActionMismatch(v.action, v.state);
      if (mismatch) ctx.addIssue({ code: 'custom', path: ['state'], message: mismatch });
    }),
  // Failed jobs into the connection's dead-letter queue (lib/dlq), for queues run by workers Drover does
  // not run; removeOrigin also removes each job from failed once its envelope exists.
  z
    .object({
      action: z.literal('dead-letter'),
      ids: z.array(jobIdSchema).min(1, 'ids must not be empty').max(BULK_ID_LIMIT, `at most ${BULK_ID_LIMIT} ids per call`),
      removeOrigin: z.boolean().optional(),
      operationId: operationIdSchema.optional(),
    })
    .strict(),
  z
    .object({
      action: z.literal('dead-letter'),
      state: z.literal('failed'),
      olderThanMs: z.number().int().min(0).optional(),
      removeOrigin: z.boolean().optional(),
      operationId: operationIdSchema.optional(),
    })
    .strict(),
]);
export type BulkInput = z.infer<typeof bulkInputSchema>;
type JobBulkInput = Exclude<BulkInput, { action: 'dead-letter' }>;

export type BulkResult = { action: string; requested: number; succeeded: number; failed: number; errors: Array<{ id: string; message: string }>; message: string };

async function countOf(conn: Connection, queue: string, key: string, kind: 'list' | 'zset'): Promise<number> {
  return kind === 'list' ? conn.redis.llen(conn.key(queue, key)) : conn.redis.zcard(conn.key(queue, key));
}

const STATE_KEY = { waiting: ['wait', 'list'], delayed: ['delayed', 'zset'], prioritized: ['prioritized', 'zset'], completed: ['completed', 'zset'], failed: ['failed', 'zset'] } as const;

/** Whole-state actions in bounded batches with progress. */
async function stateAction(conn: Connection, queue: string, input: Extract<JobBulkInput, { state: string }>, report: ProgressReporter): Promise<BulkResult> {
  const q = conn.queue(queue);
  const [key, kind] = STATE_KEY[input.state];
  const total = await countOf(conn, queue, key, kind);
  let done = 0;
  await report({ done, total, phase: `${input.action} ${input.state}` });
  if (input.action === 'retry') {
    const state = input.state as 'failed' | 'completed';
    const timestamp = Date.now() - (input.olderThanMs ?? 0);
    let cursor = 0;
    do {
      cursor = await q.backend.retryFinishedJobs(state, BATCH, timestamp);
      done = total - (await countOf(conn, queue, key, kind));
      await report({ done, total, phase: `retry ${input.state}` });
    } while (cursor);
  } else if (input.action === 'promote') {
    let cursor = 0;
    do {
      cursor = await q.backend.promoteJobs(BATCH);
      done = total - (await countOf(conn, queue, key, kind));
      await report({ done, total, phase: 'promote delayed' });
    } while (cursor);
  } else {
    const type = input.state === 'waiting' ? 'wait' : input.state;
    done = await cleanState(conn, queue, type, Date.now() - (input.olderThanMs ?? 0), (removed) => report({ done: removed, total, phase: `remove ${input.state}` }));
  }
  await report({ done, total, phase: 'done', finished: true });
  const verb = { retry: 'retried', promote: 'promoted', remove: 'removed' }[input.action];
  return { action: input.action, requested: total, succeeded: done, failed: 0, errors: [], message: `${done.toLocaleString('en')} ${input.state} job${done === 1 ? '' : 's'} ${verb}` };
}

const CHUNK = 500;

/** Id-list actions: opts of each chunk in one pipeline, then the chunk's calls concurrently. */
async function idsAction(conn: Connection, queue: string, input: Extract<JobBulkInput, { ids: string[] }>, actor: Principal, report: ProgressReporter): Promise<BulkResult> {
  // Checked up front by assertNoUnprocessedIds; a job that went back to waiting since is skipped here.
  const mayRemoveUnprocessed = input.ids.length === 1 || hasRole(actor.role, 'admin');
  const q = conn.queue(queue);
  const total = input.ids.length;
  let succeeded = 0;
  const errors: Array<{ id: string; message: string }> = [];
  for (let i = 0; i < total; i += CHUNK) {
    const ids = input.ids.slice(i, i + CHUNK);
    const pipeline = conn.redis.pipeline();
    for (const id of ids) {
      pipeline.hmget(conn.key(queue, id), 'name', 'opts');
      pipeline.droverJobState(conn.queuePrefix(queue), id);
    }
    const info = (await pipeline.exec()) ?? [];
    const outcomes = await Promise.allSettled(
      ids.map(async (id, j) => {
        const [name, opts] = (info[j * 2]?.[1] as [string | null, string | null]) ?? [null, null];
        const state = String(info[j * 2 + 1]?.[1] ?? 'missing');
        try {
          if (state === 'missing' || name === null) throw Object.assign(new Error('gone'), { code: -1 });
          const job = new Job(q, name, {}, Job.optsFromJSON(opts ?? '{}'), id);
          if (input.action === 'retry') {
            if (state !== 'failed' && state !== 'completed') throw Object.assign(new Error('state'), { code: -3, state });
            await job.retry(state);
          } else if (input.action === 'promote') {
            if (state !== 'delayed') throw Object.assign(new Error('state'), { code: -3, state });
            await job.promote();
          } else if ((input.action === 'remove' || input.action === 'fail') && !mayRemoveUnprocessed && isUnprocessedState(state)) {
            throw new ForbiddenError(`job ${id} is ${state} now: ${UNPROCESSED_RULE}`);
          } else if (input.action === 'remove') {
            if (!(await q.remove(id))) throw Object.assign(new Error('locked'), { code: -2 });
          } else {
            const code = await conn.redis.droverFailJob(conn.queuePrefix(queue), id, `failed permanently by ${actor.name}`, Date.now(), 10_000);
            // 2: failed and removed, as the job's removeOnFail asks.
            if (code !== 1 && code !== 2) throw failJobRefusal(code, { queue, id, state });
          }
        } catch (err) {
          if (err instanceof DroverError) throw err;
          const e = err as { code?: number; state?: string };
          throw mapJobError(err, { queue, id, state: e.state ?? state, expected: input.action === 'retry' ? 'failed or completed' : input.action === 'promote' ? 'delayed' : undefined }, conn.name);
        }
      }),
    );
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

/** Before anything changes: a list of several ids that holds any unprocessed job is refused (403) below admin. */
async function assertNoUnprocessedIds(conn: Connection, queue: string, ids: string[], action: 'remove' | 'fail', actor: Principal): Promise<void> {
  let unprocessed = 0;
  let example = '';
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const pipeline = conn.redis.pipeline();
    for (const id of chunk) pipeline.droverJobState(conn.queuePrefix(queue), id);
    const states = (await pipeline.exec()) ?? [];
    states.forEach(([, state], j) => {
      if (isUnprocessedState(String(state))) {
        unprocessed++;
        example ||= `${chunk[j]} is ${String(state)}`;
      }
    });
  }
  if (unprocessed > 0) {
    assertMayRemoveUnprocessedInBulk(actor, `${action === 'remove' ? 'Removing' : 'Failing'} ${ids.length} jobs of which ${unprocessed} have not run (${example}); nothing was changed`);
  }
}

export async function bulkJobAction(ctx: AuditContext, target: z.infer<typeof queueParamsSchema>, input: BulkInput): Promise<BulkResult> {
  const report = progressReporter(input.operationId);
  const params = 'ids' in input ? { action: input.action } : { action: input.action, state: input.state, olderThanMs: input.olderThanMs };
  return audited(ctx, { action: `jobs.bulk-${input.action}`, connection: target.conn, queue: target.queue, jobIds: 'ids' in input ? input.ids : undefined, params }, async () => {
    const conn = writableConnection(ctx, target.conn, { notDeadLetterQueue: target.queue });
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
