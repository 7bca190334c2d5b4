import 'server-only';
import { listConnections } from '@/lib/redis/connections';
import { toDroverError } from '@/lib/errors';
import { logger } from '@/lib/log';
import { accessOf, type Principal } from '@/lib/auth/principal';
import { queueFilterOf } from '@/lib/auth/queue-filter';
import { readVisibleViews } from '@/lib/views/store';
import type { View } from '@/lib/views/view';
import type { SidebarConnection } from './sidebar-connection';
import { cachedQueues, discoverQueues } from './discover-queues';

/** The views `viewer` sees (bounded: shared ones and their own private ones); none when the console store is down. */
async function visibleViews(viewer: Principal | undefined): Promise<View[]> {
  if (!viewer) return [];
  try {
    return await readVisibleViews(viewer.id);
  } catch (err) {
    logger.warn({ event: 'sidebar.views_unavailable', err: (err as Error).message }, 'saved views could not be read for the sidebar');
    return [];
  }
}

/**
 * Connections, their queue names and the views `viewer` sees under them, for the sidebar (discovery is
 * cached, so this is cheap). A viewer with grants (README › Team scopes) gets only the connections and
 * queues it may see, and views of those queues.
 */
export async function getSidebarConnections(viewer?: Principal): Promise<SidebarConnection[]> {
  const filter = viewer ? queueFilterOf(accessOf(viewer)) : undefined;
  const scoped = filter && !filter.everything ? filter : undefined;
  const visibleQueues = (conn: string, queues: string[]) => (scoped ? queues.filter((q) => scoped.queue(conn, q)) : queues);
  const [connections, views] = await Promise.all([
    Promise.all(
      listConnections()
        .filter((conn) => !scoped || scoped.connection(conn.name))
        .map(async (conn) => {
          const base = { name: conn.name, endpoint: conn.endpoint, readOnly: conn.readOnly };
          try {
            return { ...base, queues: visibleQueues(conn.name, (await discoverQueues(conn)).queues) };
          } catch (err) {
            return { ...base, queues: visibleQueues(conn.name, cachedQueues(conn)), error: toDroverError(err, conn.name).message };
          }
        }),
    ),
    visibleViews(viewer),
  ]);
  return connections.map((c) => ({
    ...c,
    views: views
      .filter((v) => v.conn === c.name && (!scoped || scoped.queue(v.conn, v.queue)))
      .map((v) => ({ id: v.id, queue: v.queue, name: v.name, shared: v.visibility === 'shared' })),
  }));
}
