// Live updates from a PostgreSQL connection: BullMQ's `event` table (a globally ordered id per event,
// PRIMARY KEY (queue, id)) read for every watched queue in ONE statement per wake-up, woken by
// BullMQ's own `LISTEN bullmq_events` notifications (payload: the queue) and by a 1 s poll, since BullMQ
// coalesces notifications under load. One dedicated LISTEN connection per Drover connection per
// process, however many queues, tabs and users watch; reads use the console's bounded pool.
import 'server-only';
import pg from 'pg';
import { getConnection, type Connection } from '@/lib/redis/connections';
import { logger } from '@/lib/log';
import type { QueueEventReader, StreamEntry } from '../event-reader';
import { EVENTS_AFTER, EVENTS_MAX_ID } from './sql';

/** Events read per queue per statement: bounds one reply; a busy queue is read again at once. */
const READ_COUNT = 100;
/** Longest wait between reads when no notification comes. */
export const POLL_MS = 1000;

type Watch = { queue: string; lastId: string | null; onEntries: (entries: StreamEntry[]) => void };

/** BullMQ's event row as the field list of a Redis stream entry (what liveEventFromEntry reads). */
export function entryFields(event: string, data: Record<string, unknown> | null): string[] {
  const fields = ['event', event];
  for (const [name, value] of Object.entries(data ?? {})) {
    if (value === undefined || value === null) continue;
    fields.push(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return fields;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class PostgresEventReader implements QueueEventReader {
  private readonly watches = new Map<string, Watch>();
  private running = false;
  private listener?: pg.Client;
  private listening?: Promise<void>;
  private wake?: () => void;
  private woken = false;

  private readonly name: string;

  constructor(conn: Connection) {
    this.name = conn.name;
  }

  /** Looked up on each use: the registry's connection may have been closed and made again (tests, reconfiguration). */
  private get conn(): Connection {
    return getConnection(this.name);
  }

  get size(): number {
    return this.watches.size;
  }

  watch(queue: string, onEntries: (entries: StreamEntry[]) => void): () => void {
    if (this.watches.has(queue)) throw new Error(`queue "${queue}" is already watched`);
    const watch: Watch = { queue, lastId: null, onEntries };
    this.watches.set(queue, watch);
    this.kick();
    return () => {
      if (this.watches.get(queue) === watch) this.watches.delete(queue);
    };
  }

  private kick(): void {
    this.woken = true;
    if (this.running) {
      this.wake?.();
      return;
    }
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
      this.dropListener();
      if (this.watches.size > 0) this.kick();
    });
  }

  /** The LISTEN connection, (re)made when missing; its failure only slows live updates to the poll. */
  private ensureListener(): void {
    if (this.listener || this.listening) return;
    const client = new pg.Client({ connectionString: this.conn.config.url, application_name: 'drover-events', keepAlive: true, connectionTimeoutMillis: 5000 });
    client.on('error', () => this.dropListener());
    client.on('end', () => {
      if (this.listener === client) this.listener = undefined;
    });
    client.on('notification', (message) => {
      if (message.payload && this.watches.has(message.payload)) {
        this.woken = true;
        this.wake?.();
      }
    });
    this.listening = client
      .connect()
      .then(() => client.query('LISTEN bullmq_events'))
      .then(() => {
        this.listener = client;
      })
      .catch((err: unknown) => {
        logger.debug({ err: (err as Error).message, connection: this.conn.name }, 'live events: LISTEN failed, polling');
        client.end().catch(() => {});
      })
      .finally(() => {
        this.listening = undefined;
      });
  }

  private dropListener(): void {
    const client = this.listener;
    this.listener = undefined;
    client?.end().catch(() => {});
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.watches.size > 0) {
      this.ensureListener();
      if (!this.woken) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
      this.woken = false;
      try {
        const more = await this.readOnce();
        failures = 0;
        // A queue with a full page has more: read again at once.
        if (more) this.woken = true;
      } catch (err) {
        failures += 1;
        logger.debug({ err: (err as Error).message, connection: this.conn.name }, 'live events: read failed, retrying');
        this.dropListener();
        await sleep(Math.min(250 * failures, 2000));
      }
    }
  }

  /** One round: start ids of new watches, then every watched queue's new events in one statement. */
  private async readOnce(): Promise<boolean> {
    await this.conn.pgReady();
    const pool = this.conn.pg;
    const pending = [...this.watches.values()].filter((w) => w.lastId === null);
    if (pending.length > 0) {
      const { rows } = await pool.query<{ queue: string; max: string }>(EVENTS_MAX_ID, [pending.map((w) => w.queue)]);
      const max = new Map(rows.map((r) => [r.queue, r.max]));
      for (const w of pending) w.lastId = max.get(w.queue) ?? '0';
    }
    const ready = [...this.watches.values()].filter((w) => w.lastId !== null);
    if (ready.length === 0) return false;
    const { rows } = await pool.query<{ queue: string; id: string; event: string; data: Record<string, unknown> | null }>(EVENTS_AFTER, [
      ready.map((w) => w.queue),
      ready.map((w) => w.lastId),
      READ_COUNT,
    ]);
    const byQueue = new Map<string, StreamEntry[]>();
    for (const row of rows) {
      const list = byQueue.get(row.queue) ?? [];
      list.push([row.id, entryFields(row.event, row.data)]);
      byQueue.set(row.queue, list);
    }
    let more = false;
    for (const w of ready) {
      const entries = byQueue.get(w.queue);
      if (!entries || entries.length === 0) continue;
      w.lastId = entries[entries.length - 1][0];
      if (entries.length >= READ_COUNT) more = true;
      // Unwatched while the read was in flight: nobody is left to tell.
      if (this.watches.get(w.queue) !== w) continue;
      try {
        w.onEntries(entries);
      } catch (err) {
        logger.error({ err: (err as Error).message, connection: this.conn.name, queue: w.queue }, 'live events: a listener failed');
      }
    }
    return more;
  }
}
