// The permission matrix with the console on Redis and on PostgreSQL: stored through permissions.set and
// read by permissions.get and every authorization; refused entries (unknown, not held, kept for admin)
// name what is wrong; a change is audited with what it withheld and gave back; another replica's change
// applies here within 2 s; withholding job.retry from operator makes an operator's retry answer 403,
// the job unchanged, and giving it back restores it.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import { ctxAs } from '../helpers/console-env';
import { consoleForThisFile } from '../helpers/console-store';
import { STORE_KINDS } from '../helpers/stores';
import { auditLog } from '../helpers/auth-peek';
import { waitFor } from '../helpers/wait';
import { getPermissions } from '@/lib/permissions/get-permissions';
import { setPermissions } from '@/lib/permissions/set-permissions';
import { withheldFrom, WITHHELD_CACHE_MS } from '@/lib/auth/permissions';
import { permissionsStore } from '@/lib/store/console/permissions';
import { issueApiToken } from '@/lib/users/issue-api-token';
import { KEYS } from '@/lib/keys';
import * as permissionsRoute from '@/app/api/v1/permissions/route';
import * as retryRoute from '@/app/api/v1/connections/[conn]/queues/[queue]/jobs/[id]/retry/route';

const admin = ctxAs('admin', 'root@test');
const operator = ctxAs('operator', 'olga@test');
const noParams = { params: Promise.resolve({}) };

