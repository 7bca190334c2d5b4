import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { masterNodes } from '@/lib/redis/create-client';
import { shortCached } from './short-cache';

export type RedisInfo = {
  version: string;
  usedMemory: number;
  usedMemoryHuman: string;
  maxmemory: number;
  maxmemoryPolicy: string;
  connectedClients: number;
  uptimeSeconds: number;
  warnings: string[];
};

export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

export function redisInfoFrom(fields: Record<string, string>): RedisInfo {
  const policy = fields.maxmemory_policy ?? 'unknown';
  const maxmemory = Number(fields.maxmemory ?? 0);
  const usedMemory = Number(fields.used_memory ?? 0);
  const warnings: string[] = [];
  if (policy !== 'noeviction') {
    warnings.push(`maxmemory-policy is "${policy}": Redis may evict BullMQ keys and lose jobs. Set it to "noeviction".`);
  }
  if (maxmemory > 0 && usedMemory / maxmemory > 0.9) {
    warnings.push(`Memory is ${Math.round((usedMemory / maxmemory) * 100)}% of maxmemory: writes will fail when it is full.`);
  }
  return {
    version: fields.redis_version ?? fields.valkey_version ?? 'unknown',
    usedMemory,
    usedMemoryHuman: fields.used_memory_human ?? `${usedMemory} B`,
    maxmemory,
    maxmemoryPolicy: policy,
    connectedClients: Number(fields.connected_clients ?? 0),
    uptimeSeconds: Number(fields.uptime_in_seconds ?? 0),
    warnings,
  };
}

async function nodeInfo(node: Connection['redis']): Promise<RedisInfo> {
  const results = (await node.pipeline().info('server').info('memory').info('clients').exec()) ?? [];
  const text = results.map(([err, value]) => {
    if (err) throw err;
    return String(value);
  });
  return redisInfoFrom(parseInfo(text.join('\n')));
}

/** INFO of the server, or of every master of a cluster summed up (memory, clients) with all warnings; reused for 2 s. */
export function getRedisInfo(conn: Connection, fresh = false): Promise<RedisInfo> {
  return shortCached(`info:${conn.name}`, 2000, () => readRedisInfo(conn), fresh);
}

async function readRedisInfo(conn: Connection): Promise<RedisInfo> {
  const infos = await Promise.all((await masterNodes(conn.redis)).map(nodeInfo));
  if (infos.length === 1) return infos[0];
  const usedMemory = infos.reduce((a, i) => a + i.usedMemory, 0);
  return {
    ...infos[0],
    version: `${infos[0].version} (cluster, ${infos.length} masters)`,
    usedMemory,
    usedMemoryHuman: `${(usedMemory / 1024 / 1024).toFixed(2)}M`,
    maxmemory: infos.reduce((a, i) => a + i.maxmemory, 0),
    connectedClients: infos.reduce((a, i) => a + i.connectedClients, 0),
    warnings: [...new Set(infos.flatMap((i) => i.warnings))],
  };
}
