// A job handle for actions that never loads the payload (a 30 MB job is retried as cheaply as a small one).
import 'server-only';
import { Job } from 'bullmq';
import type { Connection } from '@/lib/redis/connections';
import { jobGone } from './job-errors';

export type JobRef = { job: Job; name: string; state: string };

export async function loadJobRef(conn: Connection, queue: string, id: string): Promise<JobRef> {
  const pipeline = conn.redis.pipeline();
  pipeline.hmget(conn.key(queue, id), 'name', 'opts');
  pipeline.droverJobState(conn.queuePrefix(queue), id);
  const [[e1, fields], [e2, state]] = (await pipeline.exec()) as [[Error | null, [string | null, string | null]], [Error | null, string]];
  if (e1 || e2) throw e1 ?? e2;
  if (state === 'missing' || fields[0] === null) throw jobGone(queue, id);
  const q = conn.queue(queue);
  const job = new Job(q, fields[0], {}, Job.optsFromJSON(fields[1] ?? '{}'), id);
  return { job, name: fields[0], state };
}
