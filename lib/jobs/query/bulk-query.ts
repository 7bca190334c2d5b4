// Bulk actions on everything a query matches, not just a loaded page: the console collects the match set
// (bounded walk, at most BULK_QUERY_MAX_MATCHES ids), then changes it in small batches at a set rate (jobs
// per second, so a retry storm cannot flood what the jobs call), each batch re-checked first (a job that
// changed state, vanished or stopped matching meanwhile is skipped, never acted on twice). It runs in the
// console process after the request answers with the operation id; pause, resume and cancel take effect
// between batches. Audited once, at the end, with the query text and the counts.
import 'server-only';
import { audited, writableTarget, type AuditContext } from '@/lib/audit/audited';
import { assertRole } from '@/lib/auth/assert-role';
import { hasRole } from '@/lib/auth/roles';
import type { Principal } from '@/lib/auth/principal';
import { ConflictError, DroverError, NotFoundError, OutOfScopeError, RateLimitedError, toDroverError } from '@/lib/errors';
import type { Connection } from '@/lib/redis/connections';
import type { QueueParams } from '@/lib/queues/params';
import { jobOperations as ops } from '@/lib/operations/jobs';
import { progressStore } from '@/lib/store/console/progress';
import { mayFollowOperation } from '@/lib/progress/bulk-progress';
import { sendToDeadLetter } from '@/lib/dlq/send-to-dead-letter';
import { SEARCH_MAX_CALL_MS } from '@/lib/jobs/schemas';
import type { JobState } from '@/lib/jobs/job-states';
import { applyTransition, loadJobHandles, mayRemoveFlowParentOn, type JobHandle } from '@/lib/jobs/job-transition';
import { transitionRefusal } from '@/lib/jobs/transitions';
import { assertMayRemoveUnprocessedInBulk, isUnprocessedState } from '@/lib/jobs/unprocessed-work';
import { parseJobQuery } from './parse-query';
import { resolveJobQuery, type ResolvedQuery } from './resolve-query';
import { walkQuery, type QueryCursor } from './walk-query';
import type { BulkQueryInput, BulkQueryStatus } from './schemas';

/** Bulk operations on a query one console process runs at once. */
export const BULK_QUERY_MAX_RUNNING = 2;
/** Matches one operation acts on at most (their ids are held while it runs: ~50 bytes each). */
export const BULK_QUERY_MAX_MATCHES = 250_000;
/** Finished operations whose full report this process keeps (the oldest forgotten first). */
export const BULK_QUERY_KEPT = 100;
/** Jobs re-checked and changed per batch at most. */
export const BULK_QUERY_BATCH = 100;
const PROBLEMS_KEPT = 50;
/** How often a running operation saves its progress and reads a pause/cancel sent to another replica. */
const SYNC_MS = 500;
const PROGRESS_TTL_MS = 60 * 60 * 1000;

type Run = {
  status: BulkQueryStatus;
  paused: boolean;
  cancelled: boolean;
  /** wakes a sleeping run (pause lifted, cancel) */
  wake: (() => void) | null;
};

const RUNS = Symbol.for('drover.bulk-query-runs');
type Holder = { [RUNS]?: Map<string, Run> };
function runs(): Map<string, Run> {
  const holder = globalThis as Holder;
  holder[RUNS] ??= new Map();
  return holder[RUNS];
}

const isActive = (r: Run) => r.status.phase === 'collecting' || r.status.phase === 'running' || r.status.phase === 'paused';

function remember(run: Run): void {
  const all = runs();
  all.set(run.status.id, run);
  // Keep every active run and the newest finished ones.
  const finished = [...all.values()].filter((r) => !isActive(r));
  for (const old of finished.slice(0, Math.max(0, finished.length - BULK_QUERY_KEPT))) all.delete(old.status.id);
}

/** The key under which a pause/resume/cancel for an operation run by another replica waits. */
const controlKey = (id: string) => `${id}:control`;

