// Which Redis the bundled workers (and the seed) use: the console connection — `consoleConnection` or
// the first one — unless DROVER_WORKER_CONNECTION names another. Without any configuration, the
// embedded Redis that `npm start` runs.
import { ConfigError, readConfig, type Env } from '@/lib/config/load-config';
import type { ConnectionConfig } from '@/lib/config/schema';
import { dataDir } from '@/lib/data-dir';
import { runningEmbeddedRedis } from '@/lib/embedded/embedded-runtime.mjs';

export function pickWorkerConnection(
  connections: ConnectionConfig[],
  consoleConnection: string | undefined,
  env: Env = process.env,
  opts: { allowPostgres?: boolean } = {},
): ConnectionConfig {
  const wanted = env.DROVER_WORKER_CONNECTION || consoleConnection || connections[0]?.name;
  const found = connections.find((c) => c.name === wanted);
  if (!found) {
    throw new ConfigError(`DROVER_WORKER_CONNECTION names no configured connection ("${wanted}"; configured: ${connections.map((c) => c.name).join(', ')})`);
  }
  if (found.store === 'postgres' && !opts.allowPostgres) {
    throw new ConfigError(`DROVER_WORKER_CONNECTION names "${found.name}", a PostgreSQL connection: the demo seed writes to Redis only — name a Redis connection`);
  }
  return found;
}

/**
 * The connection the bundled workers run on. Drover's records of it (attempt history, cancellation,
 * Busy heartbeat, peer pauses) live in that connection's own store: a PostgreSQL one needs no Redis.
 */
export async function resolveWorkerTarget(env: Env = process.env): Promise<{ connection: ConnectionConfig; legacyConsole?: ConnectionConfig }> {
  const { config, source } = readConfig(env);
  if (source === 'none') return { connection: await resolveWorkerConnection(env) };
  const connection = pickWorkerConnection(config.connections, config.consoleConnection, env, { allowPostgres: true });
  if (connection.store !== 'postgres') return { connection };
  // An earlier Drover kept a PostgreSQL connection's paused schedules on a Redis console connection:
  // the runtime moves them in (lib/schedules/legacy-paused.ts) before it checks its schedulers.
  const consoleName = config.consoleConnection ?? config.connections[0]?.name;
  const consoleConn = config.connections.find((c) => c.name === consoleName);
  return consoleConn?.store === 'redis' ? { connection, legacyConsole: consoleConn } : { connection };
}

/** The running embedded Redis of this data dir, if `npm start` runs one. */
export async function runningEmbeddedRedisUrl(): Promise<string | undefined> {
  return (await runningEmbeddedRedis(dataDir()))?.url;
}

export async function resolveWorkerConnection(env: Env = process.env): Promise<ConnectionConfig> {
  const { config, source } = readConfig(env);
  if (source === 'none') {
    const url = await runningEmbeddedRedisUrl();
    if (!url) {
      throw new ConfigError(
        'No Redis to work on: set REDIS_URL or create drover.config.json, or start the console with `npm start` (its embedded Redis is then used)',
      );
    }
    return pickWorkerConnection(readConfig({ ...env, REDIS_URL: url }).config.connections, undefined, env);
  }
  return pickWorkerConnection(config.connections, config.consoleConnection, env);
}
