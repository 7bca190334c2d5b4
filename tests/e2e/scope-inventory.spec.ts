// The abuse inventory's scope dimension (README › Team scopes): every /api/v1 operation of the table,
// read from the console's OpenAPI document (so a new operation is covered the moment it is declared),
// called by principals whose grants keep them away from the target, and by one whose grants cover it.
// Away from the target: a queue or connection does not exist (404), connection-wide and console-wide
// operations are refused (403), lists never carry the target's name, and nothing changes. In scope:
// the same answer as an unscoped admin's.
import { test, expect, request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { Queue } from 'bullmq';
import { apiAs, baseURL, redisUrl } from './support';
import { fillPath, operationInventory, type OperationCase } from './inventory';

const PROBE = 'scope-probe';
/** A queue that exists nowhere: what its answers say is what an out-of-scope queue's must say. */
const GHOST = 'scope-ghost';

type Grant = { connection: string; queue: string; role: 'none' | 'viewer' | 'operator' | 'admin' };

async function tokenWith(admin: APIRequestContext, name: string, grants: Grant[]): Promise<APIRequestContext> {
  const res = await admin.post('/api/v1/tokens', { data: { name: `${name}-${Date.now()}`, role: 'none', grants } });
  expect(res.status(), await res.text()).toBe(201);
  const { token } = (await res.json()) as { token: string };
  return playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
}

/** The operation's URL on queue `queue` (the inventory's own fill for every other parameter). */
function urlOn(c: OperationCase, queue: string): string {
  return fillPath(c.path, c.example?.params).replace(`/queues/inventory-probe`, `/queues/${encodeURIComponent(queue)}`);
}

function call(api: APIRequestContext, c: OperationCase, url: string) {
  // The event stream never ends by itself: it is asked for the probe queue, which must not exist for the caller.
  const target = c.name === 'events' ? `${url}?queue=${encodeURIComponent(`default/${PROBE}`)}` : url;
  return api.fetch(target, { method: c.method, data: c.method === 'GET' ? undefined : {}, maxRedirects: 0, timeout: 30_000 });
}

test('a principal scoped away from the target: 404 for its queues and connection, 403 for the whole connection or console, no name in any list, nothing changed', async () => {
  const queue = new Queue(PROBE, { connection: { url: redisUrl() } });
  await queue.addBulk(Array.from({ length: 3 }, (_, i) => ({ name: 'probe', data: { i } })));
  await queue.add('later', {}, { delay: 3_600_000 });
  const before = { waiting: await queue.getWaitingCount(), delayed: await queue.getDelayedCount(), paused: await queue.isPaused() };

  const admin = await apiAs('admin');
  // Admin elsewhere: on another connection only, and on other queues of this one.
  const awayConnection = await tokenWith(admin, 'away-connection', [{ connection: 'elsewhere', queue: '*', role: 'admin' }]);
  const awayQueue = await tokenWith(admin, 'away-queue', [{ connection: 'default', queue: 'other-team-*', role: 'admin' }]);

  // Sanity: the unscoped admin's overview lists the probe queue, so "not in the answer" means filtered.
  expect(await (await admin.get('/api/v1/queues?refresh=1')).text()).toContain(PROBE);

  const cases = await operationInventory();
  expect(new Set(cases.map((c) => c.scope))).toEqual(new Set(['queue', 'connection', 'whole-connection', 'filtered', 'self', 'global']));
  for (const c of cases) {
    const url = urlOn(c, PROBE);
    for (const [who, api] of [['away-connection', awayConnection], ['away-queue', awayQueue]] as const) {
      const res = await call(api, c, url);
      const text = await res.text();
      const label = `${c.method} ${url} (${c.name}, scope ${c.scope}) as ${who}`;
      expect(res.status(), `${label}: ${text.slice(0, 300)}`).not.toBe(500);
      if (c.scope === 'queue' || (c.scope === 'connection' && who === 'away-connection') || (c.scope === 'whole-connection' && who === 'away-connection')) {
        expect(res.status(), `${label}: ${text.slice(0, 300)}`).toBe(404);
        expect(JSON.parse(text).error.code, label).toBe('not_found');
      } else if (c.name === 'events') {
        expect(res.status(), `${label}: ${text.slice(0, 300)}`).toBe(404);
      } else if (c.scope === 'whole-connection' || c.scope === 'global') {
        expect(res.status(), `${label}: ${text.slice(0, 300)}`).toBe(403);
        expect(JSON.parse(text).error.code, label).toBe('forbidden');
      }
      if (c.scope === 'queue') {
        // Indistinguishable, for this caller, from a queue that does not exist: the same status and words.
        const ghost = await call(api, c, urlOn(c, GHOST));
        expect(res.status(), `${label} vs a missing queue`).toBe(ghost.status());
        expect(text.replaceAll(PROBE, GHOST), `${label} vs a missing queue`).toBe(await ghost.text());
      }
      // Whatever else it answers, nothing of the probe queue is in it (a 404 echoes the name it was asked
      // for, as for any missing queue; the document describing the API names none).
      if (c.name !== 'openapi' && res.status() !== 404) expect(text, label).not.toContain(PROBE);
    }
  }

  expect({ waiting: await queue.getWaitingCount(), delayed: await queue.getDelayedCount(), paused: await queue.isPaused() }).toEqual(before);
  await Promise.all([admin, awayConnection, awayQueue].map((a) => a.dispose()));
  await queue.obliterate({ force: true });
  await queue.close();
});

test('a principal whose grants cover the target gets the unscoped admin’s answer, operation by operation', async () => {
  const queue = new Queue(PROBE + '-in', { connection: { url: redisUrl() } });
  await queue.addBulk(Array.from({ length: 3 }, (_, i) => ({ name: 'probe', data: { i } })));
  const admin = await apiAs('admin');
  const inside = await tokenWith(admin, 'inside', [{ connection: 'default', queue: `${PROBE}-*`, role: 'admin' }]);
  const unscoped = await admin.post('/api/v1/tokens', { data: { name: `unscoped-${Date.now()}`, role: 'admin' } });
  expect(unscoped.status()).toBe(201);
  const globalAdmin = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${(await unscoped.json()).token}` } });

  const compared: string[] = [];
  for (const c of (await operationInventory()).filter((c) => c.scope === 'queue')) {
    // Reads on the seeded queue; mutations on two fresh queues of the same (empty) state, one each.
    const [mine, theirs] = c.method === 'GET' ? [`${PROBE}-in`, `${PROBE}-in`] : [`${PROBE}-ghost-a`, `${PROBE}-ghost-b`];
    const a = await call(inside, c, urlOn(c, mine));
    const b = await call(globalAdmin, c, urlOn(c, theirs));
    expect(a.status(), `${c.method} ${c.path} (${c.name}) in scope vs unscoped: ${(await a.text()).slice(0, 300)}`).toBe(b.status());
    compared.push(c.name);
  }
  expect(compared).toEqual(expect.arrayContaining(['queue.get', 'jobs.list', 'job.get', 'job.retry', 'queue.pause', 'queue.obliterate']));
  for (const name of [`${PROBE}-in`, `${PROBE}-ghost-a`, `${PROBE}-ghost-b`]) {
    const q = new Queue(name, { connection: { url: redisUrl() } });
    await q.obliterate({ force: true }).catch(() => {});
    await q.close();
  }
  await Promise.all([admin, inside, globalAdmin].map((a) => a.dispose()));
  await queue.close();
});