const sleep = (run: Run, ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      run.wake = null;
      resolve();
    }, ms);
    run.wake = () => {
      clearTimeout(timer);
      run.wake = null;
      resolve();
    };
  });

function note(run: Run, id: string, outcome: 'skipped' | 'failed', reason: string): void {
  if (outcome === 'skipped') run.status.skipped += 1;
  else run.status.failed += 1;
  run.status.done += 1;
  if (run.status.problems.length < PROBLEMS_KEPT) run.status.problems.push({ id, outcome, reason });
}

function succeed(run: Run, n = 1): void {
  run.status.succeeded += n;
  run.status.done += n;
}

const VERB: Record<BulkQueryInput['action'], string> = {
  retry: 'retried',
  remove: 'removed',
  promote: 'promoted',
  fail: 'failed permanently',
  'dead-letter': 'sent to the dead-letter queue',
  priority: 'given a new priority',
  delay: 'given a new delay',
};

function summary(run: Run): string {
  const s = run.status;
  const n = (x: number) => x.toLocaleString('en');
  const head =
    s.phase === 'collecting'
      ? `finding matches: ${n(s.matched)} so far`
      : `${n(s.succeeded)} of ${n(s.matched)} job${s.matched === 1 ? '' : 's'} ${VERB[s.action]}`;
  const tail = [s.skipped ? `${n(s.skipped)} skipped (changed meanwhile)` : '', s.failed ? `${n(s.failed)} failed` : ''].filter(Boolean).join(', ');
  const state = s.phase === 'paused' ? ' — paused' : s.phase === 'cancelled' ? ' — cancelled' : '';
  return `${head}${tail ? `; ${tail}` : ''}${state}`;
}

async function saveProgress(run: Run, finished = false): Promise<void> {
  run.status.message = summary(run);
  await progressStore()
    .save(run.status.id, { done: run.status.done, total: run.status.matched, phase: run.status.message, finished, updatedAt: Date.now(), target: { conn: run.status.conn, queue: run.status.queue } }, PROGRESS_TTL_MS)
    .catch(() => {});
}

/** Applies a pause/resume/cancel another replica wrote for this run. */
async function readRemoteControl(run: Run): Promise<void> {
  const control = await progressStore().read(controlKey(run.status.id)).catch(() => null);
  if (!control) return;
  if (control.phase === 'cancel') run.cancelled = true;
  else run.paused = control.phase === 'pause';
}

/** Collects the match set: ids with the state each was found in, each once. */
async function collect(conn: Connection, queue: string, resolved: ResolvedQuery, run: Run, now: number): Promise<Map<string, JobState>> {
  const found = new Map<string, JobState>();
  let cursor: QueryCursor | null = null;
  let synced = Date.now();
  do {
    const step = await walkQuery(conn, queue, resolved, cursor, { maxMatches: 5000, timeMs: 200, budgetMs: SEARCH_MAX_CALL_MS, returnEarly: false }, now);
    for (const f of step.found) if (!found.has(f.id)) found.set(f.id, f.state);
    run.status.matched = found.size;
    if (found.size > BULK_QUERY_MAX_MATCHES) {
      throw new DroverError('invalid', 400, `The query matches more than ${BULK_QUERY_MAX_MATCHES.toLocaleString('en')} jobs, the most one bulk operation acts on: narrow it (for example with finished:>-1h or a state:) and run it in parts. Nothing was changed.`);
    }
    cursor = step.cursor;
    if (Date.now() - synced > SYNC_MS) {
      synced = Date.now();
      await readRemoteControl(run);
      await saveProgress(run);
    }
  } while (cursor && !run.cancelled);
  return found;
}

