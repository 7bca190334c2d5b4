// Builds ioredis clients from a connection config: a standalone client, or a Redis Cluster client
// when the URL is redis+cluster:// or `cluster: true` (seed nodes from the URL host list and `nodes`).
import IORedis, { Cluster, type Redis } from 'ioredis';
import { isClusterConfig, type ConnectionConfig } from '@/lib/config/schema';

export type ClientPurpose = 'console' | 'subscriber' | 'events' | 'worker';

type ClientConfig = Pick<ConnectionConfig, 'url' | 'name'> & Partial<Pick<ConnectionConfig, 'cluster' | 'nodes'>>;

type Seed = { host: string; port: number };

/** "redis+cluster://:pw@h1:7000,h2:7001/0" → seeds, credentials and TLS flag. */
export function parseClusterUrl(url: string): { seeds: Seed[]; username?: string; password?: string; tls: boolean } {
  const m = /^(redis\+cluster|rediss?):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]+)/i.exec(url);
  if (!m) throw new Error('Invalid cluster URL');
  const [, scheme, user, pass, hosts] = m;
  const seeds = hosts.split(',').map((hp) => {
    const i = hp.lastIndexOf(':');
    return i > 0 ? { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) } : { host: hp, port: 6379 };
  });
  return { seeds, username: user ? decodeURIComponent(user) : undefined, password: pass ? decodeURIComponent(pass) : undefined, tls: scheme === 'rediss' };
}

/**
 * A client for the connection. Cluster clients are returned typed as `Redis`: they share the command
 * interface, and the few node-level commands (SCAN, CLIENT LIST, INFO) go through `masterNodes()`.
 */
export function createRedisClient(config: ClientConfig, opts: { purpose: ClientPurpose; maxRetriesPerRequest: number | null }): Redis {
  let client: Redis;
  if (isClusterConfig(config)) {
    const parsed = parseClusterUrl(config.url);
    const extra = (config.nodes ?? []).flatMap((u) => parseClusterUrl(u).seeds);
    const cluster = new Cluster([...parsed.seeds, ...extra], {
      redisOptions: {
        connectionName: `drover:${opts.purpose}`,
        username: parsed.username,
        password: parsed.password,
        maxRetriesPerRequest: opts.maxRetriesPerRequest,
        connectTimeout: 3000,
        ...(parsed.tls ? { tls: {} } : {}),
      },
      clusterRetryStrategy: (times) => Math.min(times * 250, 2000),
      slotsRefreshTimeout: 2000,
    });
    // ioredis queues cluster commands while no node answers, for as long as it keeps reconnecting
    // (maxRetriesPerRequest does not apply to that queue). Fail-fast clients reject them at each
    // failed round instead, so a page or a tick errors within seconds rather than hanging.
    if (opts.maxRetriesPerRequest !== null) {
      const flush = () => (cluster as unknown as { flushQueue(err: Error): void }).flushQueue(new Error(`Redis Cluster "${config.name}" is unreachable (no node answers)`));
      cluster.on('close', flush);
      cluster.on('reconnecting', flush);
    }
    client = cluster as unknown as Redis;
  } else {
    client = new IORedis(config.url, {
      connectionName: `drover:${opts.purpose}`,
      maxRetriesPerRequest: opts.maxRetriesPerRequest,
      connectTimeout: 3000,
      // Keep retrying in the background so the console recovers without a restart.
      retryStrategy: (times) => Math.min(times * 250, 2000),
      lazyConnect: false,
    });
  }
  // Errors surface through the commands that fail; an unhandled 'error' event would crash the process.
  client.on('error', () => {});
  return client;
}

export function isCluster(client: Redis): boolean {
  return (client as unknown as { isCluster?: boolean }).isCluster === true;
}

/** A cluster client knows its nodes only once it has loaded the slot map. */
async function clusterReady(client: Redis): Promise<Cluster> {
  const cluster = client as unknown as Cluster;
  if (cluster.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Redis Cluster not ready within 5000 ms (CLUSTERDOWN or unreachable)')), 5000);
      cluster.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
      if (cluster.status === 'wait') cluster.connect().catch(() => {});
    });
  }
  return cluster;
}

/** The nodes that hold data: every master of a cluster, or the client itself. */
export async function masterNodes(client: Redis): Promise<Redis[]> {
  return isCluster(client) ? (await clusterReady(client)).nodes('master') : [client];
}

/** Every node, replicas included (workers may hold connections on any of them). */
export async function allNodes(client: Redis): Promise<Redis[]> {
  return isCluster(client) ? (await clusterReady(client)).nodes('all') : [client];
}
