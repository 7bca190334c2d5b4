// A flow parent's children with their state: pending (dependencies set), processed, ignored
// failures and failed — the first CHILD_LIMIT of each, with totals from getJob's counts.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { parseJobKey } from './get-job';

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
  const jobKey = conn.key(queue, id);
  const lists = conn.redis.pipeline();
  lists.sscan(`${jobKey}:dependencies`, '0', 'COUNT', CHILD_LIMIT);
  lists.droverHashFields(`${jobKey}:processed`, CHILD_LIMIT);
  lists.droverHashFields(`${jobKey}:failed`, CHILD_LIMIT);
  lists.zrange(`${jobKey}:unsuccessful`, '0', String(CHILD_LIMIT - 1));
  const results = (await lists.exec()) ?? [];
  const keys: Array<{ key: string; group: ChildJob['group'] }> = [];
  const take = (i: number, group: ChildJob['group']) => {
    const [err, value] = results[i] ?? [];
    if (err) throw err;
    // SSCAN answers [cursor, members]; the others a plain list.
    const items = Array.isArray(value) && Array.isArray(value[1]) ? (value[1] as string[]) : (value as string[]);
    for (const key of items.slice(0, CHILD_LIMIT)) keys.push({ key, group });
  };
  take(0, 'pending');
  take(3, 'failed');
  take(1, 'processed');
  take(2, 'ignored');
  if (keys.length === 0) return [];
  const details = conn.redis.pipeline();
  const refs = keys.map(({ key, group }) => ({ key, group, ref: parseJobKey(key, conn.prefix) }));
  for (const { key, ref } of refs) {
    if (ref) {
      details.droverJobState(conn.queuePrefix(ref.queue), ref.id);
      details.hget(key, 'name');
    }
  }
  const detailResults = (await details.exec()) ?? [];
  let i = 0;
  return refs.map(({ key, group, ref }) => {
    if (!ref) return { key, queue: '?', id: key, name: null, state: 'unknown', group };
    const state = String(detailResults[i]?.[1] ?? 'unknown');
    const name = (detailResults[i + 1]?.[1] as string | null) ?? null;
    i += 2;
    return { key, queue: ref.queue, id: ref.id, name, state, group };
  });
}
