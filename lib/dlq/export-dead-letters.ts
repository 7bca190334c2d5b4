// Export: every dead letter matching a filter as NDJSON, streamed with bounded memory — one line per
// envelope, {"id","group","envelope"} where "envelope" is the stored envelope JSON, byte for byte.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { dlqKeyPrefix } from './capture';
import { deadLetterTarget, findMatchingIds, planFilter, type DeadLetterFilter } from './filter';
import { isRegrouped } from './regroup';
import { ConflictError } from '@/lib/errors';
import type { ScoreCursor } from './score-walk';

/** Envelopes fetched per pull (and at most this many bytes, unless one envelope is larger). */
const IDS_PER_PULL = 100;
const BYTES_PER_PULL = 4 * 1024 * 1024;

export function exportDeadLetters(conn: Connection, filter: DeadLetterFilter, signal?: AbortSignal): ReadableStream<Uint8Array> {
  const t = deadLetterTarget(conn);
  // Pinned to "now": dead letters captured later with a newer failure time are not part of this export.
  const plan = planFilter(t, { ...filter, to: Math.min(filter.to ?? Infinity, Date.now()) });
  const encoder = new TextEncoder();
  // A score cursor, not a rank offset: dead letters requeued or purged while the export runs do not
  // shift the walk past others, and reading deep into a large DLQ costs no more than its start.
  let cursor: ScoreCursor | null = null;
  let exhausted = false;
  let queued: string[] = [];
  return new ReadableStream<Uint8Array>({
    // Pull-based: the next envelopes are read only when the client has taken the previous ones.
    async pull(controller) {
      // Loops until it has something to send: a pull that enqueues nothing would not be called again.
      for (;;) {
        if (signal?.aborted) return controller.close();
        if (queued.length === 0 && !exhausted) {
          const next = await findMatchingIds(t, plan, { limit: 1000, cursor });
          queued = next.ids;
          cursor = next.cursor;
          exhausted = next.exhausted;
        }
        if (queued.length === 0) return controller.close();
        const ids = queued.splice(0, IDS_PER_PULL);
        const sizes = await Promise.all(ids.map((id) => t.redis.hstrlen(`${dlqKeyPrefix(t)}${id}`, 'data')));
        let bytes = 0;
        let take = 0;
        while (take < ids.length && (take === 0 || bytes + sizes[take] <= BYTES_PER_PULL)) bytes += sizes[take++];
        queued.unshift(...ids.slice(take));
        const rows = await Promise.all(ids.slice(0, take).map((id) => t.redis.hmget(`${dlqKeyPrefix(t)}${id}`, 'data', 'dg')));
        const lines = rows.flatMap(([data, group], i) => (data === null ? [] : [`{"id":${JSON.stringify(ids[i])},"group":${JSON.stringify(group ?? '')},"envelope":${data}}\n`]));
        if (lines.length) return controller.enqueue(encoder.encode(lines.join('')));
      }
    },
  });
}

/**
 * GET …/dlq/export: the stream as an NDJSON download named after the connection and the time. By error
 * group only once re-grouping is done (as requeue and purge): before, members captured under earlier
 * grouping rules are still under their old groups and the file would silently miss them.
 */
export async function exportDeadLettersResponse(conn: Connection, filter: DeadLetterFilter, signal?: AbortSignal): Promise<Response> {
  if (filter.group && !(await isRegrouped(deadLetterTarget(conn)))) {
    throw new ConflictError('Dead letters captured before this version are still being re-grouped, so this error group may not be complete yet: nothing was exported. Reload the dead-letter page in a moment and try again.');
  }
  const filename = `dead-letters-${conn.name}-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.ndjson`;
  return new Response(exportDeadLetters(conn, filter, signal), {
    headers: {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  });
}
