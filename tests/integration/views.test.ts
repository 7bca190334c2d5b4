// Saved views with the console on Redis and on PostgreSQL: saved, listed, read, changed and deleted
// through the verbs and /api/v1/views; who sees a private view (its owner only: 404 for anyone else),
// who may share one (operator and up) and who may change or delete one (its owner, or an admin); the
// bounds (50 private per user, 500 shared) hold under racing saves; every change and refusal is audited.
import { afterEach, describe, expect, it } from 'vitest';
import { ctxAs } from '../helpers/console-env';
import { consoleForThisFile } from '../helpers/console-store';
import { STORE_KINDS } from '../helpers/stores';
import { settleWithAtMost } from '../helpers/in-flight';
import { PG_POOL_MAX } from '@/lib/store/postgres/pg-pool';
import { auditQuerySchema, listAudit } from '@/lib/audit/list-audit';
import { issueApiToken } from '@/lib/users/issue-api-token';
import { DROVER_SCHEMA_VERSION, migrateDroverSchema } from '@/lib/store/postgres/drover-schema';
import { KEYS } from '@/lib/keys';
import { getSidebarConnections } from '@/lib/queues/sidebar-connections';
import { parseJobQuery } from '@/lib/jobs/query/parse-query';
import { createView } from '@/lib/views/create-view';
import { updateView } from '@/lib/views/update-view';
import { deleteView } from '@/lib/views/delete-view';
import { getView } from '@/lib/views/get-view';
import { listViews } from '@/lib/views/list-views';
import { readView, writeView } from '@/lib/views/store';
import { VIEW_LIMITS, viewInputSchema, viewTarget, type ViewInput } from '@/lib/views/view';
import * as viewsRoute from '@/app/api/v1/views/route';
import * as viewRoute from '@/app/api/v1/views/[id]/route';

const alice = ctxAs('viewer', 'alice@test');
const bob = ctxAs('viewer', 'bob@test');
const olga = ctxAs('operator', 'olga@test');
const admin = ctxAs('admin', 'root@test');

function input(fields: Partial<ViewInput> = {}): ViewInput {
  return viewInputSchema.parse({ conn: 'main', queue: 'email', name: 'Failed big ones', query: 'name:send-* attempts:>=3', within: 'failed', columns: ['id', 'name', 'data.customerId'], ...fields });
}

/** Every audit entry of views, oldest first. */
async function viewAudit() {
  return (await listAudit(auditQuerySchema.parse({ limit: 500 }))).entries.filter((e) => e.action.startsWith('views.')).reverse();
}

/** The message and status a call failed with. */
async function failure(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await call;
  } catch (err) {
    const e = err as { status: number; message: string };
    return { status: e.status, message: e.message };
  }
  throw new Error('the call succeeded');
}

/** Saves in flight at once: more than the PostgreSQL pool holds, few enough that none waits 5 s for a connection on a loaded machine. */
const IN_FLIGHT = 2 * PG_POOL_MAX;

