// Upgrading from a Drover that kept a PostgreSQL connection's paused schedules on the console's Redis
// (hash "drover:paused-schedulers:{pg:<name>}", fields "<queue>:<scheduler id>"): they move into that
// connection's records (schema "drover" of its database) the first time either side needs them — the
// console reading its schedules, or a worker runtime checking the schedulers declared in code — so a
// schedule paused before the upgrade stays paused. Not server-only: the worker runtime runs it too.
import type { Redis } from 'ioredis';

/** The hash the earlier version wrote (lib/keys.ts then: pausedSchedulers(postgresDataPrefix(name))). */
export function legacyPausedKey(connection: string): string {
  return `drover:paused-schedulers:{pg:${connection}}`;
}

/** HSCAN page size: the hash is walked in pages, each field deleted once its copy is stored. */
const PAGE = 100;

/**
 * Moves every legacy paused schedule of `connection` with `store` (insert if absent: a copy already in
 * the records wins) and deletes each page's fields after they were stored, so a failure half way loses nothing and
 * the next call goes on. Returns how many fields were moved.
 */
export async function carryOverLegacyPausedSchedules(
  redis: Redis,
  connection: string,
  store: (queue: string, id: string, json: string) => Promise<boolean>,
): Promise<number> {
  const key = legacyPausedKey(connection);
  let moved = 0;
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(key, cursor, 'COUNT', PAGE);
    cursor = next;
    const stored: string[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const field = flat[i];
      // Queue names never contain ":", so the first ":" splits the field back.
      const at = field.indexOf(':');
      if (at > 0) await store(field.slice(0, at), field.slice(at + 1), flat[i + 1]);
      stored.push(field);
    }
    // The page's fields go once all of them are stored (one HDEL per page, not per field).
    if (stored.length > 0) await redis.hdel(key, ...stored);
    moved += stored.length;
  } while (cursor !== '0');
  return moved;
}
