// Points the lib/ layer at a test Redis (as REDIS_URL would) and resets its caches between files.
import { resetConfigCache } from '@/lib/config/get-config';
import { afterAll, beforeAll } from 'vitest';
import { closeAllConnections } from '@/lib/redis/connections';
import { startTestRedis, type TestRedis } from './redis';
import type { Principal } from '@/lib/auth/principal';
import type { AuditContext } from '@/lib/audit/audited';
import type { Role } from '@/lib/auth/roles';

export async function configureRedisUrl(url: string): Promise<void> {
  await closeAllConnections();
  delete process.env.DROVER_CONFIG;
  process.env.REDIS_URL = url;
  resetConfigCache();
}

export async function configureFromFile(file: string): Promise<void> {
  await closeAllConnections();
  process.env.DROVER_CONFIG = file;
  resetConfigCache();
}

export function actor(role: Role, name = `${role}@test`): Principal {
  return { kind: 'session', id: name, name, role };
}

export function ctxAs(role: Role, name?: string): AuditContext {
  return { actor: actor(role, name), via: 'api' };
}

/** Writes a drover.config.json with these connections to a temp dir and points lib/ at it. */
export async function configureConnections(connections: Array<Record<string, unknown>>): Promise<string> {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-config-'));
  const file = path.join(dir, 'drover.config.json');
  fs.writeFileSync(file, JSON.stringify({ connections }));
  await configureFromFile(file);
  return file;
}

/**
 * The usual frame of an integration test file: a private redis-server started before the file's tests
 * (lib/ pointed at it, as REDIS_URL or as these connections) and stopped after them with lib/'s
 * connections, the queues and workers the tests track. Returns the server, usable once beforeAll ran.
 */
export function redisForThisFile(connections?: (url: string) => Array<Record<string, unknown>>): TestRedis & { track: <T extends { close: () => Promise<unknown> }>(closable: T) => T } {
  let redis: TestRedis | undefined;
  const closables: Array<{ close: () => Promise<unknown> }> = [];
  beforeAll(async () => {
    redis = await startTestRedis();
    if (connections) await configureConnections(connections(redis.url));
    else await configureRedisUrl(redis.url);
  });
  afterAll(async () => {
    await Promise.all(closables.map((c) => c.close().catch(() => {})));
    await closeAllConnections();
    await redis?.stop();
  });
  const started = () => {
    if (!redis) throw new Error('redisForThisFile: the server starts in beforeAll');
    return redis;
  };
  return {
    get url() { return started().url; },
    get port() { return started().port; },
    get dir() { return started().dir; },
    get pid() { return started().pid; },
    stop: (signal) => started().stop(signal),
    client: () => started().client(),
    track: (closable) => {
      closables.push(closable);
      return closable;
    },
  };
}
