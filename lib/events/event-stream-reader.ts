// One blocking reader per Drover connection per process: a single XREAD over the event streams of
// every watched queue ("<prefix>:<queue>:events"), so live updates hold one Redis connection per
// Drover connection however many queues, tabs and users watch. (BullMQ's QueueEvents holds two per
// queue.) On a Redis Cluster every queue of a connection shares the prefix's hash tag, so one XREAD
// over many streams stays in one slot.
import 'server-only';
import type { Redis } from 'ioredis';
import { getConnection, type Connection } from '@/lib/redis/connections';
import { createRedisClient } from '@/lib/redis/create-client';
import { logger } from '@/lib/log';
import type { QueueEventReader, StreamEntry } from '@/lib/store/event-reader';

/** How long one XREAD blocks; a queue watched while a read blocks joins the next read, within this. */
export const READ_BLOCK_MS = 1000;
/** Entries per stream per read: bounds one reply; a busy stream is read again at once. */
const READ_COUNT = 100;
/** A read that has not answered well after its BLOCK is abandoned with its connection. */
const WATCHDOG_MS = READ_BLOCK_MS + 10_000;
/**
 * Pause after a read that returned entries, growing with the number of watched streams: an XREAD
 * costs Redis O(streams), so a busy queue among thousands watched must not loop it back to back.
 */
const GAP_MS_PER_STREAM = 0.01;
const MAX_GAP_MS = 50;

export type { StreamEntry } from '@/lib/store/event-reader';
type Watch = { queue: string; key: string; lastId: string | null; onEntries: (entries: StreamEntry[]) => void };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class EventStreamReader implements QueueEventReader {
  private readonly watches = new Map<string, Watch>();
  private running = false;
  private client?: Redis;
  private wake?: () => void;
  private resolving = false;
  private retryTimer?: ReturnType<typeof setTimeout>;

  constructor(readonly connection: string) {}

  /** Number of queues this reader follows (for tests and diagnostics). */
  get size(): number {
    return this.watches.size;
  }

  /**
   * Delivers every entry added to the queue's event stream from now on; call the returned function
   * to stop. One watch per queue: the hub fans a queue's entries out to its listeners.
   */
  watch(queue: string, onEntries: (entries: StreamEntry[]) => void): () => void {
    if (this.watches.has(queue)) throw new Error(`queue "${queue}" is already watched`);
    const watch: Watch = { queue, key: getConnection(this.connection).key(queue, 'events'), lastId: null, onEntries };
    this.watches.set(queue, watch);
    void this.resolveStartIds();
    return () => {
      if (this.watches.get(queue) === watch) this.watches.delete(queue);
    };
  }

  /**
   * A new watch starts after the stream's current last entry, read at once with the console's client
   * (not the blocked reader): nothing published after subscribing is missed, even while the reader
   * still blocks on its previous set of streams.
   */
  private async resolveStartIds(): Promise<void> {
    if (this.resolving) return;
    this.resolving = true;
    try {
      for (;;) {
        const pending = [...this.watches.values()].filter((w) => w.lastId === null);
        if (pending.length === 0) break;
        const redis = getConnection(this.connection).redis;
        const pipeline = redis.pipeline();
        for (const w of pending) pipeline.droverStreamLastId(w.key);
        const results = (await pipeline.exec()) ?? [];
        let failed = false;
        pending.forEach((w, i) => {
          const [err, id] = results[i] ?? [new Error('no reply')];
          if (err) failed = true;
          else if (w.lastId === null) w.lastId = String(id);
        });
        this.kick();
        if (failed) throw new Error('could not read the last id of some event streams');
      }
    } catch (err) {
      logger.debug({ err: (err as Error).message, connection: this.connection }, 'live events: start ids not read, retrying');
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => void this.resolveStartIds(), 1000);
      this.retryTimer.unref?.();
    } finally {
      this.resolving = false;
    }
  }

  /** Starts the read loop, or wakes it when it waits for its first resolved stream. */
  private kick(): void {
    if (this.running) {
      this.wake?.();
      return;
    }
    if (this.watches.size === 0) return;
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
      // A queue watched while the loop was winding down.
      if (this.watches.size > 0) this.kick();
    });
  }

  private async loop(): Promise<void> {
    let failures = 0;
    try {
      while (this.watches.size > 0) {
        const ready = [...this.watches.values()].filter((w) => w.lastId !== null);
        if (ready.length === 0) {
          // Start ids are being read (or retried): wait for them, or a second at most.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, READ_BLOCK_MS);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wake = undefined;
          continue;
        }
        let reply: Array<[string, StreamEntry[]]> | null;
        try {
          reply = await this.read(ready);
          failures = 0;
        } catch (err) {
          // The connection broke (or a read hung): drop it, back off, and read again from the last
          // id seen, so events published meanwhile are delivered once the reader is back.
          failures += 1;
          logger.debug({ err: (err as Error).message, connection: this.connection }, 'live events: read failed, reconnecting');
          this.dropClient();
          await sleep(Math.min(250 * failures, 2000));
          continue;
        }
        if (!reply) continue;
        const byKey = new Map(ready.map((w) => [w.key, w]));
        for (const [key, entries] of reply) {
          const watch = byKey.get(key);
          if (!watch || entries.length === 0) continue;
          watch.lastId = entries[entries.length - 1][0];
          // Unwatched while the read was in flight: nobody is left to tell.
          if (this.watches.get(watch.queue) !== watch) continue;
          try {
            watch.onEntries(entries);
          } catch (err) {
            logger.error({ err: (err as Error).message, connection: this.connection, queue: watch.queue }, 'live events: a listener failed');
          }
        }
        const gap = Math.min(MAX_GAP_MS, ready.length * GAP_MS_PER_STREAM);
        if (gap >= 1) await sleep(gap);
      }
    } finally {
      this.dropClient();
    }
  }

  private async read(ready: Watch[]): Promise<Array<[string, StreamEntry[]]> | null> {
    if (!this.client) {
      // Fails a read within a reconnection attempt (rather than queueing it for as long as Redis is
      // away): the loop retries it from the last id.
      this.client = createRedisClient(getConnection(this.connection).config, { purpose: 'events', maxRetriesPerRequest: 1 });
    }
    const xread = this.client.xread('COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', ...ready.map((w) => w.key), ...ready.map((w) => w.lastId!));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`XREAD did not answer within ${WATCHDOG_MS} ms`)), WATCHDOG_MS);
    });
    xread.catch(() => {});
    try {
      return (await Promise.race([xread, watchdog])) as Array<[string, StreamEntry[]]> | null;
    } finally {
      clearTimeout(timer);
    }
  }

  private dropClient(): void {
    this.client?.disconnect();
    this.client = undefined;
  }
}

const READERS = Symbol.for('drover.event-stream-readers');
type Holder = { [READERS]?: Map<string, { conn: Connection; reader: QueueEventReader }> };

/**
 * The reader of one Drover connection (its store's kind), created on first use — and again when the
 * connection itself was made again (configuration reloaded, tests): a reader never outlives its store.
 */
export function eventStreamReader(connection: string): QueueEventReader {
  const holder = globalThis as Holder;
  holder[READERS] ??= new Map();
  const conn = getConnection(connection);
  let entry = holder[READERS].get(connection);
  if (!entry || entry.conn !== conn) {
    entry = { conn, reader: conn.store.openEventReader() };
    holder[READERS].set(connection, entry);
  }
  return entry.reader;
}
