import 'server-only';
import type { Connection } from '@/lib/redis/connections';

const LINE_CAP = 10_000;

export type JobLogs = { start: number; end: number; count: number; logs: string[] };

/** Log lines [start, end] in the order they were written (BullMQ RPUSHes them); long lines cut. */
export async function getJobLogs(conn: Connection, queue: string, id: string, start: number, end: number): Promise<JobLogs> {
  const key = conn.key(queue, id, 'logs');
  const pipeline = conn.redis.pipeline();
  pipeline.llen(key);
  pipeline.lrange(key, start, end);
  const [[e1, count], [e2, logs]] = (await pipeline.exec()) as [[Error | null, number], [Error | null, string[]]];
  if (e1 || e2) throw e1 ?? e2;
  return {
    start,
    end: Math.min(end, Math.max(count - 1, start)),
    count,
    logs: logs.map((line) => (line.length > LINE_CAP ? `${line.slice(0, LINE_CAP)}… (${line.length} characters)` : line)),
  };
}
