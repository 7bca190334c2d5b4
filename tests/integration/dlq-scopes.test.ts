// Team scopes on the dead-letter queue, on both stores: a caller whose grants name some queues sees,
// counts, groups, exports, requeues and purges only dead letters whose origin queue is in its scope
// (requeue needing operator and purge admin on that origin queue); a dead letter of another queue does
// not exist for it. Jobs fail through BullMQ's API; the console's capture takes them into the DLQ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { waitFor } from '../helpers/wait';
import { lastAudit } from '../helpers/audit';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { accessOf, principalWithAccess, type Principal } from '@/lib/auth/principal';
import type { Grant } from '@/lib/auth/scope';
import type { Role } from '@/lib/auth/roles';
import { listErrorGroups } from '@/lib/dlq/list-error-groups';
import { listDeadLetters, listDeadLettersQuerySchema } from '@/lib/dlq/list-dead-letters';
import { getDeadLetter } from '@/lib/dlq/get-dead-letter';
import { getDeadLetterSummary } from '@/lib/dlq/get-dead-letter-summary';
import { requeueDeadLetters } from '@/lib/dlq/requeue-dead-letters';
import { purgeDeadLetters } from '@/lib/dlq/purge-dead-letters';
import { exportDeadLettersResponse } from '@/lib/dlq/export-dead-letters';
import { authorize } from '@/lib/auth/authorize';
import { deadLetterOperations } from '@/lib/operations/dead-letters';
import { scopeOf } from '@/lib/operations/define';

const query = (q: Record<string, unknown>) => listDeadLettersQuerySchema.parse(q);
const grant = (queue: string, role: Grant['role'], connection = 'main'): Grant => ({ connection, queue, role });
const who = (name: string, global: Role | null, grants: Grant[]): Principal => principalWithAccess({ kind: 'session', id: name, name }, { global, grants });
const ctx = (actor: Principal) => ({ actor, via: 'api' as const });

/** viewer on billing-* only */
const billingViewer = who('bv@test', null, [grant('billing-*', 'viewer')]);
/** operator on billing-a, viewer on billing-b (through the glob), nothing else */
const billingOperator = who('bo@test', null, [grant('billing-*', 'viewer'), grant('billing-a', 'operator')]);
/** admin on billing-b only, viewer on every other queue of main */
const billingBAdmin = who('ba@test', null, [grant('*', 'viewer'), grant('billing-b', 'admin')]);
/** viewer everywhere through a grant on every queue of main: the whole connection, no filtering */
const mainViewer = who('mv@test', null, [grant('*', 'viewer')]);

