// Team scopes on the lists over many queues, on both stores (README › Team scopes): a principal with
// grants sees only its queues in the overview, the sidebar, the schedules and the saved views, and may
// follow only the bulk operations of queues where it is operator; everything else answers exactly like
// something that does not exist. Unscoped principals see everything, as before.
import { randomUUID } from 'node:crypto';
import { Queue, createPostgresBackend } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/stores';
import { consoleForThisFile, type TestConsole } from '../helpers/console-store';
import { ctxAs } from '../helpers/console-env';
import { waitFor } from '../helpers/wait';
import { principalWithAccess, type Principal } from '@/lib/auth/principal';
import { queueOperations } from '@/lib/operations/queues';
import { scheduleOperations } from '@/lib/operations/schedules';
import { viewOperations } from '@/lib/operations/views';
import { jobOperations } from '@/lib/operations/jobs';
import { getSidebarConnections } from '@/lib/queues/sidebar-connections';
import { upsertSchedule } from '@/lib/schedules/upsert-schedule';
import { scheduleInputSchema } from '@/lib/schedules/schema';
import { createView } from '@/lib/views/create-view';
import { cleanQueue } from '@/lib/queues/clean-queue';
import { progressStore } from '@/lib/store/console/progress';
import { startBulkOnQuery } from '@/lib/jobs/query/bulk-query';
import type { Overview } from '@/lib/queues/get-overview';
import type { ScheduleList } from '@/lib/schedules/types';
import type { View } from '@/lib/views/view';
import { NotFoundError } from '@/lib/errors';
import { callOperation, refusal } from '../helpers/operations';

const admin = ctxAs('admin', 'admin@test');

/** operator on console/billing-*, viewer on console/audit-trail, nothing anywhere else. */
const scoped: Principal = principalWithAccess(
  { kind: 'session', id: 'scoped@test', name: 'scoped@test' },
  {
    global: null,
    grants: [
      { connection: 'console', queue: 'billing-*', role: 'operator' },
      { connection: 'console', queue: 'billing-archive', role: 'viewer' },
    ],
  },
);

