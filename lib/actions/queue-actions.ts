// Queue-level actions: pause/resume (one queue or all of a connection), limits, clean, drain
// (bounded batches, not BullMQ's one-script drain) and obliterate.
import 'server-only';
import { z } from 'zod';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { ConflictError, InvalidError } from '@/lib/errors';
import { queueParamsSchema } from '@/lib/queues/params';
import { discoverQueues } from '@/lib/queues/discover-queues';
import { progressReporter, operationIdSchema } from '@/lib/operations/progress';
import { writableConnection } from './writable-connection';
import { cleanState, type CleanableState } from './clean-state';
import { assertMayRemoveUnprocessedInBulk, isUnprocessedState } from './unprocessed-work';

type Target = z.infer<typeof queueParamsSchema>;
type Ctx = AuditContext;

export async function pauseQueue(ctx: Ctx, t: Target): Promise<{ message: string }> {
  return audited(ctx, { action: 'queue.pause', connection: t.conn, queue: t.queue }, async () => {
    const conn = writableConnection(ctx, t.conn);
    await conn.queue(t.queue).pause();
    return { result: { message: `Queue ${t.queue} paused: workers take no new jobs (running ones finish)` } };
  });
}

export async function resumeQueue(ctx: Ctx, t: Target): Promise<{ message: string }> {
  return audited(ctx, { action: 'queue.resume', connection: t.conn, queue: t.queue }, async () => {
    const conn = writableConnection(ctx, t.conn);
    await conn.queue(t.queue).resume();
    return { result: { message: `Queue ${t.queue} resumed` } };
  });
}

/** Pause or resume every discovered queue of a connection. */
export async function setConnectionPaused(ctx: Ctx, connName: string, paused: boolean): Promise<{ message: string; queues: number }> {
  return audited(ctx, { action: paused ? 'connection.pause-all' : 'connection.resume-all', connection: connName }, async () => {
    const conn = writableConnection(ctx, connName);
    const { queues } = await discoverQueues(conn, { refresh: true });
    const dlq = conn.config.deadLetterQueue;
    const targets = queues.filter((q) => q !== dlq);
    await Promise.all(targets.map((q) => (paused ? conn.queue(q).pause() : conn.queue(q).resume())));
    return { result: { message: `${paused ? 'Paused' : 'Resumed'} ${targets.length} queue${targets.length === 1 ? '' : 's'} on ${connName}`, queues: targets.length }, count: targets.length };
  });
}

export const limitsInputSchema = z
  .object({
    /** null removes the global concurrency */
    concurrency: z.number().int().min(1, 'concurrency must be ≥ 1').max(100_000).nullable(),
    /** null removes the global rate limit */
    rateLimit: z.object({ max: z.number().int().min(1, 'max must be ≥ 1'), duration: z.number().int().min(1, 'duration must be ≥ 1 ms') }).strict().nullable(),
  })
  .strict();

export async function setQueueLimits(ctx: Ctx, t: Target, input: z.infer<typeof limitsInputSchema>): Promise<{ message: string }> {
  return audited(ctx, { action: 'queue.limits', connection: t.conn, queue: t.queue, params: input }, async () => {
    const conn = writableConnection(ctx, t.conn);
    const q = conn.queue(t.queue);
    if (input.concurrency === null) await q.removeGlobalConcurrency();
    else await q.setGlobalConcurrency(input.concurrency);
    if (input.rateLimit === null) await q.removeGlobalRateLimit();
    else await q.setGlobalRateLimit(input.rateLimit.max, input.rateLimit.duration);
    const parts = [
      input.concurrency === null ? 'no global concurrency' : `global concurrency ${input.concurrency}`,
      input.rateLimit === null ? 'no rate limit' : `at most ${input.rateLimit.max} jobs per ${input.rateLimit.duration} ms`,
    ];
    return { result: { message: `${t.queue}: ${parts.join(', ')}` } };
  });
}

export const cleanInputSchema = z
  .object({
    state: z.enum(['completed', 'failed', 'delayed', 'waiting', 'prioritized']),
    /** Remove jobs older than this (finished time for completed/failed, creation for the rest). */
    olderThanMs: z.number().int().min(0, 'olderThanMs must be ≥ 0'),
    operationId: operationIdSchema.optional(),
  })
  .strict();