/** One job of a batch, already known to be in the state it was found in and still matching. */
async function actOn(conn: Connection, queue: string, handle: JobHandle, action: Exclude<BulkQueryInput['action'], 'dead-letter'>, input: BulkQueryInput, actor: Principal): Promise<void> {
  switch (action) {
    case 'priority':
      if (handle.state !== 'waiting' && handle.state !== 'prioritized') throw new ConflictError(`Job ${handle.id} is ${handle.state}: only waiting or prioritized jobs take a new priority`);
      await handle.job.changePriority({ priority: input.priority! });
      return;
    case 'delay':
      if (handle.state !== 'delayed') throw new ConflictError(`Job ${handle.id} is ${handle.state}: only delayed jobs take a new delay`);
      await handle.job.changeDelay(input.delayMs!);
      return;
    case 'retry':
    case 'promote':
    case 'remove':
    case 'fail': {
      const refusal = transitionRefusal(action, handle.state, handle.id);
      if (refusal) throw new ConflictError(refusal);
      await applyTransition(conn, queue, handle, action, { reason: `failed permanently by ${actor.name} (bulk on query)`, mayRemoveUnprocessed: hasRole(actor.role, 'admin'), mayRemoveFlowParent: mayRemoveFlowParentOn(actor, conn.name) });
      return;
    }
  }
}

async function actOnBatch(conn: Connection, queue: string, ids: string[], foundIn: Map<string, JobState>, resolved: ResolvedQuery, input: BulkQueryInput, actor: Principal, run: Run): Promise<void> {
  const handles = await loadJobHandles(conn, queue, ids);
  const sameState: JobHandle[] = [];
  handles.forEach((h, i) => {
    if (!h) note(run, ids[i], 'skipped', 'gone (removed meanwhile)');
    else if (h.state !== foundIn.get(h.id)) note(run, h.id, 'skipped', `was ${foundIn.get(h.id)}, now ${h.state}`);
    else sameState.push(h);
  });
  if (sameState.length === 0) return;
  const still = new Set(await conn.store.search.matchIds(queue, sameState.map((h) => h.id), resolved.predicate));
  const targets = sameState.filter((h) => {
    if (!still.has(h.id)) note(run, h.id, 'skipped', 'no longer matches the query');
    return still.has(h.id);
  });
  if (targets.length === 0) return;
  if (input.action === 'dead-letter') {
    const failed = targets.filter((h) => h.state === 'failed');
    for (const h of targets) if (h.state !== 'failed') note(run, h.id, 'skipped', `is ${h.state}: only failed jobs go to the dead-letter queue`);
    if (failed.length === 0) return;
    const sent = await sendToDeadLetter(conn, queue, { ids: failed.map((h) => h.id), removeOrigin: input.removeOrigin }, actor.name, async () => {});
    const problems = new Map(sent.errors.map((e) => [e.id, e.message]));
    succeed(run, sent.captured + sent.duplicates);
    for (const h of failed) if (problems.has(h.id)) note(run, h.id, 'failed', problems.get(h.id)!);
    // Failures past the first 50 carry no reason.
    for (let i = problems.size; i < sent.failed; i++) note(run, '?', 'failed', 'not captured');
    return;
  }
  const action = input.action;
  const outcomes = await Promise.allSettled(targets.map((h) => actOn(conn, queue, h, action, input, actor)));
  outcomes.forEach((o, i) => {
    if (o.status === 'fulfilled') succeed(run);
    else {
      const err = toDroverError(o.reason, conn.name);
      // Refusals of the state rules and "gone" are changes made meanwhile; anything else failed.
      note(run, targets[i].id, err.code === 'conflict' || err.code === 'not_found' ? 'skipped' : 'failed', err.message);
    }
  });
}

