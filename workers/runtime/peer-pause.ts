// Per-receiver pauses: a receiver's 429 / Retry-After stops deliveries to that receiver ("host:port")
// for that long, on every worker of the queue, while deliveries to other receivers keep flowing. Kept
// with the connection's records (lib/store/connection-records.ts), expiring with the pause.
import type { ConnectionRecords } from '@/lib/store/connection-records';

type Conn = { records: ConnectionRecords };

/** "host:port" of a URL, the port always written, so https://a and https://a:443 are one receiver. */
export function peerOf(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname.toLowerCase()}:${port}`;
}

/** Pauses deliveries to `peer` for `ms` (a later answer replaces an earlier pause: the receiver's latest word). */
export async function pausePeer(conn: Conn, queue: string, peer: string, ms: number): Promise<void> {
  await conn.records.pausePeer(queue, peer, ms);
}

/** Milliseconds left of a pause of `peer`; 0 when it is not paused. */
export async function peerPauseRemaining(conn: Conn, queue: string, peer: string): Promise<number> {
  return conn.records.peerPauseRemaining(queue, peer);
}
