// A job's data or return value, loaded on its own and cut at a limit (the job page shows 256 KB
// inline; the raw download asks for everything).
import 'server-only';
import { z } from 'zod';
import type { Connection } from '@/lib/redis/connections';
import { NotFoundError } from '@/lib/errors';

export const INLINE_LIMIT = 256 * 1024;
export const EXPANDED_LIMIT = 4 * 1024 * 1024;

export const jobFieldSchema = z.enum(['data', 'returnvalue']);
export type JobField = z.infer<typeof jobFieldSchema>;

export type JobFieldValue = { field: JobField; size: number; truncated: boolean; text: string };

/** limit -1 reads the whole value. */
export async function getJobField(conn: Connection, queue: string, id: string, field: JobField, limit = INLINE_LIMIT): Promise<JobFieldValue> {
  const result = await conn.redis.droverJobField(conn.key(queue, id), field, limit);
  if (!result) throw new NotFoundError(`Job ${id} not found in queue "${queue}" (it may have been removed)`);
  const [size, text] = result;
  return { field, size: Number(size), truncated: Number(size) > Buffer.byteLength(text), text };
}