async function execute(conn: Connection, queue: string, resolved: ResolvedQuery, input: BulkQueryInput, actor: Principal, run: Run, now: number): Promise<void> {
  const found = await collect(conn, queue, resolved, run, now);
  if (run.cancelled) return;
  run.status.phase = 'running';
  await saveProgress(run);
  const ids = [...found.keys()];
  const batch = Math.max(1, Math.min(BULK_QUERY_BATCH, Math.ceil(input.rate / 10)));
  // The rate counts time spent running, not paused: jobs handled ≤ rate × running seconds.
  let runningMs = 0;
  let since = Date.now();
  let synced = Date.now();
  for (let i = 0; i < ids.length && !run.cancelled; ) {
    if (Date.now() - synced > SYNC_MS) {
      synced = Date.now();
      await readRemoteControl(run);
      await saveProgress(run);
    }
    if (run.paused) {
      runningMs += Date.now() - since;
      run.status.phase = 'paused';
      await saveProgress(run);
      while (run.paused && !run.cancelled) {
        await sleep(run, SYNC_MS);
        await readRemoteControl(run);
      }
      since = Date.now();
      if (run.cancelled) break;
      run.status.phase = 'running';
    }
    const dueAt = (run.status.done / input.rate) * 1000;
    const ahead = dueAt - (runningMs + Date.now() - since);
    if (ahead > 0) {
      await sleep(run, Math.min(ahead, SYNC_MS));
      continue;
    }
    const slice = ids.slice(i, i + batch);
    i += slice.length;
    await actOnBatch(conn, queue, slice, found, resolved, input, actor, run);
  }
}

function newStatus(input: BulkQueryInput, target: QueueParams, actor: Principal): BulkQueryStatus {
  return {
    id: input.operationId,
    conn: target.conn,
    queue: target.queue,
    query: input.q,
    action: input.action,
    rate: input.rate,
    phase: 'collecting',
    matched: 0,
    done: 0,
    succeeded: 0,
    skipped: 0,
    failed: 0,
    problems: [],
    message: 'finding matches',
    startedAt: Date.now(),
    finishedAt: null,
    actor: actor.name,
    local: true,
  };
}

/**
 * Checks what can be checked at once (role, writable connection, the query, room for one more run) and
 * answers with the operation id; the work goes on in this process. A refusal here is audited like any.
 */
export async function startBulkOnQuery(ctx: AuditContext, target: QueueParams, input: BulkQueryInput): Promise<{ operationId: string; message: string }> {
  const auditTarget = { connection: target.conn, queue: target.queue, params: { query: input.q, state: input.state, action: input.action, rate: input.rate, ...(input.priority !== undefined ? { priority: input.priority } : {}), ...(input.delayMs !== undefined ? { delayMs: input.delayMs } : {}) } };
  let resolved: ResolvedQuery;
  const now = Date.now();
  try {
    assertRole(ctx.actor, ops.bulkQuery.role);
    writableTarget(auditTarget);
    resolved = resolveJobQuery(parseJobQuery(input.q), now, input.state);
    // Decided before anything is read: the states the query walks, not the jobs it finds (an operator
    // narrows to state:failed or state:completed; the collection could take minutes to say no).
    const unprocessed = resolved.states.filter(isUnprocessedState);
    if ((input.action === 'remove' || input.action === 'fail') && unprocessed.length > 0) {
      assertMayRemoveUnprocessedInBulk(ctx.actor, `The query can match jobs that have not run (it walks ${unprocessed.join(', ')}); add state:failed or state:completed, or ask an admin. Nothing was changed`);
    }
    if (runs().has(input.operationId)) throw new ConflictError(`Operation ${input.operationId} exists already: pick a new operation id`);
    const active = [...runs().values()].filter(isActive).length;
    if (active >= BULK_QUERY_MAX_RUNNING) throw new RateLimitedError(`${active} bulk operations on queries are running in this console already (at most ${BULK_QUERY_MAX_RUNNING}): wait for one to finish or cancel one`, 30);
  } catch (err) {
    // Audited as a refusal, with nothing changed.
    await audited(ctx, ops.bulkQuery, auditTarget, async () => {
      throw err;
    }).catch(() => {});
    throw toDroverError(err, target.conn);
  }
  const run: Run = { status: newStatus(input, target, ctx.actor), paused: false, cancelled: false, wake: null };
  remember(run);
  await saveProgress(run);
  void audited(ctx, ops.bulkQuery, auditTarget, async (conn) => {
    await execute(conn, target.queue, resolved, input, ctx.actor, run, now);
    run.status.phase = run.cancelled ? 'cancelled' : 'done';
    const s = run.status;
    return { result: null, count: s.succeeded, details: { matched: s.matched, succeeded: s.succeeded, skipped: s.skipped, failed: s.failed, outcome: s.phase } };
  })
    .catch((err) => {
      run.status.phase = 'failed';
      run.status.problems.unshift({ id: '-', outcome: 'failed', reason: toDroverError(err, target.conn).message });
    })
    .finally(async () => {
      run.status.finishedAt = Date.now();
      await saveProgress(run, true);
      if (run.status.phase === 'failed') run.status.message = `${run.status.problems[0]?.reason ?? 'failed'} (${summary(run)})`;
      remember(run);
    });
  return { operationId: input.operationId, message: `Started: ${VERB[input.action].replace(/^given /, 'giving ')} the jobs matching ${input.q} at ${input.rate} per second at most` };
}

