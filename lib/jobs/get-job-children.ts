// A flow parent's children with their state: pending, failed, processed and ignored failures — the
// first CHILD_LIMIT of each, read through the store (lib/store/search-store.ts).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';

const CHILD_LIMIT = 100;

export type ChildJob = {
  key: string;
  queue: string;
  id: string;
  name: string | null;
  state: string;
  group: 'pending' | 'processed' | 'ignored' | 'failed';
};

export async function getJobChildren(conn: Connection, queue: string, id: string): Promise<ChildJob[]> {
  return conn.store.search.children(queue, id, CHILD_LIMIT);
}
