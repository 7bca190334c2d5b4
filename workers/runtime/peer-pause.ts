// Per-receiver pauses: a receiver's 429 / Retry-After stops deliveries to that receiver ("host:port")
// for that long, on every worker of the queue, while deliveries to other receivers keep flowing. One
// string key per paused receiver in the worker's Redis (KEYS.peerPause), expiring with the pause.
import type { Redis } from 'ioredis';
import { KEYS } from '@/lib/keys';

type Conn = { redis: Redis; prefix: string };

/** "host:port" of a URL, the port always written, so https://a and https://a:443 are one receiver. */
export function peerOf(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname.toLowerCase()}:${port}`;
}

/** Pauses deliveries to `peer` for `ms` (a later answer replaces an earlier pause: the receiver's latest word). */
export async function pausePeer(conn: Conn, queue: string, peer: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  await conn.redis.set(KEYS.peerPause(conn.prefix, queue, peer), String(until), 'PX', Math.max(1, Math.round(ms)));
}

/** Milliseconds left of a pause of `peer`; 0 when it is not paused. */
export async function peerPauseRemaining(conn: Conn, queue: string, peer: string): Promise<number> {
  const ttl = await conn.redis.pttl(KEYS.peerPause(conn.prefix, queue, peer));
  return ttl > 0 ? ttl : 0;
}