describe.each(STORE_KINDS)('team scopes on lists (%s)', (kind) => {
  // "console" is Drover's own store and the queues' store; "other" is the same server under another name.
  const server: TestConsole = consoleForThisFile(kind, ({ url }) => [{ name: 'other', url }]);
  const queues = new Map<string, Queue>();
  const queueOn = (name: string): Queue => {
    let q = queues.get(name);
    if (!q) {
      q =
        kind === 'redis'
          ? new Queue(name, { connection: { url: server.url } })
          : (new Queue(name, { connection: { connectionString: server.url, migrate: true } }, createPostgresBackend) as unknown as Queue);
      q.on('error', () => {});
      queues.set(name, server.track(q));
    }
    return q;
  };

  beforeAll(async () => {
    // Jobs waiting: billing-a 3, billing-b 2, billing-archive 1, mailer 7 (out of scope).
    for (const [name, n] of [['billing-a', 3], ['billing-b', 2], ['billing-archive', 1], ['mailer', 7]] as const) {
      await queueOn(name).addBulk(Array.from({ length: n }, (_, i) => ({ name: 'job', data: { i } })));
    }
  });
  afterAll(async () => {
    await Promise.all([...queues.values()].map((q) => q.close().catch(() => {})));
  });

  it('overview: a scoped principal gets only its connection and queues, and counts only those', async () => {
    const mine = await callOperation<Overview>(queueOperations.overview, scoped, { query: { refresh: '1' } });
    expect(mine.connections.map((c) => c.name)).toEqual(['console']);
    const [c] = mine.connections;
    expect(c.queues.map((q) => q.name).sort()).toEqual(['billing-a', 'billing-archive', 'billing-b']);
    expect(c.queueNames.filter((q) => !q.startsWith('billing-'))).toEqual([]);
    expect(c.queues.reduce((n, q) => n + q.counts.waiting, 0)).toBe(6);

    // Unscoped: every connection and queue, as before.
    const all = await callOperation<Overview>(queueOperations.overview, admin.actor, { query: {} });
    expect(all.connections.map((x) => x.name).sort()).toEqual(['console', 'other']);
    const names = all.connections.find((x) => x.name === 'console')!.queues.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['billing-a', 'billing-b', 'billing-archive', 'mailer']));
  });

  it('sidebar: only the connections and queues in scope, and views of those queues', async () => {
    const sidebar = await getSidebarConnections(scoped);
    expect(sidebar.map((c) => c.name)).toEqual(['console']);
    expect(sidebar[0].queues).toEqual(['billing-a', 'billing-archive', 'billing-b']);
    const everything = await getSidebarConnections(admin.actor);
    expect(everything.find((c) => c.name === 'console')!.queues).toContain('mailer');
  });

  it('schedules.list: only schedulers of in-scope queues, canAct from the role on each row’s queue', async () => {
    const template = { name: 'tick' };
    for (const [queue, id] of [['billing-a', 'nightly'], ['billing-archive', 'weekly'], ['mailer', 'digest']] as const) {
      queueOn(queue);
      await upsertSchedule(admin, { conn: 'console', queue, schedulerId: id }, scheduleInputSchema.parse({ every: 3_600_000, template }));
    }
    const list = await callOperation<ScheduleList>(scheduleOperations.listSchedules, scoped, { query: {} });
    expect(list.connections.map((c) => c.name)).toEqual(['console']);
    expect(list.connections[0].queues).not.toContain('mailer');
    expect(list.schedules.map((s) => [s.queue, s.id, s.canAct]).sort()).toEqual([
      ['billing-a', 'nightly', true],
      ['billing-archive', 'weekly', false],
    ]);
    // A queue out of scope reads like a queue without schedules; a connection out of scope like an unknown one.
    const mailer = await callOperation<ScheduleList>(scheduleOperations.listSchedules, scoped, { query: { queue: 'console/mailer' } });
    const nowhere = await callOperation<ScheduleList>(scheduleOperations.listSchedules, scoped, { query: { queue: 'console/no-such-queue' } });
    expect(mailer.schedules).toEqual([]);
    expect(mailer.connections).toEqual(nowhere.connections.map((c) => ({ ...c, queues: ['mailer'] })));
    const hidden = await refusal(callOperation(scheduleOperations.listSchedules, scoped, { query: { conn: 'other' } }));
    const unknown = await refusal(callOperation(scheduleOperations.listSchedules, scoped, { query: { conn: 'nope' } }));
    expect(hidden).toBeInstanceOf(NotFoundError);
    expect(hidden.message).toBe('Unknown connection "other"');
    expect(unknown.message).toBe('Unknown connection "nope"');

    const everything = await callOperation<ScheduleList>(scheduleOperations.listSchedules, admin.actor, { query: { conn: 'console' } });
    expect(everything.schedules.map((s) => s.id).sort()).toEqual(['digest', 'nightly', 'weekly']);
    expect(everything.schedules.every((s) => s.canAct)).toBe(true);
  });

  it('views: one of an out-of-scope queue is not listed and answers 404 like a missing one', async () => {
    const base = { query: 'name:job', within: 'all' as const, columns: [], order: 'newest' as const, visibility: 'shared' as const };
    const billing = await createView(admin, { ...base, conn: 'console', queue: 'billing-a', name: 'billing jobs' });
    const mailer = await createView(admin, { ...base, conn: 'console', queue: 'mailer', name: 'email jobs' });
    const listed = await callOperation<{ views: View[] }>(viewOperations.listViews, scoped, { query: {} });
    expect(listed.views.map((v) => v.id)).toEqual([billing.id]);
    expect((await callOperation<View>(viewOperations.getView, scoped, { params: { id: billing.id } })).queue).toBe('billing-a');

    const hidden = await refusal(callOperation(viewOperations.getView, scoped, { params: { id: mailer.id } }));
    const missing = await refusal(callOperation(viewOperations.getView, scoped, { params: { id: '00000000-0000-4000-8000-00000000dead' } }));
    expect(hidden).toBeInstanceOf(NotFoundError);
    expect(hidden.message).toBe(`No view with id ${mailer.id}`);
    expect(missing.message).toBe('No view with id 00000000-0000-4000-8000-00000000dead');
    // Changing or deleting it: the same 404.
    expect((await refusal(callOperation(viewOperations.deleteView, scoped, { params: { id: mailer.id } }))).message).toBe(`No view with id ${mailer.id}`);
    // Saving a view under an out-of-scope queue answers like an unknown queue.
    const created = await refusal(callOperation(viewOperations.createView, scoped, { body: { ...base, visibility: 'private', conn: 'console', queue: 'mailer', name: 'mine' } }));
    expect(created).toBeInstanceOf(NotFoundError);
    expect(created.message).toBe('Queue "mailer" not found on connection "console"');
    // Sharing needs operator on the view's queue: a viewer there may not.
    const share = await refusal(callOperation(viewOperations.createView, scoped, { body: { ...base, conn: 'console', queue: 'billing-archive', name: 'archive' } }));
    expect(share.message).toMatch(/operator role on its queue/);

    const adminList = await callOperation<{ views: View[] }>(viewOperations.listViews, admin.actor, { query: {} });
    expect(adminList.views.map((v) => v.id).sort()).toEqual([billing.id, mailer.id].sort());
  });

  it('operation progress: followed only where the caller is operator on the queue; elsewhere the same 404 as an unknown id', async () => {
    const mine = randomUUID();
    const theirs = randomUUID();
    const archive = randomUUID();
    const unknown = randomUUID();
    await cleanQueue(admin, { conn: 'console', queue: 'billing-a' }, { state: 'completed', olderThanMs: 0, operationId: mine });
    await cleanQueue(admin, { conn: 'console', queue: 'mailer' }, { state: 'completed', olderThanMs: 0, operationId: theirs });
    await cleanQueue(admin, { conn: 'console', queue: 'billing-archive' }, { state: 'completed', olderThanMs: 0, operationId: archive });
    // The target is stored with the progress, on this store.
    expect((await progressStore().read(theirs))?.target).toEqual({ conn: 'console', queue: 'mailer' });

    const followed = await callOperation<{ finished: boolean }>(queueOperations.operationProgress, scoped, { params: { id: mine } });
    expect(followed).toMatchObject({ finished: true, phase: 'done' });
    expect(followed).not.toHaveProperty('target');
    const expected = (id: string) => `No operation ${id} (not started yet, or finished over an hour ago)`;
    for (const id of [theirs, archive]) {
      const err = await refusal(callOperation(queueOperations.operationProgress, scoped, { params: { id } }));
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err.message).toBe(expected(id));
    }
    expect((await refusal(callOperation(queueOperations.operationProgress, scoped, { params: { id: unknown } }))).message).toBe(expected(unknown));
    // Unscoped operators follow every operation, as before.
    expect(await callOperation(queueOperations.operationProgress, ctxAs('operator').actor, { params: { id: theirs } })).toMatchObject({ finished: true });
  });

  it('bulk operations on a query: status and control of another scope’s operation answer like an unknown id', async () => {
    const theirs = randomUUID();
    const mine = randomUUID();
    const remote = randomUUID();
    const unknown = randomUUID();
    await startBulkOnQuery(admin, { conn: 'console', queue: 'mailer' }, { q: 'name:job', state: 'waiting', action: 'priority', priority: 5, rate: 1000, operationId: theirs, removeOrigin: false });
    await startBulkOnQuery(admin, { conn: 'console', queue: 'billing-a' }, { q: 'name:job', state: 'waiting', action: 'priority', priority: 5, rate: 1000, operationId: mine, removeOrigin: false });
    // One another console replica runs: only its progress record is here.
    await progressStore().save(remote, { done: 1, total: 10, phase: 'running', finished: false, updatedAt: Date.now(), target: { conn: 'console', queue: 'mailer' } }, 60_000);

    const status = (id: string, actor: Principal) => callOperation<{ phase: string; queue: string }>(jobOperations.bulkQueryStatus, actor, { params: { id } });
    const message = (id: string) => `No bulk operation ${id} (not started, finished over an hour ago, or run by a console that restarted)`;
    await waitFor(async () => (await status(mine, scoped)).phase === 'done', { timeout: 30_000, what: 'the in-scope operation to end' });
    expect((await status(mine, scoped)).queue).toBe('billing-a');
    for (const id of [theirs, remote, unknown]) {
      const err = await refusal(status(id, scoped));
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err.message).toBe(message(id));
    }
    // Control: the same answer as an unknown id, and nothing is written for it.
    const control = await refusal(callOperation(jobOperations.bulkQueryControl, scoped, { params: { id: remote }, body: { command: 'cancel' } }));
    const controlUnknown = await refusal(callOperation(jobOperations.bulkQueryControl, scoped, { params: { id: unknown }, body: { command: 'cancel' } }));
    expect(control).toBeInstanceOf(NotFoundError);
    expect(control.message).toBe(`No bulk operation ${remote}`);
    expect(controlUnknown.message).toBe(`No bulk operation ${unknown}`);
    expect(await progressStore().read(`${remote}:control`)).toBeNull();
    // Unscoped: the remote record now names its queue.
    expect((await status(remote, ctxAs('operator').actor)).queue).toBe('mailer');
  });
});
