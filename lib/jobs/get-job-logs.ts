import 'server-only';
import type { Connection } from '@/lib/redis/connections';

const LINE_CAP = 10_000;

export type JobLogs = { start: number; end: number; count: number; logs: string[] };

/** Log lines [start, end] in the order they were written (BullMQ RPUSHes them); long lines cut. */
export async function getJobLogs(conn: Connection, queue: string, id: string, start: number, end: number): Promise<JobLogs> {
  const { count, logs } = await conn.store.jobLogs(queue, id, start, end);
  return {
    start,
    end: Math.min(end, Math.max(count - 1, start)),
    count,
    logs: logs.map((line) => (line.length > LINE_CAP ? `${line.slice(0, LINE_CAP)}… (${line.length} characters)` : line)),
  };
}
