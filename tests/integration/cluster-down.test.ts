// A console client on a Redis Cluster whose nodes are all gone answers with an error instead of
// waiting for the cluster to come back (ioredis would queue the command for as long as it retries).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startTestCluster, type TestCluster } from '../helpers/redis-cluster';
import { createRedisClient } from '@/lib/redis/create-client';

let cluster: TestCluster;
let client: Redis;

beforeAll(async () => {
  cluster = await startTestCluster();
  client = createRedisClient({ name: 'cl', url: cluster.url }, { purpose: 'console', maxRetriesPerRequest: 1 });
}, 240_000);
afterAll(() => client.disconnect());

it('rejects commands while no node answers instead of queueing them', async () => {
  await client.set('{t}key', 'v');
  expect(await client.get('{t}key')).toBe('v');
  await cluster.stop();
  const outcome = await Promise.race([
    client.get('{t}key').then(
      (value) => ({ value }),
      (err: Error) => ({ error: err.message }),
    ),
    new Promise((resolve) => setTimeout(() => resolve({ hung: true }), 15_000)),
  ]);
  expect(outcome).toMatchObject({ error: expect.stringMatching(/unreachable|Connection is closed|ready/i) });
});
