// Review: /api/health with credentials names every connection and its state; a caller with grants must
// get only the connections where it sees a queue (README › Team scopes: a connection with no queue of
// yours answers like an unknown one; the live stream's health events are cut the same way).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConfiguredStore, type TestStore } from '../helpers/stores';
import { ctxAs } from '../helpers/console-env';
import { closeAllConnections } from '@/lib/redis/connections';
import { issueApiToken } from '@/lib/users/issue-api-token';
import * as healthRoute from '@/app/api/health/route';

describe('/api/health within a team scope', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await startConfiguredStore('redis');
  });
  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  it('a token with grants on main only is told about main only', async () => {
    const { token } = await issueApiToken(ctxAs('admin', 'root@test'), { name: 'main-only', role: 'none', grants: [{ connection: 'main', queue: 'billing-*', role: 'viewer' }] });
    const res = await healthRoute.GET(new Request('http://console.test/api/health', { headers: { authorization: `Bearer ${token}` } }));
    const body = (await res.json()) as { connections?: Array<{ name: string }> };
    expect(body.connections?.map((c) => c.name)).toEqual(['main']);
  });
});