function req(token: string, method = 'GET', body?: unknown, path = '/api/v1/permissions') {
  return new Request(`http://console.test${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function failure(call: Promise<unknown>): Promise<{ status: number; message: string; fieldErrors?: Record<string, string[]> }> {
  try {
    await call;
  } catch (err) {
    const e = err as { status: number; message: string; fieldErrors?: Record<string, string[]> };
    return { status: e.status, message: e.message, fieldErrors: e.fieldErrors };
  }
  throw new Error('the call succeeded');
}

describe.each(STORE_KINDS)('the permission matrix with the console on %s', (kind) => {
  const c = consoleForThisFile(kind, ({ url }) => (kind === 'redis' ? [{ name: 'main', url }] : []));

  beforeEach(async () => {
    await c.reset();
    await setPermissions(admin, { withhold: {} });
  });

  it('stores what permissions.set gives, lists every operation with the roles holding it, and audits the change', async () => {
    const empty = await getPermissions();
    expect(empty.withhold).toEqual({ viewer: [], operator: [], admin: [] });
    expect(empty.configured).toEqual({ viewer: [], operator: [], admin: [] });
    expect(empty.appliesWithinMs).toBe(2_000);
    expect(empty.operations.find((o) => o.name === 'job.retry')).toMatchObject({ table: 'jobs', role: 'operator', roles: ['operator', 'admin'], keptForAdmin: false });
    expect(empty.operations.find((o) => o.name === 'permissions.set')).toMatchObject({ table: 'permissions', role: 'admin', roles: ['admin'], keptForAdmin: true });

    const set = await setPermissions(admin, { withhold: { operator: ['queue.pause', 'job.retry', 'job.retry'], admin: ['queue.obliterate'] } });
    // Each once, in the table's order.
    expect(set.withhold).toEqual({ viewer: [], operator: ['job.retry', 'queue.pause'], admin: ['queue.obliterate'] });
    expect((await getPermissions()).withhold).toEqual(set.withhold);
    expect(await withheldFrom('job.retry', 'operator')).toBe(true);
    expect(await withheldFrom('job.retry', 'admin')).toBe(false);

    await setPermissions(admin, { withhold: { operator: ['job.retry'], viewer: ['job.get'] } });
    const entries = (await auditLog('permissions.set')).filter((e) => e.outcome === 'ok').slice(-2);
    expect(entries.map((e) => e.params)).toEqual([
      { withheld: { operator: ['job.retry', 'queue.pause'], admin: ['queue.obliterate'] }, restored: {} },
      { withheld: { viewer: ['job.get'] }, restored: { operator: ['queue.pause'], admin: ['queue.obliterate'] } },
    ]);

    if (kind === 'redis') expect((await c.redis().smembers(KEYS.withheldOperations)).sort()).toEqual(['operator job.retry', 'viewer job.get']);
    else expect((await c.pool().query('SELECT role, operation FROM drover.withheld_operation ORDER BY 1')).rows).toEqual([{ role: 'operator', operation: 'job.retry' }, { role: 'viewer', operation: 'job.get' }]);
  });

  it('refuses an unknown operation, one the role does not hold, and an operation on users, tokens or permissions withheld from admin, naming each', async () => {
    await setPermissions(admin, { withhold: { operator: ['job.retry'] } });
    const refused = await failure(setPermissions(admin, { withhold: { operator: ['job.retri'], viewer: ['user.add'], admin: ['user.update', 'permissions.set', 'tokens.list'] } }));
    expect(refused.status).toBe(400);
    expect(refused.fieldErrors).toEqual({
      'withhold.viewer[0]': ['user.add needs the admin role: viewer does not hold it, so there is nothing to withhold'],
      'withhold.operator[0]': ['"job.retri" is not an operation (GET /api/v1/permissions lists them)'],
      'withhold.admin[0]': ['user.update cannot be withheld from admin: the operations on users, tokens and permissions stay with admin, so no change can lock every admin out'],
      'withhold.admin[1]': [expect.stringContaining('permissions.set cannot be withheld from admin')],
      'withhold.admin[2]': [expect.stringContaining('tokens.list cannot be withheld from admin')],
    });
    // Nothing written; the refusal is in the audit log.
    expect((await getPermissions()).withhold.operator).toEqual(['job.retry']);
    expect((await auditLog('permissions.set')).at(-1)).toMatchObject({ outcome: 'invalid', message: expect.stringContaining('withhold.viewer[0]: user.add needs the admin role') });
    // An operator cannot set the matrix at all.
    expect(await failure(setPermissions(operator, { withhold: {} }))).toMatchObject({ status: 403 });
  });

  it(`a change another replica stores applies here within ${WITHHELD_CACHE_MS / 1000} s`, async () => {
    expect(await withheldFrom('queue.pause', 'operator')).toBe(false);
    // Written straight to the store, as another console process's permissions.set does.
    await permissionsStore().replace([{ role: 'operator', operation: 'queue.pause' }]);
    const started = Date.now();
    await waitFor(() => withheldFrom('queue.pause', 'operator'), { timeout: WITHHELD_CACHE_MS + 1_000, interval: 100 });
    expect(Date.now() - started).toBeLessThanOrEqual(WITHHELD_CACHE_MS + 300);
  });

  it('GET and PUT /api/v1/permissions: a global admin reads and replaces the matrix; an operator gets 403', async () => {
    const adminToken = (await issueApiToken(admin, { name: 'perm-admin', role: 'admin' })).token;
    const operatorToken = (await issueApiToken(admin, { name: 'perm-operator', role: 'operator' })).token;
    // An admin of some queues only is not a global admin.
    const scopedAdmin = (await issueApiToken(admin, { name: 'perm-scoped', role: 'none', grants: [{ connection: '*', queue: 'billing-*', role: 'admin' }] })).token;

    const put = await permissionsRoute.PUT(req(adminToken, 'PUT', { withhold: { operator: ['job.promote'] } }), noParams);
    expect(put.status).toBe(200);
    expect((await put.json()).withhold.operator).toEqual(['job.promote']);
    const got = await permissionsRoute.GET(req(adminToken), noParams);
    expect((await got.json()).withhold.operator).toEqual(['job.promote']);

    for (const token of [operatorToken, scopedAdmin]) {
      const denied = await permissionsRoute.GET(req(token), noParams);
      expect(denied.status).toBe(403);
    }
    const bad = await permissionsRoute.PUT(req(adminToken, 'PUT', { withhold: { admin: ['user.remove'] } }), noParams);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('user.remove cannot be withheld from admin');
  });

  if (kind === 'redis') {
    const queues: Queue[] = [];
    afterAll(async () => {
      await Promise.all(queues.map((q) => q.close()));
    });

    it('withholding job.retry from operator makes an operator’s retry answer 403, the job unchanged; giving it back restores it', async () => {
      const queue = new Queue('billing-retry', { connection: { url: c.url } });
      queues.push(queue);
      const worker = new Worker('billing-retry', async () => { throw new Error('card declined'); }, { connection: { url: c.url, maxRetriesPerRequest: null } });
      const job = await queue.add('charge', { amount: 5 });
      await waitFor(async () => (await queue.getJobState(job.id!)) === 'failed');
      await worker.close();
      const operatorToken = (await issueApiToken(admin, { name: 'retry-operator', role: 'operator' })).token;
      const retry = (token: string) =>
        retryRoute.POST(req(token, 'POST', {}, `/api/v1/connections/main/queues/billing-retry/jobs/${job.id}/retry`), { params: Promise.resolve({ conn: 'main', queue: 'billing-retry', id: job.id! }) });

      await setPermissions(admin, { withhold: { operator: ['job.retry'] } });
      const refused = await retry(operatorToken);
      expect(refused.status).toBe(403);
      expect((await refused.json()).error.message).toBe('An admin has withheld job.retry from the operator role (Users & tokens › Permissions)');
      expect(await queue.getJobState(job.id!)).toBe('failed');
      expect((await queue.getJob(job.id!))?.attemptsMade).toBe(1);
      expect((await auditLog('job.retry')).at(-1)).toMatchObject({ outcome: 'denied', actor: 'token:retry-operator' });

      await setPermissions(admin, { withhold: {} });
      const allowed = await retry(operatorToken);
      expect(allowed.status).toBe(200);
      expect(['waiting', 'wait']).toContain(await queue.getJobState(job.id!));
    });
  }
});
