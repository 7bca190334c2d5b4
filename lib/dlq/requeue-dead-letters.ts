// Requeue: dead letters back to their origin queues as fresh jobs (attempts reset), one, a selection or
// every match of a filter, in batches. Per batch: claim the envelopes (so two operators never requeue
// the same one twice), add the new jobs, and only then remove the envelopes whose job now exists.
// A crash between "added" and "removed" leaves the envelope (claimed for a minute): it can be requeued
// again, so a dead letter is never lost, at worst requeued twice.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { getConnection } from '@/lib/redis/connections';
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, OutOfScopeError } from '@/lib/errors';
import { accessOf } from '@/lib/auth/principal';
import { requestedDeadLetters, sortByOrigin } from './origin-scope';
import { parseJsonInput, validateAgainstRegistry } from '@/lib/jobs/job-data';
import { progressReporter } from '@/lib/progress/bulk-progress';
import { parseEnvelope, requeueOptions } from './envelope';
import { DLQ_BULK_LIMIT, type RequeueInput } from './schemas';
import { deadLetterOperations as ops } from '@/lib/operations/dead-letters';

const BATCH = 500;
/** A claim older than this (its console died mid-requeue) may be taken over. */
const CLAIM_TTL_MS = 60_000;


export type RequeuedJob = { deadLetter: string; queue: string; jobId: string };

export type RequeueResult = {
  requested: number;
  requeued: number;
  failed: number;
  errors: Array<{ id: string; message: string }>;
  /** the first 100 new jobs */
  jobs: RequeuedJob[];
  /** more dead letters matched than one call handles */
  more: boolean;
  message: string;
};

type Prepared = { id: string; queue: string; name: string; data: unknown; opts: Record<string, unknown> };