const notFoundMessage = (id: string) => `No bulk operation ${id} (not started, finished over an hour ago, or run by a console that restarted)`;

/**
 * The operation's status: the full report from the process running it, its progress record from any
 * other. With `actor`: an operation on a queue where the actor is not operator (or cannot see it,
 * README › Team scopes) answers like an unknown id.
 */
export async function getBulkQueryStatus(id: string, actor?: Principal): Promise<BulkQueryStatus> {
  const run = runs().get(id);
  if (run) {
    if (actor && !mayFollowOperation(actor, { conn: run.status.conn, queue: run.status.queue }, ops.bulkQueryStatus.role)) throw new OutOfScopeError(notFoundMessage(id));
    return { ...run.status, problems: [...run.status.problems] };
  }
  const progress = await progressStore().read(id);
  if (!progress) throw new NotFoundError(notFoundMessage(id));
  if (actor && !mayFollowOperation(actor, progress.target, ops.bulkQueryStatus.role)) throw new OutOfScopeError(notFoundMessage(id));
  return {
    id, conn: progress.target?.conn ?? '', queue: progress.target?.queue ?? '', query: '', action: 'retry', rate: 0,
    phase: progress.finished ? 'done' : 'running',
    matched: progress.total, done: progress.done, succeeded: 0, skipped: 0, failed: 0, problems: [],
    message: progress.phase, startedAt: 0, finishedAt: progress.finished ? progress.updatedAt : null, actor: '', local: false,
  };
}

/** Pause, resume or cancel: at once in this process, through the console store for another replica's run. */
export async function controlBulkQuery(ctx: AuditContext, id: string, command: 'pause' | 'resume' | 'cancel'): Promise<BulkQueryStatus> {
  return audited(ctx, ops.bulkQueryControl, { writes: 'console', params: { operationId: id, command } }, async () => {
    const run = runs().get(id);
    // One of another scope (README › Team scopes) answers like an unknown id, before anything is written.
    if (run && !mayFollowOperation(ctx.actor, { conn: run.status.conn, queue: run.status.queue }, ops.bulkQueryControl.role)) throw new OutOfScopeError(`No bulk operation ${id}`);
    if (run) {
      if (!isActive(run)) throw new ConflictError(`Operation ${id} has ended (${run.status.phase}): nothing to ${command}`);
      if (command === 'cancel') run.cancelled = true;
      else run.paused = command === 'pause';
      if (command === 'pause' && run.status.phase === 'running') run.status.phase = 'paused';
      run.wake?.();
    } else {
      const progress = await progressStore().read(id);
      if (!progress) throw new NotFoundError(`No bulk operation ${id}`);
      if (!mayFollowOperation(ctx.actor, progress.target, ops.bulkQueryControl.role)) throw new OutOfScopeError(`No bulk operation ${id}`);
      if (progress.finished) throw new ConflictError(`Operation ${id} has ended: nothing to ${command}`);
    }
    await progressStore().save(controlKey(id), { done: 0, total: 0, phase: command, finished: false, updatedAt: Date.now() }, PROGRESS_TTL_MS);
    return { result: await getBulkQueryStatus(id, ctx.actor), details: { command } };
  });
}
