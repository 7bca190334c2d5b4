// What live updates read from a store: one reader per Drover connection per process, following the
// event streams of every watched queue (Redis: one blocking XREAD; PostgreSQL: BullMQ's `event` table,
// woken by LISTEN), delivering entries as [id, [field, value, …]] like a Redis stream entry.
export type StreamEntry = [id: string, fields: string[]];

export interface QueueEventReader {
  /** Number of queues this reader follows (for tests and diagnostics). */
  readonly size: number;
  /** Delivers every entry added to the queue's event stream from now on; call the returned function to stop. One watch per queue. */
  watch(queue: string, onEntries: (entries: StreamEntry[]) => void): () => void;
}
