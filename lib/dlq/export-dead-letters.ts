// Export: every dead letter matching a filter as NDJSON, streamed with bounded memory — one line per
// envelope, {"id","group","envelope"} where "envelope" is the stored envelope JSON, byte for byte.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import type { DeadLetterFilter } from './schemas';
import { ConflictError } from '@/lib/errors';
import type { Access } from '@/lib/auth/scope';
import type { ScopedDeadLetterFilter } from './schemas';
import { originsInScope } from './origin-scope';

export function exportDeadLetters(conn: Connection, filter: ScopedDeadLetterFilter, signal?: AbortSignal): ReadableStream<Uint8Array> {
  // Pinned to "now": dead letters captured later with a newer failure time are not part of this export.
  // The store walks by time, not by rank: dead letters requeued or purged meanwhile cannot shift it.
  const lines = conn.store.deadLetters.exportLines(filter, Date.now());
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    // Pull-based: the next envelopes are read only when the client has taken the previous ones.
    async pull(controller) {
      if (signal?.aborted) {
        await lines.return(undefined);
        return controller.close();
      }
      const next = await lines.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
}

/**
 * GET …/dlq/export: the stream as an NDJSON download named after the connection and the time. By error
 * group only once re-grouping is done (as requeue and purge): before, members captured under earlier
 * grouping rules are still under their old groups and the file would silently miss them.
 */
export async function exportDeadLettersResponse(conn: Connection, filter: DeadLetterFilter, signal?: AbortSignal, access?: Access): Promise<Response> {
  // A scoped caller's file holds only dead letters of the origin queues it may see.
  const origins = await originsInScope(conn.store.deadLetters, conn.name, access, 'viewer');
  const scoped: ScopedDeadLetterFilter = origins ? { ...filter, origins: origins.map((o) => o.queue) } : filter;
  if (filter.group && !(await conn.store.deadLetters.isRegrouped())) {
    throw new ConflictError('Dead letters captured before this version are still being re-grouped, so this error group may not be complete yet: nothing was exported. Reload the dead-letter page in a moment and try again.');
  }
  const filename = `dead-letters-${conn.name}-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.ndjson`;
  return new Response(exportDeadLetters(conn, scoped, signal), {
    headers: {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  });
}
