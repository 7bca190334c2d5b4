// A per-process, per-key cache of a few seconds for connection-wide facts (CLIENT LIST, INFO) that
// every overview refresh reads: many tabs and the live pulse share one Redis call.
const CACHES = Symbol.for('drover.short-cache');
type Entry = { at: number; value: Promise<unknown> };
type Holder = { [CACHES]?: Map<string, Entry> };

export function shortCached<T>(key: string, ttlMs: number, load: () => Promise<T>, fresh = false): Promise<T> {
  const holder = globalThis as Holder;
  holder[CACHES] ??= new Map();
  const cache = holder[CACHES];
  const hit = cache.get(key);
  if (hit && !fresh && Date.now() - hit.at < ttlMs) return hit.value as Promise<T>;
  const value = load();
  cache.set(key, { at: Date.now(), value });
  // A failure is not cached: the next caller tries again.
  value.catch(() => {
    if (cache.get(key)?.value === value) cache.delete(key);
  });
  return value;
}
