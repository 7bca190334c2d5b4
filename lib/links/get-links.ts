// The link templates of a connection, and of one of its queues: the config file's and the admins'.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { linkScope, linkStore } from '@/lib/store/console/links';
import { logger } from '@/lib/log';
import { linkTemplatesSchema, type LinkTemplate } from './link-template';
import type { LinksView } from './schemas';

/** A stored list; one that no longer parses (written by another version) is shown as none rather than failing the page. */
function parseStored(json: string | null): LinkTemplate[] {
  if (json === null) return [];
  try {
    const parsed = linkTemplatesSchema.safeParse(JSON.parse(json));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  logger.warn({ msg: 'stored link templates do not parse; ignored' });
  return [];
}

/** The config file's templates of one queue: own entries only (a queue named "constructor" or "__proto__" has none). */
export function configQueueLinks(conn: Connection, queue: string): LinkTemplate[] {
  const byQueue = conn.config.queueLinks;
  if (!byQueue || !Object.hasOwn(byQueue, queue)) return [];
  const templates = byQueue[queue];
  return Array.isArray(templates) ? templates : [];
}

export async function getLinks(conn: Connection, queue?: string): Promise<LinksView> {
  const scopes = queue === undefined ? [linkScope(conn.name)] : [linkScope(conn.name), linkScope(conn.name, queue)];
  const [own, ofQueue] = await linkStore().read(scopes);
  const connection = { config: conn.config.links ?? [], console: parseStored(own) };
  if (queue === undefined) return { connection };
  return { connection, queue: { config: configQueueLinks(conn, queue), console: parseStored(ofQueue ?? null) } };
}
