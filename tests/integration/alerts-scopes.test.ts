// Team scopes on alerts, with the console on either store: a scoped admin sees and manages only rules on
// queues it is admin of (rules on every queue of a connection need admin on all of them, rules on every
// connection the global admin role); another rule does not exist for it. The firing banner and the
// history show only what the caller's scope covers. Rule states and history are written through the
// alerts store (lib/alerts/store.ts) as the evaluator writes them.
import { beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../helpers/stores';
import { consoleForThisFile } from '../helpers/console-store';
import { ctxAs } from '../helpers/console-env';
import { accessOf, principalWithAccess, type Principal } from '@/lib/auth/principal';
import type { Grant } from '@/lib/auth/scope';
import type { Role } from '@/lib/auth/roles';
import { alertRuleInputSchema, type AlertRuleInput, type PublicAlertRule } from '@/lib/alerts/rule';
import { createAlertRule } from '@/lib/alerts/create-alert-rule';
import { updateAlertRule } from '@/lib/alerts/update-alert-rule';
import { deleteAlertRule } from '@/lib/alerts/delete-alert-rule';
import { testAlertRule } from '@/lib/alerts/test-alert-rule';
import { listAlertHistory, listAlertRules } from '@/lib/alerts/list-alerts';
import { listFiringAlerts } from '@/lib/alerts/list-firing-alerts';
import { appendHistory, readRules, writeStates, type AlertHistoryEntry } from '@/lib/alerts/store';
import type { RuleState } from '@/lib/alerts/evaluate-rule';
import { auditQuerySchema, listAudit } from '@/lib/audit/list-audit';

const grant = (connection: string, queue: string, role: Grant['role']): Grant => ({ connection, queue, role });
const who = (name: string, global: Role | null, grants: Grant[]): Principal => principalWithAccess({ kind: 'session', id: name, name }, { global, grants });
const as = (actor: Principal) => ({ actor, via: 'api' as const });
const admin = ctxAs('admin', 'root@test');

/** admin of main's billing-* queues and nothing else */
const billingAdmin = who('ba@test', null, [grant('main', 'billing-*', 'admin')]);
/** the same, but viewer of every other queue of main */
const billingAdminViewer = who('bav@test', null, [grant('main', '*', 'viewer'), grant('main', 'billing-*', 'admin')]);
/** admin of every queue of main */
const mainAdmin = who('ma@test', null, [grant('main', '*', 'admin')]);
/** viewer of main's billing-* queues */
const billingViewer = who('bv@test', null, [grant('main', 'billing-*', 'viewer')]);

const rule = (name: string, fields: Partial<AlertRuleInput> & Pick<AlertRuleInput, 'kind'>): AlertRuleInput =>
  alertRuleInputSchema.parse({ name, connection: 'main', queue: null, threshold: 10, webhookUrl: 'http://127.0.0.1:9/hook', ...fields });

describe.each(STORE_KINDS)('alerts within a team scope (console on %s)', (kind) => {
  const console_ = consoleForThisFile(kind, ({ url }) => [
    { name: 'main', url },
    { name: 'other', url },
  ]);
  const r: Record<string, PublicAlertRule> = {};
  const names = (rules: Array<{ name: string }>) => rules.map((x) => x.name).sort();

  beforeAll(async () => {
    await console_.reset();
    r.billingA = await createAlertRule(admin, rule('billing-a depth', { kind: 'waiting-depth', queue: 'billing-a' }));
    r.email = await createAlertRule(admin, rule('email depth', { kind: 'waiting-depth', queue: 'email' }));
    r.everyMain = await createAlertRule(admin, rule('every queue of main', { kind: 'waiting-depth' }));
    r.mainDown = await createAlertRule(admin, rule('main unreachable', { kind: 'redis-unreachable' }));
    r.everywhere = await createAlertRule(admin, rule('every connection', { kind: 'waiting-depth', connection: null }));
    r.otherBilling = await createAlertRule(admin, rule('other billing-a', { kind: 'waiting-depth', connection: 'other', queue: 'billing-a' }));
  });

  it('lists only the rules the caller may manage', async () => {
    expect(names(await listAlertRules())).toHaveLength(6);
    expect(names(await listAlertRules(accessOf(admin.actor)))).toHaveLength(6);
    expect(names(await listAlertRules(accessOf(billingAdmin)))).toEqual(['billing-a depth']);
    expect(names(await listAlertRules(accessOf(mainAdmin)))).toEqual(['billing-a depth', 'email depth', 'every queue of main', 'main unreachable']);
  });

  it('answers a rule outside the scope exactly as an unknown id, and changes nothing', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const attempt of [
      (id: string) => updateAlertRule(as(billingAdmin), { id, patch: { threshold: 1 } }),
      (id: string) => deleteAlertRule(as(billingAdmin), { id }),
      (id: string) => testAlertRule(as(billingAdmin), { id }),
    ]) {
      await expect(attempt(r.email.id)).rejects.toMatchObject({ status: 404, message: `No alert rule with id ${r.email.id}` });
      await expect(attempt(unknown)).rejects.toMatchObject({ status: 404, message: `No alert rule with id ${unknown}` });
    }
    await expect(deleteAlertRule(as(mainAdmin), { id: r.everywhere.id })).rejects.toMatchObject({ status: 404 });
    expect((await readRules()).find((x) => x.id === r.email.id)?.threshold).toBe(10);
    expect(await readRules()).toHaveLength(6);
    const [denied] = (await listAudit(auditQuerySchema.parse({ limit: 1 }))).entries;
    expect([denied.action, denied.outcome]).toEqual(['alert.delete', 'denied']);
  });

  it('creates and changes rules only on queues the caller is admin of (404 for a queue it cannot see, 403 for one it only views)', async () => {
    const mine = await createAlertRule(as(billingAdmin), rule('billing-b depth', { kind: 'waiting-depth', queue: 'billing-b' }));
    expect(names(await listAlertRules(accessOf(billingAdmin)))).toEqual(['billing-a depth', 'billing-b depth']);
    await expect(createAlertRule(as(billingAdmin), rule('x', { kind: 'waiting-depth', queue: 'email' }))).rejects.toMatchObject({ status: 404, message: 'Queue "email" not found on connection "main"' });
    await expect(createAlertRule(as(billingAdminViewer), rule('x', { kind: 'waiting-depth', queue: 'email' }))).rejects.toMatchObject({ status: 403 });
    await expect(createAlertRule(as(billingAdmin), rule('x', { kind: 'waiting-depth' }))).rejects.toMatchObject({ status: 403 });
    await expect(createAlertRule(as(billingAdmin), rule('x', { kind: 'dlq-growth', minutes: 5 }))).rejects.toMatchObject({ status: 403 });
    await expect(createAlertRule(as(billingAdmin), rule('x', { kind: 'waiting-depth', connection: 'other', queue: 'billing-a' }))).rejects.toMatchObject({ status: 404, message: 'Unknown connection "other"' });
    await expect(createAlertRule(as(mainAdmin), rule('x', { kind: 'waiting-depth', connection: null }))).rejects.toMatchObject({ status: 403 });
    expect((await createAlertRule(as(mainAdmin), rule('main dlq', { kind: 'dlq-growth', minutes: 5 }))).connection).toBe('main');

    // Its own rule: changed within the scope, not moved out of it.
    expect((await updateAlertRule(as(billingAdmin), { id: mine.id, patch: { threshold: 99 } })).threshold).toBe(99);
    await expect(updateAlertRule(as(billingAdmin), { id: mine.id, patch: { queue: 'email' } })).rejects.toMatchObject({ status: 404 });
    expect((await readRules()).find((x) => x.id === mine.id)?.queue).toBe('billing-b');
    expect(await deleteAlertRule(as(billingAdmin), { id: mine.id })).toEqual({ deleted: mine.id });
    // Its audit entries name the rule's queue, so the scoped admin reads them; the global ones it does not.
    const audit = (await listAudit(auditQuerySchema.parse({ action: 'alert.', limit: 50 }), accessOf(billingAdmin))).entries;
    expect(audit.filter((e) => e.outcome === 'ok').map((e) => e.action)).toEqual(['alert.delete', 'alert.update', 'alert.create', 'alert.create']);
    expect(audit.every((e) => e.connection === 'main' && e.queue?.startsWith('billing-'))).toBe(true);
  });

  it('shows firing alerts and history of in-scope targets only', async () => {
    const now = Date.now();
    const target = (connection: string, queue: string | null, since: number) => ({ connection, queue, state: 'firing' as const, since, value: 11, lastNotifiedAt: null, announced: true });
    const states: Record<string, RuleState> = {
      [r.billingA.id]: { evaluatedAt: now, targets: { 'main/billing-a': target('main', 'billing-a', now - 3000) } },
      [r.email.id]: { evaluatedAt: now, targets: { 'main/email': target('main', 'email', now - 2000) } },
      [r.mainDown.id]: { evaluatedAt: now, targets: { main: target('main', null, now - 1000) } },
      [r.otherBilling.id]: { evaluatedAt: now, targets: { 'other/billing-a': target('other', 'billing-a', now) } },
    };
    await writeStates(states, new Set(Object.keys(states)), []);
    expect((await listFiringAlerts()).total).toBe(4);
    const seen = await listFiringAlerts(accessOf(billingViewer));
    expect(seen.total).toBe(2);
    expect(seen.firing.map((f) => [f.rule, f.connection, f.queue])).toEqual([
      ['billing-a depth', 'main', 'billing-a'],
      ['main unreachable', 'main', null],
    ]);

    const entry = (ruleId: string, ruleName: string, type: AlertHistoryEntry['type'], target: string | null): AlertHistoryEntry => ({
      at: now, ruleId, ruleName, kind: 'waiting-depth', type, target, value: null, notification: { outcome: 'suppressed', reason: 'test' }, text: ruleName,
    });
    await appendHistory([
      entry(r.billingA.id, 'billing-a depth', 'firing', 'main/billing-a'),
      entry(r.email.id, 'email depth', 'firing', 'main/email'),
      entry(r.billingA.id, 'billing-a depth', 'test', null),
      entry(r.email.id, 'email depth', 'test', null),
      entry(r.mainDown.id, 'main unreachable', 'firing', 'main'),
    ]);
    const mineOnly = await listAlertHistory({ access: accessOf(billingAdmin) });
    expect(mineOnly.map((e) => [e.ruleName, e.type])).toEqual(expect.arrayContaining([['billing-a depth', 'firing'], ['billing-a depth', 'test']]));
    expect(mineOnly.every((e) => e.ruleId === r.billingA.id)).toBe(true);
    expect((await listAlertHistory({ access: accessOf(mainAdmin) })).length).toBeGreaterThanOrEqual(5);
    expect((await listAlertHistory()).length).toBeGreaterThanOrEqual(5);
  });

  it('scopes a job scheduler’s history entries by their queue, not by splitting "<conn>/<queue>/<id>" at the first slash', async () => {
    const now = Date.now();
    const scheduleEntry = (queue: string, id: string): AlertHistoryEntry => ({
      at: now, ruleId: r.email.id, ruleName: `${queue} schedules`, kind: 'schedule-missed', type: 'firing', target: `main/${queue}/${id}`, connection: 'main', queue,
      value: 1, notification: { outcome: 'suppressed', reason: 'test' }, text: `${queue}/${id} missed`,
    });
    await appendHistory([scheduleEntry('payroll', 'nightly'), scheduleEntry('email', 'digest')]);
    // A global admin kept out of payroll: the payroll scheduler's entry was read as queue "payroll/nightly" and shown.
    const notPayroll = who('np@test', 'admin', [grant('main', 'payroll', 'none')]);
    const seenByNotPayroll = (await listAlertHistory({ access: accessOf(notPayroll) })).map((e) => e.text);
    expect(seenByNotPayroll).toContain('email/digest missed');
    expect(seenByNotPayroll).not.toContain('payroll/nightly missed');
    // An admin of exactly main/email sees its own queue's scheduler entry (it was hidden as "email/digest").
    const emailAdmin = who('ea@test', null, [grant('main', 'email', 'admin')]);
    expect((await listAlertHistory({ access: accessOf(emailAdmin) })).map((e) => e.text)).toContain('email/digest missed');
  });
});
