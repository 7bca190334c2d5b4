// Team scopes on the audit log, on both stores of the console connection: an admin of some queues only
// reads the entries about those queues; entries about users, tokens, sign-ins or the console stay with
// global admins; the walk is the same bounded, cursor-continued one as an unscoped admin's.
import { beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/stores';
import { consoleForThisFile } from '../helpers/console-store';
import { accessOf, principalWithAccess, type Principal } from '@/lib/auth/principal';
import type { Grant } from '@/lib/auth/scope';
import type { Role } from '@/lib/auth/roles';
import { recordAudit } from '@/lib/audit/record-audit';
import { auditQuerySchema, listAudit } from '@/lib/audit/list-audit';
import { authorize } from '@/lib/auth/authorize';
import { consoleOperations } from '@/lib/operations/console';
import { scopeOf } from '@/lib/operations/define';

const grant = (connection: string, queue: string, role: Grant['role']): Grant => ({ connection, queue, role });
const who = (name: string, global: Role | null, grants: Grant[]): Principal => principalWithAccess({ kind: 'session', id: name, name }, { global, grants });
const query = (q: Record<string, unknown> = {}) => auditQuerySchema.parse(q);
const entry = (action: string, target: { connection?: string; queue?: string }) => recordAudit({ actor: 'someone@test', role: 'admin', via: 'api', action, outcome: 'ok', ...target });

/** admin of main's billing-* queues, viewer of the rest of main */
const billingAdmin = who('ba@test', 'viewer', [grant('main', 'billing-*', 'admin')]);
/** operator on billing-*: not an admin anywhere */
const billingOperator = who('bo@test', null, [grant('main', 'billing-*', 'operator')]);
/** global admin, but nothing of main's secret-* queues */
const adminButSecret = who('as@test', 'admin', [grant('main', 'secret-*', 'none')]);

describe.each(STORE_KINDS)('the audit log within a team scope (console on %s)', (kind) => {
  consoleForThisFile(kind);

  beforeAll(async () => {
    // Oldest first: 1,200 entries about email (out of a billing admin's scope) under one of billing-a.
    await entry('job.retry', { connection: 'main', queue: 'billing-a' });
    for (let i = 0; i < 1200; i += 100) await Promise.all(Array.from({ length: 100 }, () => entry('job.remove', { connection: 'main', queue: 'email' })));
    await entry('user.create', {});
    await entry('token.issue', {});
    await entry('queue.pauseAll', { connection: 'main' });
    await entry('job.retry', { connection: 'other', queue: 'billing-b' });
    await entry('job.promote', { connection: 'main', queue: 'secret-x' });
    await entry('job.add', { connection: 'main', queue: 'billing-b' });
  });

  it('shows a global admin without grants everything, as before', async () => {
    const page = await listAudit(query({ limit: 10 }));
    expect(page.entries.map((e) => e.action)).toEqual(['job.add', 'job.promote', 'job.retry', 'queue.pauseAll', 'token.issue', 'user.create', 'job.remove', 'job.remove', 'job.remove', 'job.remove']);
    expect(page.total).toBe(1207);
    expect((await listAudit(query({ limit: 10 }), accessOf(who('g@test', 'admin', [])))).entries).toEqual(page.entries);
  });

  it('shows a scoped admin only the entries of queues it is admin of, walking on past the others', async () => {
    const page = await listAudit(query({ limit: 10 }), accessOf(billingAdmin));
    expect(page.entries.map((e) => [e.action, e.connection, e.queue])).toEqual([
      ['job.add', 'main', 'billing-b'],
      ['job.retry', 'main', 'billing-a'],
    ]);
    expect(page.total).toBeNull();
    expect(page.cursor).toBeNull();
    expect(page.scanned).toBe(1207);
    // Filters apply within the scope: the queue filter on an out-of-scope queue finds nothing.
    expect((await listAudit(query({ queue: 'email' }), accessOf(billingAdmin))).entries).toEqual([]);
  });

  it('bounds the entries one request examines and returns a cursor to go on', async () => {
    const first = await listAudit(query({ limit: 10 }), accessOf(billingAdmin), 500);
    expect(first.entries.map((e) => e.queue)).toEqual(['billing-b']);
    expect(first.scanned).toBe(500);
    expect(first.cursor).not.toBeNull();
    let cursor = first.cursor;
    const later: string[] = [];
    for (let i = 0; i < 5 && cursor; i++) {
      const next = await listAudit(query({ limit: 10, cursor }), accessOf(billingAdmin), 500);
      expect(next.scanned).toBeLessThanOrEqual(500);
      later.push(...next.entries.map((e) => e.queue!));
      cursor = next.cursor;
    }
    expect([later, cursor]).toEqual([['billing-a'], null]);
  });

  it('keeps console-wide and whole-connection entries from scoped admins, and narrower grants apply to a global admin', async () => {
    const seen = (await listAudit(query({ limit: 20 }), accessOf(adminButSecret))).entries.map((e) => e.action);
    expect(seen).not.toContain('job.promote');
    expect(seen).toEqual(expect.arrayContaining(['job.add', 'user.create', 'token.issue', 'job.retry']));
    // admin on every queue of main except secret-*: not admin of the whole connection
    expect(seen).not.toContain('queue.pauseAll');
    const wholeMain = who('wm@test', null, [grant('main', '*', 'admin')]);
    const main = (await listAudit(query({ limit: 20 }), accessOf(wholeMain))).entries.map((e) => e.action);
    expect(main).toContain('queue.pauseAll');
    expect(main).not.toContain('user.create');
    expect(main.filter((a) => a === 'job.retry')).toHaveLength(0);
  });

  it('refuses audit.list to a caller who is admin nowhere, and runs it scoped for one who is', async () => {
    const op = consoleOperations.audit;
    await expect(authorize(billingOperator, { name: op.name, role: op.role, scope: scopeOf(op) }, {})).rejects.toMatchObject({ status: 403 });
    const actor = await authorize(billingAdmin, { name: op.name, role: op.role, scope: scopeOf(op) }, {});
    const out = (await op.run({ actor, via: 'api' }, { params: undefined, query: query({ limit: 5 }), body: undefined })) as { entries: Array<{ queue?: string }>; total: number | null };
    expect([out.entries.map((e) => e.queue), out.total]).toEqual([['billing-b', 'billing-a'], null]);
  });
});
