// Operator actions on one job. Each: role check, read-only check, the change, an audit entry.
import 'server-only';
import { z } from 'zod';
import { audited, type AuditContext } from '@/lib/audit/audited';
import type { Connection } from '@/lib/redis/connections';
import { ConflictError } from '@/lib/errors';
import { jobParamsSchema } from '@/lib/queues/params';
import { requestJobCancel } from '@/lib/cancellation';
import { getJobField } from '@/lib/jobs/get-job-field';
import { loadJobRef } from './job-ref';
import { writableConnection } from './writable-connection';
import { failJobRefusal, jobGone, mapJobError } from './job-errors';
import { parseJsonInput, validateAgainstRegistry } from './job-data';
import { copyableJobOptions } from '@/lib/jobs/copy-options';

export const jobTargetSchema = jobParamsSchema;
export type JobTarget = z.infer<typeof jobTargetSchema>;

type Ctx = AuditContext;

function writable(ctx: Ctx, t: JobTarget): Connection {
  return writableConnection(ctx, t.conn, { notDeadLetterQueue: t.queue });
}

function meta(action: string, t: JobTarget, params?: Record<string, unknown>) {
  return { action, connection: t.conn, queue: t.queue, jobIds: [t.id], params };
}

export type ActionOutcome = { message: string; jobId?: string; state?: string };

/** Retry a failed or completed job: back to waiting, keeping its attempts count. */
export async function retryJob(ctx: Ctx, t: JobTarget): Promise<ActionOutcome> {
  return audited(ctx, meta('job.retry', t), async () => {
    const conn = writable(ctx, t);
    const { job, state } = await loadJobRef(conn, t.queue, t.id);
    if (state !== 'failed' && state !== 'completed') {
      throw new ConflictError(`Job ${t.id} is ${state}: only failed or completed jobs can be retried`);
    }
    try {
      await job.retry(state);
    } catch (err) {
      // Moved meanwhile (e.g. retried by someone else): say where it is now, not where it was.
      const now = (err as { code?: unknown })?.code === -3 ? await conn.redis.droverJobState(conn.queuePrefix(t.queue), t.id).catch(() => state) : state;
      throw mapJobError(err, { ...t, state: now, expected: 'failed or completed' }, t.conn);
    }
    return { result: { message: `Job ${t.id} moved from ${state} back to waiting`, state: 'waiting' } };
  });
}

export async function removeJob(ctx: Ctx, t: JobTarget): Promise<ActionOutcome> {
  return audited(ctx, meta('job.remove', t), async () => {
    const conn = writable(ctx, t);
    const { state } = await loadJobRef(conn, t.queue, t.id);
    let removed: number;
    try {
      removed = await conn.queue(t.queue).remove(t.id);
    } catch (err) {
      throw mapJobError(err, { ...t, state }, t.conn);
    }
    if (!removed) {
      const still = await conn.redis.exists(conn.key(t.queue, t.id));
      if (!still) throw jobGone(t.queue, t.id);
      throw new ConflictError(`Job ${t.id} (or one of its children) is locked by a worker: cancel it or wait for it to finish`);
    }
    return { result: { message: `Job ${t.id} removed (was ${state})` } };
  });
}

export async function promoteJob(ctx: Ctx, t: JobTarget): Promise<ActionOutcome> {
  return audited(ctx, meta('job.promote', t), async () => {
    const conn = writable(ctx, t);
    const { job, state } = await loadJobRef(conn, t.queue, t.id);
    if (state !== 'delayed') throw new ConflictError(`Job ${t.id} is ${state}: only delayed jobs can be promoted`);
    try {
      await job.promote();
    } catch (err) {
      throw mapJobError(err, { ...t, state, expected: 'delayed' }, t.conn);
    }
    return { result: { message: `Job ${t.id} promoted: it runs as soon as a worker is free`, state: 'waiting' } };
  });
}

export const updateJobInputSchema = z
  .object({
    data: z.unknown().optional(),
    priority: z.number().int().min(0, 'priority must be ≥ 0').max(2_097_152, 'priority must be ≤ 2,097,152').optional(),
    delay: z.number().int().min(0, 'delay must be ≥ 0 ms').max(365 * 24 * 3600 * 1000, 'delay must be under a year').optional(),
  })
  .strict()
  .refine((v) => v.data !== undefined || v.priority !== undefined || v.delay !== undefined, 'give data, priority or delay');
export type UpdateJobInput = z.infer<typeof updateJobInputSchema>;

