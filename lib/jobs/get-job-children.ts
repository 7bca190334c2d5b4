// A flow parent's children with their state: pending, failed, processed and ignored failures — the
// first CHILD_LIMIT of each, read through the store (lib/store/search-store.ts).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { isUnscoped, roleAt, type Access } from '@/lib/auth/scope';

const CHILD_LIMIT = 100;

export type ChildJob = {
  key: string;
  queue: string;
  id: string;
  name: string | null;
  state: string;
  group: 'pending' | 'processed' | 'ignored' | 'failed';
};

/** With `access` (a caller with grants, README › Team scopes): children in queues outside its scope are left out. */
export async function getJobChildren(conn: Connection, queue: string, id: string, access?: Access): Promise<ChildJob[]> {
  const children = await conn.store.search.children(queue, id, CHILD_LIMIT);
  if (!access || isUnscoped(access)) return children;
  return children.filter((c) => roleAt(access, conn.name, c.queue) !== null);
}
