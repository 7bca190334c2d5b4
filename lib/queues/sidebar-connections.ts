import 'server-only';
import { listConnections } from '@/lib/redis/connections';
import { toDroverError } from '@/lib/errors';
import type { SidebarConnection } from './sidebar-connection';
import { cachedQueues, discoverQueues } from './discover-queues';

/** Connections and their queue names for the sidebar (discovery is cached, so this is cheap). */
export async function getSidebarConnections(): Promise<SidebarConnection[]> {
  return Promise.all(
    listConnections().map(async (conn) => {
      const base = { name: conn.name, endpoint: conn.endpoint, readOnly: conn.readOnly };
      try {
        return { ...base, queues: (await discoverQueues(conn)).queues };
      } catch (err) {
        return { ...base, queues: cachedQueues(conn), error: toDroverError(err, conn.name).message };
      }
    }),
  );
}
