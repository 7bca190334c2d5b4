// Adversarial review of team scopes (README › Team scopes): doors through which a principal with grants
// reaches a queue outside its scope. Each test states what a scoped caller must not get.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import { startConfiguredStore, type TestStore } from '../helpers/stores';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { principalWithAccess, type Principal } from '@/lib/auth/principal';
import type { Grant } from '@/lib/auth/scope';
import type { Role } from '@/lib/auth/roles';
import { jobOperations } from '@/lib/operations/jobs';
import { queueOperations } from '@/lib/operations/queues';
import { DroverError, NotFoundError } from '@/lib/errors';
import { createView } from '@/lib/views/create-view';
import { recordAudit } from '@/lib/audit/record-audit';
import { auditQuerySchema, listAudit } from '@/lib/audit/list-audit';
import { accessOf } from '@/lib/auth/principal';
import { mayManageRule, maySeeTarget } from '@/lib/alerts/rule-scope';
import { viewInputSchema } from '@/lib/views/view';
import { callOperation, refusal } from '../helpers/operations';

const grant = (queue: string, role: Grant['role'], connection = 'main'): Grant => ({ connection, queue, role });
const who = (name: string, global: Role | null, grants: Grant[]): Principal => principalWithAccess({ kind: 'session', id: name, name }, { global, grants });

/** Viewer on every queue of main except hr-* (README's own example of a grant taking queues away). */
const notHr = who('not-hr@test', 'viewer', [grant('hr-*', 'none')]);
/** Admin of billing-* only. */
const billingAdmin = who('billing-admin@test', null, [grant('billing-*', 'admin')]);
/** Viewer of billing-* only. */
const billingViewer = who('billing-viewer@test', null, [grant('billing-*', 'viewer')]);

