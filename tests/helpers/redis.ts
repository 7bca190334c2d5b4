// A private redis-server per test file: free loopback port, temp dir, killed for real by fault tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import IORedis, { type Redis } from 'ioredis';
import { startRedisServer as start } from '../../lib/embedded/redis-server.mjs';

export type TestRedis = {
  url: string;
  port: number;
  dir: string;
  pid: number;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /** A fresh ioredis client to this server (closed by stop()). */
  client: () => Redis;
};

export async function startTestRedis(opts: { persistent?: boolean; dir?: string; port?: number; extraArgs?: string[] } = {}): Promise<TestRedis> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'drover-redis-'));
  const server = await start({ dir, port: opts.port, persistent: opts.persistent ?? false, extraArgs: opts.extraArgs ?? [] });
  const clients: Redis[] = [];
  return {
    url: server.url,
    port: server.port,
    dir,
    pid: server.pid,
    client: () => {
      const c = new IORedis(server.url, { maxRetriesPerRequest: null });
      c.on('error', () => {});
      clients.push(c);
      return c;
    },
    stop: async (signal) => {
      clients.forEach((c) => c.disconnect());
      await server.stop(signal);
    },
  };
}

/** The dead-letter id of a failed job as capture computes it (the job's creation time included). */
export async function deadLetterIdOf(client: Redis, queue: string, jobId: string, attemptsMade: number, prefix = 'bull'): Promise<string> {
  const { deadLetterId } = await import('@/lib/dlq/envelope');
  const timestamp = await client.hget(`${prefix}:${queue}:${jobId}`, 'timestamp');
  return deadLetterId(queue, jobId, attemptsMade, timestamp === null ? null : Number(timestamp));
}
