import 'server-only';
import { listConnections } from '@/lib/redis/connections';
import type { SidebarConnection } from '@/components/shell/sidebar-connections';

/** Connections and their queue names for the sidebar. */
export async function getSidebarConnections(): Promise<SidebarConnection[]> {
  return listConnections().map((conn) => ({
    name: conn.name,
    endpoint: conn.endpoint,
    readOnly: conn.readOnly,
    queues: [...conn.config.queues].sort(),
  }));
}