describe('team scopes: doors found in review', () => {
  let store: TestStore;
  const conn = () => getConnection('main');

  async function deadLetters(queue: Queue, count: number, secret: string): Promise<void> {
    const jobs = await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'export', data: { n: i, secret }, opts: { attempts: 1 } })));
    const worker = store.worker(queue.name, async () => {
      throw new Error('boom');
    }, { concurrency: 10 });
    const ids = jobs.map((j) => j.id!);
    await waitFor(async () => (await Promise.all(ids.map((id) => queue.getJobState(id)))).every((s) => s === 'failed'), { timeout: 30_000, what: `failed jobs in ${queue.name}` });
    await worker.close();
    const captured = await conn().store.deadLetters.captureByIds(queue.name, ids, { capturedBy: 'console:test' });
    expect(captured.captured).toHaveLength(count);
  }

  beforeAll(async () => {
    store = await startConfiguredStore('redis');
    await deadLetters(store.queue('hr-exports'), 2, 'salary-of-the-ceo');
    await deadLetters(store.queue('billing-a'), 1, 'invoice');
  });

  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  it('the DLQ queue read as an ordinary queue does not hand a scoped viewer the dead letters of hidden origin queues', async () => {
    const dlq = conn().config.deadLetterQueue;
    // The DLQ's own routes hide hr-exports' dead letters from this caller (lib/dlq/origin-scope.ts) …
    // … so the generic queue routes on the DLQ queue must not show them either: not listed, data not readable.
    const outcome = await callOperation<{ jobs?: Array<{ id: string }> }>(jobOperations.listJobs, notHr, { params: { conn: 'main', queue: dlq }, query: { state: 'failed', page: 1, size: 25, order: 'newest' } }).catch((err: Error) => err);
    if (outcome instanceof Error) {
      expect(outcome).toBeInstanceOf(NotFoundError);
    } else {
      const ids = (outcome.jobs ?? []).map((j) => j.id);
      const leaked: string[] = [];
      for (const id of ids) {
        const field = await callOperation<{ text?: string }>(jobOperations.getJobData, notHr, { params: { conn: 'main', queue: dlq, id }, query: { limit: 262_144 } });
        if (JSON.stringify(field).includes('salary-of-the-ceo')) leaked.push(id);
      }
      expect(leaked, 'hr-exports job data read through the DLQ queue').toEqual([]);
    }
    // Its overview row / queue page: a scoped viewer that does not see every queue gets a 404 like any hidden queue.
    expect(await refusal(callOperation(queueOperations.getQueue, billingViewer, { params: { conn: 'main', queue: dlq } }))).toBeInstanceOf(NotFoundError);
  });

  it('a flow parent in scope does not list children of a queue outside the scope', async () => {
    const flow = await store.flowProducer().add({
      name: 'parent',
      queueName: 'billing-flow',
      data: {},
      children: [
        { name: 'payroll-run-ceo', queueName: 'hr-payroll', data: { secret: 1 } },
        { name: 'invoice', queueName: 'billing-flow-child', data: {} },
      ],
    });
    const parentId = flow.job.id!;
    const { children } = await callOperation<{ children: Array<{ queue: string; name: string | null }> }>(jobOperations.getJobChildren, billingViewer, { params: { conn: 'main', queue: 'billing-flow', id: parentId } });
    expect(children.map((c) => c.queue)).not.toContain('hr-payroll');
    expect(children.map((c) => c.name)).not.toContain('payroll-run-ceo');
    // … nor does a child in scope name its parent in a queue outside it.
    const upward = await store.flowProducer().add({ name: 'payroll-parent', queueName: 'hr-payroll', data: {}, children: [{ name: 'charge', queueName: 'billing-flow-up', data: {} }] });
    const child = await callOperation<{ parent: { queue: string } | null }>(jobOperations.getJob, billingViewer, { params: { conn: 'main', queue: 'billing-flow-up', id: upward.children![0].job.id! } });
    expect(child.parent).toBeNull();
  });

  it('an admin of billing-* cannot remove jobs of hr-* by removing their flow parent', async () => {
    const flow = await store.flowProducer().add({
      name: 'parent',
      queueName: 'billing-flow2',
      data: {},
      children: [{ name: 'payroll', queueName: 'hr-payroll2', data: {} }],
    });
    const parentId = flow.job.id!;
    const childId = flow.children![0].job.id!;
    const refused = await callOperation(jobOperations.removeJob, billingAdmin, { params: { conn: 'main', queue: 'billing-flow2', id: parentId } }).catch((err: Error) => err);
    expect(refused).toBeInstanceOf(DroverError);
    expect((refused as DroverError).status).toBe(403);
    expect((refused as Error).message).toMatch(/is a flow parent: removing it removes its child jobs too.*operator role on every queue of connection "main"/);
    // The hr-payroll2 job (outside the caller's scope) and its parent are still there.
    expect(await store.queue('hr-payroll2').getJobState(childId)).not.toBe('unknown');
    expect(await store.queue('billing-flow2').getJobState(parentId)).not.toBe('unknown');
    // A job without children is removed as before, and an unscoped admin may still remove the parent.
    const plain = await store.queue('billing-flow2').add('plain', {});
    await callOperation(jobOperations.removeJob, billingAdmin, { params: { conn: 'main', queue: 'billing-flow2', id: plain.id! } });
    expect(await store.queue('billing-flow2').getJobState(plain.id!)).toBe('unknown');
    await callOperation(jobOperations.removeJob, who('root@test', 'admin', []), { params: { conn: 'main', queue: 'billing-flow2', id: parentId } });
    expect(await store.queue('hr-payroll2').getJobState(childId)).toBe('unknown');
  });

  it('saving a view answers the same for a connection outside the scope and for one that does not exist', async () => {
    const save = (conn: string) => createView({ actor: billingViewer, via: 'api' }, viewInputSchema.parse({ conn, queue: 'payroll', name: 'probe', query: '' })).catch((err: DroverError) => err);
    const outside = await save('console');
    const unknown = await save('no-such-connection');
    expect(outside).toBeInstanceOf(DroverError);
    expect(unknown).toBeInstanceOf(DroverError);
    // Same status and the same message but for the name: whether "console" exists does not show.
    expect([(unknown as DroverError).status, (unknown as DroverError).message.replace('no-such-connection', 'X')]).toEqual([(outside as DroverError).status, (outside as DroverError).message.replace('console', 'X')]);
  });

  it('a global admin whose grants take hr-* away does not read, through the DLQ queue, audit entries about hr-* dead letters', async () => {
    const dlq = conn().config.deadLetterQueue;
    await recordAudit({ actor: 'root@test', role: 'admin', via: 'api', action: 'dlq.requeue', outcome: 'ok', connection: 'main', queue: dlq, params: { filter: { queue: 'hr-exports', q: 'salary' } } });
    const notHrAdmin = who('not-hr-admin@test', 'admin', [grant('hr-*', 'none')]);
    const seen = await listAudit(auditQuerySchema.parse({ action: 'dlq.requeue' }), accessOf(notHrAdmin));
    expect(seen.entries).toEqual([]);
  });

  it('alerts on the DLQ queue (every origin queue\'s dead letters) need the role on every queue of the connection', async () => {
    const dlq = conn().config.deadLetterQueue;
    const notHrAdmin = who('not-hr-admin@test', 'admin', [grant('hr-*', 'none')]);
    expect(mayManageRule(accessOf(notHrAdmin), { connection: 'main', queue: dlq })).toBe(false);
    expect(maySeeTarget(accessOf(notHr), 'main', dlq)).toBe(false);
  });
});
