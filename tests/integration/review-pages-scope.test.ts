// Review: pages are a door too (README › Team scopes: "one check runs for every door — route handler,
// server action, page"). The page components run here as Next renders them on the server, with only the
// session lookup replaced by a fixed principal; the store is real.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReactElement } from 'react';
import { startConfiguredStore, type TestStore } from '../helpers/stores';
import { closeAllConnections } from '@/lib/redis/connections';
import { principalWithAccess, type Principal } from '@/lib/auth/principal';
import { setPermissions } from '@/lib/permissions/set-permissions';
import { ctxAs } from '../helpers/console-env';

const session = vi.hoisted(() => ({ principal: null as Principal | null }));
vi.mock('@/lib/auth/guard', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/auth/guard')>();
  return {
    ...original,
    currentSessionPrincipal: async () => session.principal,
    requirePageRole: async () => {
      if (!session.principal) throw new Error('no principal');
      return session.principal;
    },
  };
});

/** viewer of main/billing-* only: the connection "console" holds no queue of theirs. */
const billingViewer = principalWithAccess({ kind: 'session', id: 'bv@test', name: 'bv@test' }, { global: null, grants: [{ connection: 'main', queue: 'billing-*', role: 'viewer' }] });

describe('pages within a team scope', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await startConfiguredStore('redis');
    await store.queue('billing-a').add('x', {});
  });
  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  it('the dead-letters page does not name connections where the caller sees no queue', async () => {
    session.principal = billingViewer;
    const { default: DeadLettersPage } = await import('@/app/(console)/dlq/[conn]/page');
    const element = (await DeadLettersPage({ params: Promise.resolve({ conn: 'main' }), searchParams: Promise.resolve({}) })) as ReactElement<{ connections?: string[] }>;
    expect(element.props.connections).toBeDefined();
    expect(element.props.connections).toEqual(['main']);
  });

  it('an operation an admin withheld from a role is not served by its page either (the schedules page, schedules.list)', async () => {
    await setPermissions(ctxAs('admin', 'root@test'), { withhold: { viewer: ['schedules.list'] } });
    try {
      session.principal = principalWithAccess({ kind: 'session', id: 'v@test', name: 'v@test' }, { global: 'viewer', grants: [] });
      const { default: SchedulesPage } = await import('@/app/(console)/schedules/page');
      const element = (await SchedulesPage({ searchParams: Promise.resolve({}) })) as ReactElement<{ error?: { status: number } }>;
      // GET /api/v1/schedulers answers this viewer 403; the page must not list the schedules either.
      expect(element.props.error?.status).toBe(403);
    } finally {
      await setPermissions(ctxAs('admin', 'root@test'), { withhold: {} });
    }
  });

  it('the alerts page and the job page’s attempts follow the permission matrix too (alerts.list, job.attempts)', async () => {
    await setPermissions(ctxAs('admin', 'root@test'), { withhold: { admin: ['alerts.list'], viewer: ['job.attempts'] } });
    try {
      session.principal = principalWithAccess({ kind: 'session', id: 'a@test', name: 'a@test' }, { global: 'admin', grants: [] });
      const { default: AlertsPage } = await import('@/app/(console)/alerts/page');
      const alerts = (await AlertsPage({ searchParams: Promise.resolve({}) })) as ReactElement<{ error?: { status: number } }>;
      expect(alerts.props.error?.status).toBe(403);

      const job = await store.queue('billing-a').add('attempted', {});
      session.principal = principalWithAccess({ kind: 'session', id: 'v@test', name: 'v@test' }, { global: 'viewer', grants: [] });
      const { default: JobPage } = await import('@/app/(console)/connections/[conn]/queues/[queue]/jobs/[id]/page');
      const page = (await JobPage({ params: Promise.resolve({ conn: 'main', queue: 'billing-a', id: job.id! }) })) as ReactElement<{ initialAttempts?: unknown[]; initialJob?: { id: string } }>;
      expect(page.props.initialJob?.id).toBe(job.id);
      expect(page.props.initialAttempts).toEqual([]);
    } finally {
      await setPermissions(ctxAs('admin', 'root@test'), { withhold: {} });
    }
  });
});
