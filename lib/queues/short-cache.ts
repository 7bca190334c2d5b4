// A per-process, per-key cache of a few seconds for connection-wide facts (CLIENT LIST, INFO) that
// every overview refresh reads: many tabs and the live pulse share one Redis call.
const CACHES = Symbol.for('drover.short-cache');
/** settledAt: null while the load runs (then it is shared whatever its age: a slow Redis is not asked twice). */
type Entry = { settledAt: number | null; value: Promise<unknown> };
type Holder = { [CACHES]?: Map<string, Entry> };

export function shortCached<T>(key: string, ttlMs: number, load: () => Promise<T>, fresh = false): Promise<T> {
  const holder = globalThis as Holder;
  holder[CACHES] ??= new Map();
  const cache = holder[CACHES];
  const hit = cache.get(key);
  if (hit && (hit.settledAt === null || (!fresh && Date.now() - hit.settledAt < ttlMs))) return hit.value as Promise<T>;
  const value = load();
  const entry: Entry = { settledAt: null, value };
  cache.set(key, entry);
  value.then(
    () => {
      entry.settledAt = Date.now();
    },
    // A failure is not cached: the next caller tries again.
    () => {
      if (cache.get(key) === entry) cache.delete(key);
    },
  );
  return value;
}
