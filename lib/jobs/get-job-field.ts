// A job's data or return value, loaded on its own and cut at a limit (the job page shows 256 KB
// inline; the raw download asks for everything).
import 'server-only';
import type { z } from 'zod';
import type { Connection } from '@/lib/redis/connections';
import type { JobParams } from '@/lib/queues/params';
import { NotFoundError } from '@/lib/errors';
import { INLINE_LIMIT, type JobField, type jobFieldQuerySchema } from './schemas';

export type JobFieldValue = { field: JobField; size: number; truncated: boolean; text: string };

/** limit -1 reads the whole value. */
export async function getJobField(conn: Connection, queue: string, id: string, field: JobField, limit = INLINE_LIMIT): Promise<JobFieldValue> {
  const result = await conn.store.jobField(queue, id, field, limit);
  if (!result) throw new NotFoundError(`Job ${id} not found in queue "${queue}" (it may have been removed)`);
  const { size, text } = result;
  return { field, size, truncated: size > Buffer.byteLength(text), text };
}

/** GET …/jobs/{id}/data and …/returnvalue: a bounded JSON view, or the raw value as a download. */
export async function readJobField(conn: Connection, t: JobParams, field: JobField, query: z.output<typeof jobFieldQuerySchema>): Promise<JobFieldValue | Response> {
  if (query.raw !== '1') return getJobField(conn, t.queue, t.id, field, query.limit);
  const value = await getJobField(conn, t.queue, t.id, field, -1);
  const filename = `${t.queue}-${t.id}-${field}.json`.replace(/[^\w.-]/g, '_');
  return new Response(value.text, {
    headers: {
      // Served as an attachment with a JSON type: never rendered as a page.
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  });
}