describe.each(STORE_KINDS)('dead letters within a team scope on %s', (kind) => {
  let store: TestStore;
  const conn = () => getConnection('main');
  const byQueue: Record<string, string[]> = {};

  async function deadLetters(queue: Queue, count: number, reason: string): Promise<void> {
    const jobs = await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'charge', data: { n: i, queue: queue.name }, opts: { attempts: 1 } })));
    const worker = store.worker(queue.name, async () => {
      throw new Error(reason);
    }, { concurrency: 10 });
    const ids = jobs.map((j) => j.id!);
    await waitFor(async () => (await Promise.all(ids.map((id) => queue.getJobState(id)))).every((s) => s === 'failed'), { timeout: 30_000, what: `failed jobs in ${queue.name}` });
    await worker.close();
    const captured = await conn().store.deadLetters.captureByIds(queue.name, ids, { capturedBy: 'console:test' });
    expect(captured.captured).toHaveLength(count);
  }

  async function idsOf(queue: string): Promise<string[]> {
    return (await listDeadLetters(conn(), query({ queue, size: 100 }))).rows.map((r) => r.id);
  }

  beforeAll(async () => {
    store = await startConfiguredStore(kind);
    await deadLetters(store.queue('billing-a'), 3, 'card declined');
    await deadLetters(store.queue('billing-b'), 2, 'card declined');
    await deadLetters(store.queue('email'), 4, 'smtp timeout after 30 s');
    for (const q of ['billing-a', 'billing-b', 'email']) byQueue[q] = await idsOf(q);
  });

  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  it('counts, lists and groups only the dead letters of in-scope origin queues', async () => {
    const whole = await getDeadLetterSummary(conn(), accessOf(mainViewer));
    expect(whole.total).toBe(9);
    expect(whole.stats).not.toBeNull();

    const summary = await getDeadLetterSummary(conn(), accessOf(billingViewer));
    expect(summary.total).toBe(5);
    expect(summary.queues.map((q) => q.queue).sort()).toEqual(['billing-a', 'billing-b']);
    expect(summary.stats).toBeNull();

    const page = await listDeadLetters(conn(), query({ size: 100 }), accessOf(billingViewer));
    expect(page.rows.map((r) => r.queue).sort()).toEqual(['billing-a', 'billing-a', 'billing-a', 'billing-b', 'billing-b']);
    expect(page.total).toBe(5);
    // Paged: two pages of 3 and 2 (the walk is bounded by the page, not the DLQ).
    const first = await listDeadLetters(conn(), query({ size: 10, page: 1 }), accessOf(billingViewer));
    expect(first.rows).toHaveLength(5);
    expect(first.hasNext).toBe(false);

    // An out-of-scope origin queue asked for by name: nothing, as for a queue without dead letters.
    expect((await listDeadLetters(conn(), query({ queue: 'email' }), accessOf(billingViewer))).rows).toEqual([]);
    expect((await listDeadLetters(conn(), query({ q: 'smtp' }), accessOf(billingViewer))).rows).toEqual([]);
    expect((await listDeadLetters(conn(), query({ q: 'declined', size: 100 }), accessOf(billingViewer))).rows).toHaveLength(5);
    expect((await listDeadLetters(conn(), query({ queue: 'billing-b' }), accessOf(billingViewer))).total).toBe(2);
    // A scope holding one origin queue: that queue's index answers, exact total and all.
    const onlyA = who('a@test', null, [grant('billing-a', 'viewer')]);
    const a = await listDeadLetters(conn(), query({ size: 100 }), accessOf(onlyA));
    expect([a.total, new Set(a.rows.map((r) => r.queue))]).toEqual([3, new Set(['billing-a'])]);

    const groups = await listErrorGroups(conn(), { limit: 50 }, accessOf(billingViewer));
    expect(groups.total).toBe(5);
    expect(groups.groupCount).toBe(1);
    expect(groups.groups.map((g) => [g.pattern, g.count])).toEqual([['card declined', 5]]);
    expect(groups.partial).toBeUndefined();
    const groupId = groups.groups[0].id;
    expect((await listDeadLetters(conn(), query({ group: groupId, size: 100 }), accessOf(onlyA))).rows.map((r) => r.queue)).toEqual(['billing-a', 'billing-a', 'billing-a']);

    // The unscoped answer is unchanged.
    const all = await listErrorGroups(conn(), { limit: 50 });
    expect(all.groups.map((g) => g.count).sort()).toEqual([4, 5]);
    expect((await listDeadLetters(conn(), query({ size: 100 }))).total).toBe(9);
  });

  it('counts a scoped caller\'s groups over a bounded number of dead letters and says when it stopped', async () => {
    const origins = (await conn().store.deadLetters.originQueues(100)).filter((o) => o.queue.startsWith('billing-'));
    const bounded = await conn().store.deadLetters.groups(50, origins, 3);
    expect(bounded.partial).toBe(true);
    expect(bounded.groups.reduce((n, g) => n + g.count, 0)).toBe(3);
    expect(bounded.total).toBe(5);
    const whole = await conn().store.deadLetters.groups(50, origins, 5);
    expect([whole.partial, whole.groups.map((g) => g.count)]).toEqual([undefined, [5]]);
  });

  it('answers a dead letter of an out-of-scope queue exactly as an unknown id, through dlq.get too', async () => {
    const unknown = `dl-${'0'.repeat(32)}`;
    const hidden = byQueue.email[0];
    const message = (id: string) => `Dead letter ${id} not found on connection "main" (it may have been requeued or purged)`;
    await expect(getDeadLetter(conn(), hidden, { access: accessOf(billingViewer) })).rejects.toMatchObject({ status: 404, message: message(hidden) });
    await expect(getDeadLetter(conn(), unknown, { access: accessOf(billingViewer) })).rejects.toMatchObject({ status: 404, message: message(unknown) });
    expect((await getDeadLetter(conn(), byQueue['billing-a'][0], { access: accessOf(billingViewer) })).queue).toBe('billing-a');

    const op = deadLetterOperations.get;
    const actor = await authorize(billingViewer, { name: op.name, role: op.role, scope: scopeOf(op) }, { conn: 'main', id: hidden });
    await expect(op.run({ actor, via: 'api' }, { params: { conn: 'main', id: hidden }, query: {}, body: undefined })).rejects.toMatchObject({ status: 404, message: message(hidden) });
    // A caller reaching no queue of the connection: the connection itself does not exist for it.
    const elsewhere = who('x@test', null, [grant('*', 'admin', 'other')]);
    await expect(authorize(elsewhere, { name: op.name, role: op.role, scope: scopeOf(op) }, { conn: 'main', id: hidden })).rejects.toMatchObject({ status: 404 });
  });

  it('exports only in-scope dead letters', async () => {
    const text = await (await exportDeadLettersResponse(conn(), {}, undefined, accessOf(billingViewer))).text();
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; envelope: { queue: string } });
    expect(lines.map((l) => l.envelope.queue).sort()).toEqual(['billing-a', 'billing-a', 'billing-a', 'billing-b', 'billing-b']);
    expect((await (await exportDeadLettersResponse(conn(), { queue: 'email' }, undefined, accessOf(billingViewer))).text())).toBe('');
  });

  it('requeues only dead letters whose origin queue grants operator; others are unknown or refused', async () => {
    // By id: an out-of-scope one is "not found" exactly as a vanished one; one it only views is refused.
    const email = byQueue.email[0];
    await expect(requeueDeadLetters(ctx(billingOperator), 'main', { ids: [email] })).rejects.toMatchObject({ status: 404, message: `Dead letter ${email} not found (requeued or purged meanwhile)` });
    expect(await lastAudit()).toMatchObject({ action: 'dlq.requeue', outcome: 'denied' });
    const vanished = `dl-${'1'.repeat(32)}`;
    await expect(requeueDeadLetters(ctx(billingOperator), 'main', { ids: [vanished] })).rejects.toMatchObject({ status: 404, message: `Dead letter ${vanished} not found (requeued or purged meanwhile)` });
    expect(await lastAudit()).toMatchObject({ action: 'dlq.requeue', outcome: 'refused' });
    await expect(requeueDeadLetters(ctx(billingOperator), 'main', { ids: [byQueue['billing-b'][0]] })).rejects.toMatchObject({ status: 403 });
    const mixed = await requeueDeadLetters(ctx(billingOperator), 'main', { ids: [byQueue['billing-a'][0], email, byQueue['billing-b'][0]] });
    expect([mixed.requeued, mixed.failed]).toEqual([1, 2]);
    expect(mixed.jobs.map((j) => j.queue)).toEqual(['billing-a']);
    // By filter (every match): only billing-a's.
    const out = await requeueDeadLetters(ctx(billingOperator), 'main', { filter: {} });
    expect([out.requested, out.requeued, out.failed]).toEqual([2, 2, 0]);
    const left = await getDeadLetterSummary(conn());
    expect(left.queues.map((q) => [q.queue, q.count]).sort()).toEqual([['billing-b', 2], ['email', 4]]);
    expect(await store.queue('billing-a').getWaitingCount()).toBe(3);
    expect(await store.queue('email').getWaitingCount()).toBe(0);
  });

  it('purges only dead letters whose origin queue grants admin', async () => {
    const email = byQueue.email[1];
    // By id: an email dead letter it only views is left alone and the call is refused (nothing purged).
    await expect(purgeDeadLetters(ctx(billingBAdmin), 'main', { ids: [email] })).rejects.toMatchObject({ status: 403 });
    // Out of scope entirely: counted as already gone, as a vanished id is.
    const purgeOnlyB = who('pb@test', null, [grant('billing-b', 'admin')]);
    const hidden = await purgeDeadLetters(ctx(purgeOnlyB), 'main', { ids: [email, byQueue['billing-b'][0]] });
    expect([hidden.requested, hidden.purged]).toEqual([2, 1]);
    expect(hidden.message).toContain('1 were already gone');
    // By filter: every match of its admin queues only.
    const out = await purgeDeadLetters(ctx(billingBAdmin), 'main', { filter: {} });
    expect(out.purged).toBe(1);
    const left = await getDeadLetterSummary(conn());
    expect([left.total, left.queues]).toEqual([4, [{ queue: 'email', count: 4 }]]);
  });
});
