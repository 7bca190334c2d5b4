// Per-connection store reachability (Redis or PostgreSQL) for GET /api/health (no secrets: endpoint host:port only).
import 'server-only';
import { listConnections } from '@/lib/redis/connections';
import { withTimeout } from '@/lib/time/with-timeout';

export type ConnectionHealth = {
  name: string;
  /** Which store the connection is: the banner and the API say "Redis" or "PostgreSQL" accordingly. */
  store: 'redis' | 'postgres';
  endpoint: string;
  status: 'up' | 'down';
  latencyMs?: number;
  error?: string;
};

const PING_TIMEOUT_MS = 1500;

export async function checkHealth(): Promise<{ ok: boolean; connections: ConnectionHealth[] }> {
  const connections = await Promise.all(
    listConnections().map(async (conn): Promise<ConnectionHealth> => {
      const started = performance.now();
      try {
        await withTimeout(conn.store.ping(), PING_TIMEOUT_MS);
        return { name: conn.name, store: conn.kind, endpoint: conn.endpoint, status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
      } catch (err) {
        const message = (err as Error).message.split('\n')[0].replace(/redis(s)?:\/\/\S+/gi, '[redis url]').replace(/postgres(ql)?:\/\/\S+/gi, '[postgres url]');
        return { name: conn.name, store: conn.kind, endpoint: conn.endpoint, status: 'down', error: message.slice(0, 200) };
      }
    }),
  );
  return { ok: connections.every((c) => c.status === 'up'), connections };
}
