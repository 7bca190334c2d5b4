// What the queue switcher (⌘K / Ctrl+K) lists for the text typed: queue names only — a connection is
// where the queue lives, shown beside it, not something to match — capped so a Redis with thousands of
// queues renders a short list and says how many more there are.

/** The switcher renders at most this many matches; the rest are counted ("N more — keep typing"). */
export const QUEUE_SWITCHER_MAX_MATCHES = 50;

export type QueueMatch = { connection: string; queue: string };

/**
 * The queues whose name contains `text` (ignoring case and surrounding spaces): names that start with it
 * first, then by name and connection. No text lists every queue by name.
 */
export function matchQueues(connections: ReadonlyArray<{ name: string; queueNames: readonly string[] }>, text: string, max = QUEUE_SWITCHER_MAX_MATCHES): { matches: QueueMatch[]; more: number } {
  const needle = text.trim().toLowerCase();
  const found: Array<QueueMatch & { rank: number }> = [];
  for (const c of connections) {
    for (const queue of c.queueNames) {
      const at = needle ? queue.toLowerCase().indexOf(needle) : 0;
      if (at >= 0) found.push({ connection: c.name, queue, rank: at === 0 ? 0 : 1 });
    }
  }
  found.sort((a, b) => a.rank - b.rank || compare(a.queue, b.queue) || compare(a.connection, b.connection));
  return { matches: found.slice(0, max).map(({ connection, queue }) => ({ connection, queue })), more: Math.max(0, found.length - max) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