export async function requeueDeadLetters(ctx: AuditContext, connName: string, input: RequeueInput): Promise<RequeueResult> {
  const report = progressReporter(input.operationId);
  const byIds = 'ids' in input;
  const params = byIds ? { editedData: input.data !== undefined } : { filter: input.filter };
  let dlq: string | undefined;
  try {
    dlq = getConnection(connName).config.deadLetterQueue;
  } catch {
    dlq = undefined;
  }
  return audited(ctx, ops.requeueDeadLetters, { connection: connName, queue: dlq, jobIds: byIds ? input.ids : undefined, params, deadLetterQueueAllowed: true }, async (conn) => {
    const store = conn.store.deadLetters;
    const edited = byIds && input.data !== undefined ? parseJsonInput(input.data, 'data') : undefined;
    // Team scopes: only dead letters of origin queues where the caller is operator. By filter, the walk
    // matches only those; by id, the others are skipped (one it may not see, exactly as a vanished one).
    const access = accessOf(ctx.actor);
    const { requested, more } = await requestedDeadLetters(store, conn.name, access, 'operator', input, DLQ_BULK_LIMIT);
    const total = requested.length;
    const { allowed: ids, hidden, refused } = byIds ? await sortByOrigin(store, conn.name, access, 'operator', requested) : { allowed: requested, hidden: [], refused: [] };
    const token = randomUUID();
    const result: RequeueResult = { requested: total, requeued: 0, failed: 0, errors: [], jobs: [], more, message: '' };
    type FailKind = 'not_found' | 'out_of_scope' | 'conflict' | 'forbidden';
    const last: { kind: FailKind } = { kind: 'conflict' };
    const fail = (id: string, message: string, kind: FailKind = 'conflict') => {
      result.failed++;
      last.kind = kind;
      if (result.errors.length < 50) result.errors.push({ id, message });
    };
    for (const id of hidden) fail(id, `Dead letter ${id} not found (requeued or purged meanwhile)`, 'out_of_scope');
    for (const { id, queue } of refused) fail(id, `Dead letter ${id} was not requeued: requeueing needs the operator role on its queue "${queue}"`, 'forbidden');
    await report({ done: 0, total, phase: 'requeue' });
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      const claimed = new Set(await store.claim(batch, token, Date.now(), CLAIM_TTL_MS));
      const unclaimed = batch.filter((id) => !claimed.has(id));
      const exists = await store.exists(unclaimed);
      unclaimed.forEach((id, k) => {
        if (exists[k]) fail(id, `Dead letter ${id} is being requeued by someone else right now`);
        else fail(id, `Dead letter ${id} not found (requeued or purged meanwhile)`, 'not_found');
      });
      for await (const round of store.envelopes(batch.filter((id) => claimed.has(id)))) {
        // Claims renewed right before this round's adds: a batch of large envelopes on a slow store may
        // outlast CLAIM_TTL_MS, and an expired claim another console took over must not be added twice.
        const held = new Set(await store.claim(round.map((r) => r.id), token, Date.now(), CLAIM_TTL_MS));
        const prepared: Prepared[] = [];
        for (const { id, text } of round) {
          if (!held.has(id)) {
            if (text === null) fail(id, `Dead letter ${id} not found (requeued or purged meanwhile)`, 'not_found');
            else fail(id, `Dead letter ${id} is being requeued by someone else right now`);
            continue;
          }
          try {
            if (text === null) throw new Error('its envelope is gone');
            const envelope = parseEnvelope(text);
            const data = edited !== undefined ? edited : envelope.data;
            if (edited !== undefined) validateAgainstRegistry(envelope.queue, envelope.name, data);
            prepared.push({ id, queue: envelope.queue, name: envelope.name, data, opts: requeueOptions(envelope.opts) });
          } catch (err) {
            // An invalid edit is the caller's mistake: say it as such (one id only, so nothing else runs).
            if (err instanceof InvalidError) {
              await store.release([id], token);
              throw err;
            }
            fail(id, `Dead letter ${id} could not be read: ${(err as Error).message}`);
          }
        }
        // The new jobs first (concurrent adds are pipelined on the connection)…
        const added = await Promise.allSettled(prepared.map((p) => conn.queue(p.queue).add(p.name, p.data, p.opts)));
        const done: string[] = [];
        const release: string[] = [];
        added.forEach((outcome, k) => {
          const p = prepared[k];
          if (outcome.status === 'fulfilled' && outcome.value.id) {
            done.push(p.id);
            if (result.jobs.length < 100) result.jobs.push({ deadLetter: p.id, queue: p.queue, jobId: outcome.value.id });
          } else {
            release.push(p.id);
            fail(p.id, `Dead letter ${p.id} was not requeued: ${outcome.status === 'rejected' ? (outcome.reason as Error).message : 'no job id'}`);
          }
        });
        await store.release(release, token);
        // …then the dead letters whose job now exists (one purged meanwhile is simply gone already).
        await store.remove(done, 'requeued', token);
        result.requeued += done.length;
      }
      await report({ done: Math.min(total, total - ids.length + i + BATCH), total, phase: 'requeue' });
    }
    await report({ done: total, total, phase: 'done', finished: true });
    const single = result.jobs.length === 1 && total === 1 ? result.jobs[0] : null;
    result.message = single
      ? `Requeued dead letter ${single.deadLetter} as job ${single.jobId} in ${single.queue}`
      : `${result.requeued.toLocaleString('en')} of ${total.toLocaleString('en')} dead letter${total === 1 ? '' : 's'} requeued${result.failed ? `; ${result.failed} skipped (see errors)` : ''}${more ? `; more match the filter: requeue again for the next ${DLQ_BULK_LIMIT.toLocaleString('en')}` : ''}`;
    // One dead letter asked for by id: its failure is the answer (404 / 409), not a "0 of 1" success.
    if (byIds && total === 1 && result.failed === 1) {
      const message = result.errors[0].message;
      // Out of scope: the same answer as a vanished one (audited as a denial).
      if (last.kind === 'out_of_scope') throw new OutOfScopeError(message);
      throw last.kind === 'not_found' ? new NotFoundError(message) : last.kind === 'forbidden' ? new ForbiddenError(message) : new ConflictError(message);
    }
    return {
      result,
      count: result.requeued,
      details: { requested: total, failed: result.failed, newJobs: result.jobs.map((j) => `${j.queue}/${j.jobId}`) },
    };
  });
}