describe.each(STORE_KINDS)('saved views with the console on %s', (kind) => {
  const c = consoleForThisFile(kind, ({ url }) => [{ name: 'main', url }]);

  afterEach(async () => {
    await c.reset();
  });

  it('a viewer saves, lists, reads, changes and deletes a private view of their own', async () => {
    const view = await createView(alice, input());
    expect(view).toMatchObject({ conn: 'main', queue: 'email', name: 'Failed big ones', within: 'failed', order: 'newest', visibility: 'private', owner: 'alice@test' });
    expect(view.createdAt).toBe(view.updatedAt);
    expect(viewTarget(view)).toBe(`/connections/main/queues/email?q=name%3Asend-*+attempts%3A%3E%3D3&in=failed&view=${view.id}&cols=data.customerId`);

    expect((await listViews(alice.actor)).views.map((v) => v.id)).toEqual([view.id]);
    expect(await getView(alice.actor, view.id)).toEqual(view);

    const changed = await updateView(alice, { id: view.id, patch: { name: 'Renamed', query: 'error:~timeout', order: 'oldest' } });
    expect(changed).toMatchObject({ id: view.id, name: 'Renamed', query: 'error:~timeout', order: 'oldest', owner: 'alice@test', createdAt: view.createdAt });
    expect((await readView(view.id))?.view).toEqual(changed);

    expect(await deleteView(alice, { id: view.id })).toEqual({ deleted: view.id });
    expect(await failure(getView(alice.actor, view.id))).toMatchObject({ status: 404 });
    expect(await failure(deleteView(alice, { id: view.id }))).toMatchObject({ status: 404 });
    expect((await listViews(alice.actor)).views).toEqual([]);

    expect((await viewAudit()).map((e) => [e.action, e.outcome, e.actor])).toEqual([
      ['views.create', 'ok', 'alice@test'],
      ['views.update', 'ok', 'alice@test'],
      ['views.delete', 'ok', 'alice@test'],
      ['views.delete', 'refused', 'alice@test'],
    ]);
    const [created] = await viewAudit();
    expect(created).toMatchObject({ connection: 'main', queue: 'email', params: { name: 'Failed big ones', query: 'name:send-* attempts:>=3', visibility: 'private', viewId: view.id } });
  });

  it('the sidebar lists, per connection, the views the signed-in user sees', async () => {
    const mine = await createView(alice, input({ name: 'mine' }));
    const team = await createView(olga, input({ queue: 'billing', name: 'team', visibility: 'shared' }));
    const sidebar = async (who: typeof alice) => (await getSidebarConnections(who.actor)).find((conn) => conn.name === 'main')?.views;
    expect(await sidebar(alice)).toEqual([
      { id: team.id, queue: 'billing', name: 'team', shared: true },
      { id: mine.id, queue: 'email', name: 'mine', shared: false },
    ]);
    expect(await sidebar(bob)).toEqual([{ id: team.id, queue: 'billing', name: 'team', shared: true }]);
    expect((await getSidebarConnections()).find((conn) => conn.name === 'main')?.views).toEqual([]);
  });

  it('lists by connection and queue, sorted by name', async () => {
    const b = await createView(alice, input({ name: 'b' }));
    const a = await createView(alice, input({ name: 'a' }));
    const other = await createView(alice, input({ queue: 'billing', name: 'c' }));
    expect((await listViews(alice.actor, { conn: 'main', queue: 'email' })).views.map((v) => v.id)).toEqual([a.id, b.id]);
    expect((await listViews(alice.actor, { queue: 'billing' })).views.map((v) => v.id)).toEqual([other.id]);
    expect((await listViews(alice.actor, { conn: 'elsewhere' })).views).toEqual([]);
    expect((await listViews(alice.actor)).views.map((v) => v.id)).toEqual([other.id, a.id, b.id]);
  });

  it('private views are their owner’s alone; sharing needs operator; changing another’s view needs admin', async () => {
    const mine = await createView(alice, input({ name: 'alice private' }));
    // A viewer cannot share, neither when saving nor by a change.
    expect(await failure(createView(alice, input({ visibility: 'shared' })))).toEqual({ status: 403, message: 'This needs the operator role; you are viewer' });
    expect(await failure(updateView(alice, { id: mine.id, patch: { visibility: 'shared' } }))).toMatchObject({ status: 403 });
    const shared = await createView(olga, input({ name: 'team view', visibility: 'shared' }));

    // Bob sees the shared view, never Alice's private one: not listed, and 404 (not 403) by id.
    expect((await listViews(bob.actor)).views.map((v) => v.id)).toEqual([shared.id]);
    expect((await listViews(alice.actor)).views.map((v) => v.name)).toEqual(['alice private', 'team view']);
    expect(await failure(getView(bob.actor, mine.id))).toEqual({ status: 404, message: `No view with id ${mine.id}` });
    expect(await failure(updateView(bob, { id: mine.id, patch: { name: 'x' } }))).toMatchObject({ status: 404 });
    expect(await failure(deleteView(bob, { id: mine.id }))).toMatchObject({ status: 404 });
    // Bob sees the shared one but it is not his.
    expect(await failure(deleteView(bob, { id: shared.id }))).toMatchObject({ status: 403 });
    expect(await failure(updateView(alice, { id: shared.id, patch: { name: 'mine now' } }))).toMatchObject({ status: 403 });
    // Nor is an admin shown another user's private view…
    expect((await listViews(admin.actor)).views.map((v) => v.id)).toEqual([shared.id]);
    expect(await failure(getView(admin.actor, mine.id))).toMatchObject({ status: 404 });
    // …but an admin may change or delete any view.
    expect(await updateView(admin, { id: shared.id, patch: { name: 'team view (renamed)' } })).toMatchObject({ owner: 'olga@test', name: 'team view (renamed)' });
    expect(await deleteView(admin, { id: mine.id })).toEqual({ deleted: mine.id });
    // The operator shares her private view, and makes it private again: Bob sees it only meanwhile.
    const olgas = await createView(olga, input({ name: 'olga private' }));
    await updateView(olga, { id: olgas.id, patch: { visibility: 'shared' } });
    expect((await listViews(bob.actor)).views.map((v) => v.id).sort()).toEqual([shared.id, olgas.id].sort());
    await updateView(olga, { id: olgas.id, patch: { visibility: 'private' } });
    expect((await listViews(bob.actor)).views.map((v) => v.id)).toEqual([shared.id]);
    expect(await getView(olga.actor, olgas.id)).toMatchObject({ visibility: 'private' });

    const audit = (await viewAudit()).map((e) => [e.action, e.outcome, e.actor]);
    expect(audit).toEqual(
      expect.arrayContaining([
        ['views.create', 'denied', 'alice@test'],
        ['views.update', 'denied', 'alice@test'],
        ['views.delete', 'denied', 'bob@test'],
        ['views.delete', 'refused', 'bob@test'],
        ['views.update', 'refused', 'bob@test'],
        ['views.update', 'ok', 'root@test'],
        ['views.delete', 'ok', 'root@test'],
      ]),
    );
  });

  it(`at most ${VIEW_LIMITS.privatePerOwner} private views per user and ${VIEW_LIMITS.sharedPerConsole} shared ones, even when saves race`, async () => {
    const tries = VIEW_LIMITS.privatePerOwner + 10;
    // Twice the PostgreSQL pool in flight at a time: the saves queue for connections and race on the bound.
    const results = await settleWithAtMost(IN_FLIGHT, tries, (i) => createView(alice, input({ name: `v${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(VIEW_LIMITS.privatePerOwner);
    const refusals = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refusals).toHaveLength(10);
    expect(refusals[0].reason).toMatchObject({ status: 409, message: `You already have ${VIEW_LIMITS.privatePerOwner} private views, the most one user keeps: delete one first` });
    // Another user's bound is their own.
    await createView(bob, input());
    expect((await listViews(alice.actor)).views).toHaveLength(VIEW_LIMITS.privatePerOwner);

    // Shared views are bounded per console, whoever saves them.
    const shared = await settleWithAtMost(IN_FLIGHT, VIEW_LIMITS.sharedPerConsole + 5, (i) => createView(i % 2 ? olga : admin, input({ name: `s${i}`, visibility: 'shared' })));
    expect(shared.filter((r) => r.status === 'fulfilled')).toHaveLength(VIEW_LIMITS.sharedPerConsole);
    expect(shared.filter((r) => r.status === 'rejected')).toHaveLength(5);
    // A private view cannot be shared past the bound either; deleting one makes room again.
    const olgas = await createView(olga, input({ name: 'to share' }));
    expect(await failure(updateView(olga, { id: olgas.id, patch: { visibility: 'shared' } }))).toMatchObject({ status: 409 });
    const oneShared = (await listViews(olga.actor)).views.find((v) => v.visibility === 'shared' && v.owner === 'olga@test')!;
    await deleteView(olga, { id: oneShared.id });
    await updateView(olga, { id: olgas.id, patch: { visibility: 'shared' } });
    // The list answers at most shared + own private.
    expect((await listViews(alice.actor)).views).toHaveLength(VIEW_LIMITS.sharedPerConsole + VIEW_LIMITS.privatePerOwner);
    expect((await listViews(bob.actor)).views).toHaveLength(VIEW_LIMITS.sharedPerConsole + 1);
  });

  it('a change made from a stale read is refused, not applied over the newer one', async () => {
    const view = await createView(alice, input());
    const stale = (await readView(view.id))!;
    await updateView(alice, { id: view.id, patch: { name: 'newer' } });
    expect(await writeView({ ...stale.view, name: 'older' }, stale.json)).toBe('changed');
    expect((await readView(view.id))?.view.name).toBe('newer');
    await deleteView(alice, { id: view.id });
    expect(await writeView({ ...stale.view, name: 'older' }, stale.json)).toBe('changed');
    expect(await readView(view.id)).toBeNull();
  });

  // Store-specific checks are only declared for their store (nothing reported as skipped for the other).
  if (kind === 'redis') it('on Redis: a hash of records and one id set per bound, the keys lib/keys.ts lists', async () => {
    const mine = await createView(alice, input());
    const team = await createView(olga, input({ visibility: 'shared' }));
    const redis = c.redis();
    const viewKeys = (await redis.keys('drover:{console}:views*')).sort();
    expect(viewKeys).toEqual([KEYS.views, KEYS.viewsPrivate('alice@test'), KEYS.viewsShared].sort());
    expect(await redis.type(KEYS.views)).toBe('hash');
    expect(await redis.smembers(KEYS.viewsPrivate('alice@test'))).toEqual([mine.id]);
    expect(await redis.smembers(KEYS.viewsShared)).toEqual([team.id]);
    // Sharing moves the id between the sets; deleting removes it from both.
    await updateView(alice, { id: mine.id, patch: { name: 'still private' } });
    await updateView(admin, { id: mine.id, patch: { visibility: 'shared' } });
    expect(await redis.exists(KEYS.viewsPrivate('alice@test'))).toBe(0);
    expect((await redis.smembers(KEYS.viewsShared)).sort()).toEqual([mine.id, team.id].sort());
    await deleteView(alice, { id: mine.id });
    await deleteView(olga, { id: team.id });
    expect(await redis.keys('drover:{console}:views*')).toEqual([]);
  });

  if (kind === 'postgres') it('a schema at version 2 (the release before views) gets table drover.view by migration 3', async () => {
    // Back to version 2: what the later migrations added goes too (the ledger's highest version is the schema's).
    await c.pool().query(`DROP TABLE drover.view, drover.withheld_operation, drover.link_template, drover.schedule_watch, drover.schedule_run, drover.alert_channel, drover.alert_delivery, drover.alert_episode, drover.worker_setting, drover.busy_last, drover.queue_objective, drover.objective_status, drover.circuit, drover.alert_channel_test`);
    await c.pool().query(`ALTER TABLE drover.operation DROP COLUMN conn, DROP COLUMN queue`);
    await c.pool().query(`DELETE FROM drover.migration WHERE version >= 3`);
    expect(await migrateDroverSchema(c.pool(), 'test')).toEqual({ from: 2, to: DROVER_SCHEMA_VERSION });
    const indexes = await c.pool().query<{ name: string }>(`SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'drover' AND tablename = 'view' ORDER BY 1`);
    expect(indexes.rows.map((r) => r.name)).toEqual(['view_owner_idx', 'view_pkey', 'view_shared_idx']);
    const view = await createView(alice, input());
    expect((await listViews(alice.actor)).views.map((v) => v.id)).toEqual([view.id]);
  });

  describe('/api/v1/views', () => {
    const noParams = { params: Promise.resolve({}) };
    const withId = (id: string) => ({ params: Promise.resolve({ id }) });
    function req(token: string, method = 'GET', body?: unknown, url = 'http://console.test/api/v1/views') {
      return new Request(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    }

    it('saves and reads views over HTTP; a malformed query answers 400 with the parser’s message', async () => {
      const viewer = (await issueApiToken(admin, { name: 'views-viewer', role: 'viewer' })).token;
      const other = (await issueApiToken(admin, { name: 'views-other', role: 'viewer' })).token;
      const body = { conn: 'main', queue: 'email', name: 'api view', query: 'state:failed data.plan:enterprise', columns: ['failed-reason', 'returnvalue.id'] };

      const created = await viewsRoute.POST(req(viewer, 'POST', body), noParams);
      expect(created.status).toBe(201);
      const view = await created.json();
      expect(view).toMatchObject({ ...body, within: 'all', order: 'newest', visibility: 'private' });

      const listed = await (await viewsRoute.GET(req(viewer, 'GET', undefined, 'http://console.test/api/v1/views?conn=main&queue=email'), noParams)).json();
      expect(listed.views.map((v: { id: string }) => v.id)).toEqual([view.id]);
      expect((await viewRoute.GET(req(viewer), withId(view.id))).status).toBe(200);
      expect((await viewRoute.GET(req(other), withId(view.id))).status).toBe(404);
      expect((await (await viewsRoute.GET(req(other), noParams)).json()).views).toEqual([]);
      expect((await viewsRoute.POST(req(viewer, 'POST', { ...body, visibility: 'shared' }), noParams)).status).toBe(403);

      const bad = 'state:failed attempts:>lots';
      let parserMessage = '';
      try {
        parseJobQuery(bad);
      } catch (err) {
        parserMessage = (err as Error).message;
      }
      expect(parserMessage).not.toBe('');
      const refused = await viewsRoute.POST(req(viewer, 'POST', { ...body, query: bad }), noParams);
      expect(refused.status).toBe(400);
      expect((await refused.json()).error).toMatchObject({ message: parserMessage, fieldErrors: { query: [parserMessage] } });
      const patchRefused = await viewRoute.PATCH(req(viewer, 'PATCH', { query: bad }), withId(view.id));
      expect(patchRefused.status).toBe(400);
      expect((await patchRefused.json()).error.message).toBe(parserMessage);

      const invalid = [
        [{ ...body, name: '' }, 'name'],
        [{ ...body, name: 'x'.repeat(81) }, 'name'],
        [{ ...body, name: 'tab\there' }, 'name'],
        [{ ...body, query: 'x'.repeat(501) }, 'query'],
        [{ ...body, within: 'paused' }, 'within'],
        [{ ...body, columns: ['colour'] }, 'columns[0]'],
        [{ ...body, columns: ['data.'] }, 'columns[0]'],
        [{ ...body, columns: ['data.a b'] }, 'columns[0]'],
        [{ ...body, columns: ['id', 'id'] }, 'columns'],
        [{ ...body, columns: Array.from({ length: 9 }, (_, i) => `data.k${i}`) }, 'columns'],
        [{ ...body, columns: [...Array.from({ length: 8 }, (_, i) => `data.k${i}`), 'id', 'name', 'state', 'created', 'started'] }, 'columns'],
        [{ ...body, order: 'random' }, 'order'],
        [{ ...body, visibility: 'public' }, 'visibility'],
        [{ ...body, conn: 'nope' }, 'conn'],
        [{ ...body, owner: 'someone-else' }, '(root)'],
      ] as const;
      for (const [bodyIn, field] of invalid) {
        const res = await viewsRoute.POST(req(viewer, 'POST', bodyIn), noParams);
        expect(res.status, field).toBe(400);
        expect(Object.keys((await res.json()).error.fieldErrors ?? {}), field).toContain(field);
      }

      expect((await viewRoute.PATCH(req(other, 'PATCH', { name: 'mine' }), withId(view.id))).status).toBe(404);
      const patched = await viewRoute.PATCH(req(viewer, 'PATCH', { name: 'renamed', within: 'completed' }), withId(view.id));
      expect(await patched.json()).toMatchObject({ id: view.id, name: 'renamed', within: 'completed' });
      expect((await viewRoute.DELETE(req(other, 'DELETE'), withId(view.id))).status).toBe(404);
      expect((await viewRoute.DELETE(req(viewer, 'DELETE'), withId(view.id))).status).toBe(200);
      expect((await viewRoute.GET(req(viewer), withId(view.id))).status).toBe(404);

      const audit = (await viewAudit()).filter((e) => e.actor.startsWith('token:views-')).map((e) => [e.action, e.outcome, e.actor]);
      expect(audit).toEqual([
        ['views.create', 'ok', 'token:views-viewer'],
        ['views.create', 'denied', 'token:views-viewer'],
        // The malformed query, then the invalid bodies: refusals of one caller aggregate into one entry (audit-flood.test.ts).
        ['views.create', 'invalid', 'token:views-viewer'],
        ['views.update', 'invalid', 'token:views-viewer'],
        ['views.update', 'refused', 'token:views-other'],
        ['views.update', 'ok', 'token:views-viewer'],
        ['views.delete', 'refused', 'token:views-other'],
        ['views.delete', 'ok', 'token:views-viewer'],
      ]);
    });
  });
});
