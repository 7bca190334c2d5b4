// Builds ioredis clients from a connection config (standalone now; cluster seeds when configured).
import IORedis, { type Redis } from 'ioredis';
import type { ConnectionConfig } from '@/lib/config/schema';

export type ClientPurpose = 'console' | 'subscriber' | 'events' | 'worker';

export function createRedisClient(
  config: Pick<ConnectionConfig, 'url' | 'name'>,
  opts: { purpose: ClientPurpose; maxRetriesPerRequest: number | null },
): Redis {
  const client = new IORedis(config.url, {
    connectionName: `drover:${opts.purpose}`,
    maxRetriesPerRequest: opts.maxRetriesPerRequest,
    connectTimeout: 3000,
    // Keep retrying in the background so the console recovers without a restart.
    retryStrategy: (times) => Math.min(times * 250, 2000),
    lazyConnect: false,
  });
  // Errors surface through the commands that fail; an unhandled 'error' event would crash the process.
  client.on('error', () => {});
  return client;
}