/** Change data (validated JSON, against the registry schema when the queue has one), priority or delay. */
export async function updateJob(ctx: Ctx, t: JobTarget, input: UpdateJobInput): Promise<ActionOutcome> {
  const changes = [input.data !== undefined && 'data', input.priority !== undefined && 'priority', input.delay !== undefined && 'delay'].filter(Boolean);
  return audited(ctx, meta('job.update', t, { changes, priority: input.priority, delay: input.delay }), async () => {
    const conn = writable(ctx, t);
    const data = input.data === undefined ? undefined : parseJsonInput(input.data, 'data');
    const { job, name, state } = await loadJobRef(conn, t.queue, t.id);
    try {
      if (data !== undefined) {
        validateAgainstRegistry(t.queue, name, data);
        await job.updateData(data);
      }
      if (input.priority !== undefined) {
        if (!['waiting', 'prioritized', 'delayed'].includes(state)) {
          throw new ConflictError(`Job ${t.id} is ${state}: priority can only change while it waits`);
        }
        await job.changePriority({ priority: input.priority });
      }
      if (input.delay !== undefined) {
        if (state !== 'delayed') throw new ConflictError(`Job ${t.id} is ${state}: only a delayed job's delay can change`);
        await job.changeDelay(input.delay);
      }
    } catch (err) {
      throw mapJobError(err, { ...t, state }, t.conn);
    }
    return { result: { message: `Job ${t.id}: ${changes.join(', ')} updated` } };
  });
}

/** A new job with the same name, data and options (minus id, scheduler and deduplication). */
export async function duplicateJob(ctx: Ctx, t: JobTarget): Promise<ActionOutcome> {
  return audited(ctx, meta('job.duplicate', t), async () => {
    const conn = writable(ctx, t);
    const { job, name } = await loadJobRef(conn, t.queue, t.id);
    const data = await getJobField(conn, t.queue, t.id, 'data', -1);
    const opts = copyableJobOptions(job.opts as Record<string, unknown>, { keepDelay: true });
    const copy = await conn.queue(t.queue).add(name, data.text ? JSON.parse(data.text) : {}, opts);
    return { result: { message: `Duplicated job ${t.id} as job ${copy.id}`, jobId: copy.id }, details: { newJobId: copy.id } };
  });
}

export const cancelInputSchema = z.object({ reason: z.string().trim().max(500).optional() }).strict();

/** Cancel an active job through the workers' cancellation channel; says plainly when no worker listens. */
export async function cancelJob(ctx: Ctx, t: JobTarget, input: z.infer<typeof cancelInputSchema> = {}): Promise<ActionOutcome & { delivered: boolean }> {
  return audited(ctx, meta('job.cancel', t, { reason: input.reason }), async () => {
    const conn = writable(ctx, t);
    const { state } = await loadJobRef(conn, t.queue, t.id);
    if (state !== 'active') throw new ConflictError(`Job ${t.id} is ${state}, not active: only running jobs can be cancelled`);
    const result = await requestJobCancel({ redis: conn.redis, prefix: conn.prefix, queue: t.queue, jobId: t.id, requestedBy: ctx.actor.name, reason: input.reason });
    if (!result.delivered) throw new ConflictError(result.message);
    return { result: { message: result.message, delivered: true }, details: { worker: result.cancelledBy } };
  });
}

/**
 * Fail permanently (BullMQ 6 has no job.discard()): a running job is aborted through the workers
 * with no retry; a waiting, delayed or prioritized job moves straight to failed (or is removed, when
 * its removeOnFail says so). Flow children are refused: see lib/redis/lua/fail-job.ts.
 */
export async function failJob(ctx: Ctx, t: JobTarget, input: z.infer<typeof cancelInputSchema> = {}): Promise<ActionOutcome> {
  return audited<ActionOutcome>(ctx, meta('job.fail', t, { reason: input.reason }), async () => {
    const conn = writable(ctx, t);
    const { state } = await loadJobRef(conn, t.queue, t.id);
    if (state === 'active') {
      const result = await requestJobCancel({
        redis: conn.redis, prefix: conn.prefix, queue: t.queue, jobId: t.id, requestedBy: ctx.actor.name, reason: input.reason, mode: 'fail',
      });
      if (!result.delivered) throw new ConflictError(result.message);
      return { result: { message: result.message } };
    }
    const reason = `failed permanently by ${ctx.actor.name}${input.reason ? `: ${input.reason}` : ''}`;
    const code = await conn.redis.droverFailJob(conn.queuePrefix(t.queue), t.id, reason, Date.now(), 10_000);
    if (code === 2) return { result: { message: `Job ${t.id} failed permanently and removed, as its removeOnFail option asks: ${reason}` } };
    if (code !== 1) throw failJobRefusal(code, { ...t, state });
    return { result: { message: `Job ${t.id} moved from ${state} to failed: ${reason}`, state: 'failed' } };
  });
}

