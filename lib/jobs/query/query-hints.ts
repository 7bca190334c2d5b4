// What the search box offers while an operator types: job names seen in the queue and JSON paths of the
// data and return values of a few recent jobs — read as summaries plus small payloads only (a job whose
// data is over HINT_MAX_FIELD_BYTES is skipped, never read), cached a few seconds per queue.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import type { JobState } from '@/lib/jobs/job-states';
import type { JobField } from '@/lib/jobs/schemas';
import { shortCached } from '@/lib/queues/short-cache';
import { assertQueueExists } from '@/lib/queues/assert-queue-exists';

export type QueryHints = { names: string[]; paths: string[] };

/** Newest jobs of each of these states looked at; payloads read at most HINT_FIELDS_READ times. */
const HINT_STATES: JobState[] = ['failed', 'completed', 'waiting', 'prioritized', 'delayed', 'active'];
export const HINT_JOBS_PER_STATE = 10;
export const HINT_FIELDS_READ = 24;
export const HINT_MAX_FIELD_BYTES = 16 * 1024;
export const HINT_MAX_PATHS = 100;
export const HINT_MAX_NAMES = 50;
const PATH_DEPTH = 4;
const CACHE_MS = 10_000;

/** Every path to a value (objects' keys, arrays' first element as `.0`), breadth-first, depth ≤ PATH_DEPTH. */
export function jsonPaths(root: string, value: unknown, into: Set<string>, max = HINT_MAX_PATHS): void {
  let level: Array<[string, unknown]> = [[root, value]];
  for (let depth = 0; depth < PATH_DEPTH && level.length > 0 && into.size < max; depth++) {
    const next: Array<[string, unknown]> = [];
    for (const [path, v] of level) {
      const children: Array<[string, unknown]> = Array.isArray(v)
        ? v.length > 0 ? [['0', v[0]]] : []
        : v !== null && typeof v === 'object' ? Object.entries(v as Record<string, unknown>) : [];
      for (const [key, child] of children) {
        // Keys the language cannot name (dots, spaces, colons, quotes) are left out.
        if (!/^[^\s.:"]{1,64}$/.test(key)) continue;
        const p = `${path}.${key}`;
        into.add(p);
        if (into.size >= max) return;
        next.push([p, child]);
      }
    }
    level = next;
  }
}

async function loadHints(conn: Connection, queue: string): Promise<QueryHints> {
  const names = new Set<string>();
  const reads: Array<{ id: string; field: JobField }> = [];
  for (const state of HINT_STATES) {
    const { jobs } = await conn.store.jobPage(queue, state, 'desc', 0, HINT_JOBS_PER_STATE);
    for (const job of jobs) {
      if (names.size < HINT_MAX_NAMES) names.add(job.name);
      if (job.dataSize > 2 && job.dataSize <= HINT_MAX_FIELD_BYTES) reads.push({ id: job.id, field: 'data' });
      if (job.returnValueSize > 2 && job.returnValueSize <= HINT_MAX_FIELD_BYTES) reads.push({ id: job.id, field: 'returnvalue' });
    }
  }
  const paths = new Set<string>();
  for (const { id, field } of reads.slice(0, HINT_FIELDS_READ)) {
    const value = await conn.store.jobField(queue, id, field, HINT_MAX_FIELD_BYTES);
    if (!value || value.size > HINT_MAX_FIELD_BYTES) continue;
    try {
      jsonPaths(field, JSON.parse(value.text), paths);
    } catch {
      // not JSON (a job written by another client): nothing to offer
    }
    if (paths.size >= HINT_MAX_PATHS) break;
  }
  return { names: [...names].sort(), paths: [...paths].sort() };
}

export async function queryHints(conn: Connection, queue: string): Promise<QueryHints> {
  // Only real queues get a cache entry: a name made up per request must not grow the cache.
  await assertQueueExists(conn, queue);
  return shortCached(`query-hints\n${conn.name}\n${queue}`, CACHE_MS, () => loadHints(conn, queue));
}