/** Remove a state's jobs older than an age, in bounded batches. */
export async function cleanQueue(ctx: Ctx, t: Target, input: z.infer<typeof cleanInputSchema>): Promise<{ message: string; removed: number }> {
  const report = progressReporter(input.operationId);
  return audited(ctx, { action: 'queue.clean', connection: t.conn, queue: t.queue, params: { state: input.state, olderThanMs: input.olderThanMs } }, async () => {
    const conn = writableConnection(ctx, t.conn, { notDeadLetterQueue: t.queue });
    if (isUnprocessedState(input.state)) assertMayRemoveUnprocessedInBulk(ctx.actor, `Cleaning ${input.state} jobs`);
    const type = input.state === 'waiting' ? 'wait' : input.state;
    const key = conn.key(t.queue, type);
    const total = type === 'wait' ? await conn.redis.llen(key) : await conn.redis.zcard(key);
    const removed = await cleanState(conn, t.queue, type, Date.now() - input.olderThanMs, (done) => report({ done, total, phase: `clean ${input.state}` }));
    await report({ done: removed, total, phase: 'done', finished: true });
    return { result: { message: `Removed ${removed.toLocaleString('en')} ${input.state} job${removed === 1 ? '' : 's'} from ${t.queue}`, removed }, count: removed };
  });
}

export const drainInputSchema = z.object({ includeDelayed: z.boolean().default(false), operationId: operationIdSchema.optional() }).strict();

/**
 * Remove every waiting (and prioritized, optionally delayed) job in batches of 1,000: BullMQ's drain()
 * is one unbatched script that blocks Redis about a second per 100k jobs.
 */
export async function drainQueue(ctx: Ctx, t: Target, input: z.infer<typeof drainInputSchema>): Promise<{ message: string; removed: number }> {
  const report = progressReporter(input.operationId);
  return audited(ctx, { action: 'queue.drain', connection: t.conn, queue: t.queue, params: { includeDelayed: input.includeDelayed } }, async () => {
    const conn = writableConnection(ctx, t.conn, { role: 'admin', notDeadLetterQueue: t.queue });
    const types: CleanableState[] = ['wait', 'prioritized', ...(input.includeDelayed ? (['delayed'] as const) : [])];
    const counts = await Promise.all(types.map((type) => (type === 'wait' ? conn.redis.llen(conn.key(t.queue, type)) : conn.redis.zcard(conn.key(t.queue, type)))));
    const total = counts.reduce((a, b) => a + b, 0);
    // Jobs added after the drain started are kept (the cut-off is the start time).
    const cutoff = Date.now() + 1;
    let removed = 0;
    for (const type of types) {
      const before = removed;
      removed += await cleanState(conn, t.queue, type, type === 'delayed' ? Number.MAX_SAFE_INTEGER : cutoff, (done) => report({ done: before + done, total, phase: `drain ${type}` }));
    }
    await report({ done: removed, total, phase: 'done', finished: true });
    return { result: { message: `Drained ${t.queue}: removed ${removed.toLocaleString('en')} waiting job${removed === 1 ? '' : 's'}`, removed }, count: removed };
  });
}

export const obliterateInputSchema = z.object({ confirm: z.string(), force: z.boolean().default(false) }).strict();

/** Delete the queue and all its jobs; the caller must type the queue name; active jobs block it unless forced. */
export async function obliterateQueue(ctx: Ctx, t: Target, input: z.infer<typeof obliterateInputSchema>): Promise<{ message: string }> {
  return audited(ctx, { action: 'queue.obliterate', connection: t.conn, queue: t.queue, params: { force: input.force } }, async () => {
    const conn = writableConnection(ctx, t.conn, { role: 'admin', notDeadLetterQueue: t.queue });
    if (input.confirm !== t.queue) throw new InvalidError(`Type the queue name "${t.queue}" exactly to confirm`, { confirm: ['does not match the queue name'] });
    const active = await conn.redis.llen(conn.key(t.queue, 'active'));
    if (active > 0 && !input.force) {
      throw new ConflictError(`Queue ${t.queue} has ${active} active job${active === 1 ? '' : 's'}: wait for them, cancel them, or force the obliteration`);
    }
    try {
      await conn.queue(t.queue).obliterate({ force: input.force, count: 1000 });
    } catch (err) {
      if (/active jobs/i.test((err as Error).message)) throw new ConflictError(`Queue ${t.queue} got active jobs meanwhile: try again or force it`);
      throw err;
    }
    return { result: { message: `Queue ${t.queue} obliterated` } };
  });
}
