// Drover's per-connection records on a PostgreSQL queue connection (lib/store/connection-records.ts), in
// schema "drover" of that same database (lib/store/postgres/ddl/runtime.ts), keyed by BullMQ's schema
// name so two BullMQ schemas in one database keep apart. Cancel requests go by NOTIFY on one channel
// to one LISTEN client per runtime process. Every read has a LIMIT; expired rows go by bounded deletes.
// Not server-only: the worker runtime writes them.
import pg from 'pg';
import { InvalidError } from '@/lib/errors';
import { CANCEL_ACK_TTL_SECONDS, type CancelAck, type CancelRequest } from '@/lib/cancellation/cancel-request';
import { CONTROL_ACK_TTL_SECONDS, CONTROL_MESSAGE_MAX_BYTES, WORKER_SETTINGS_MAX_QUEUES, type ControlAck, type ControlMessage, type WorkerSetting, type WorkerSettingChange } from '@/lib/worker-control/control-message';
import { GONE_KEPT_MAX, GONE_KEPT_MS } from '@/lib/workers/busy-record';
import type { DroverDb } from './drover-db';
import { PostgresCircuitRecords } from './circuit-records';
import type { AttemptWrite, BusyBeats, CancelMessageHandler, CancelSubscription, ConnectionRecords } from '../connection-records';

/** The NOTIFY channel of every cancel request of the database. */
export const CANCEL_CHANNEL = 'drover_cancel';
/** The NOTIFY channel of every worker control command of the database (lib/worker-control). */
export const CONTROL_CHANNEL = 'drover_control';
/** PostgreSQL refuses a NOTIFY payload from 8000 bytes on. */
export const CANCEL_PAYLOAD_MAX_BYTES = 7999;
/**
 * A listener holds a shared advisory lock per queue it listens on (two-key form: this class, then
 * hashtext("<schema>/<queue>")), for as long as its session lives: the console counts them as Redis
 * PUBLISH counts subscribers, and a dead listener's locks go with its session.
 */
const LISTENER_LOCK_CLASS = 0x64726f76;
/** Expired rows removed per write (the rest go with the next writes). */
const PRUNE_BATCH = 1000;
/** The listener reconnects after this long, doubling up to the max, while PostgreSQL is away. */
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;

const D = 'drover';
const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

export type PostgresRecordsOptions = {
  db: DroverDb;
  /** BullMQ's schema of the queues (the records' key). */
  bullmqSchema: string;
  /** The runtime's listener: a client of its own to this database (the console never listens). */
  listen?: { connectionString: string; onError?: (err: Error) => void };
  /**
   * Paused schedules an earlier Drover kept elsewhere (the console's Redis: lib/schedules/legacy-paused.ts),
   * moved in with `store` once per process before the first paused-schedule call; a failure is reported
   * to onError and tried again on the next call (the call itself goes on with what is here).
   */
  carryOver?: { run: (store: (queue: string, id: string, json: string) => Promise<boolean>) => Promise<unknown>; onError?: (err: Error) => void };
};

export class PostgresConnectionRecords implements ConnectionRecords {
  private listeners = new Set<ListenerClient>();
  /** The attempt batches of this process, one after the other (see writeAttempts). */
  private attemptWrites: Promise<unknown> = Promise.resolve();

  /** The carry-over of legacy paused schedules, once it ran (see PostgresRecordsOptions.carryOver). */
  private carried?: Promise<void>;

  readonly circuits: PostgresCircuitRecords;

  constructor(private readonly o: PostgresRecordsOptions) {
    this.circuits = new PostgresCircuitRecords(o.db, o.bullmqSchema);
  }

  private carryOver(): Promise<void> {
    const carry = this.o.carryOver;
    if (!carry) return Promise.resolve();
    this.carried ??= carry.run((queue, id, json) => this.insertPaused(queue, id, json)).then(
      () => undefined,
      (err: Error) => {
        this.carried = undefined;
        carry.onError?.(err);
      },
    );
    return this.carried;
  }

  private async insertPaused(queue: string, id: string, json: string): Promise<boolean> {
    const added = await this.db.run(`INSERT INTO ${D}.paused_schedule (schema_name, queue, id, definition) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [this.schema, queue, id, json]);
    return added === 1;
  }

  private get db(): DroverDb {
    return this.o.db;
  }

  private get schema(): string {
    return this.o.bullmqSchema;
  }

  /**
   * Batches are written in the order they were sent, one transaction after the other: the recorder
   * flushes without waiting for the previous flush, and a run's end in one batch must find its start,
   * written by an earlier one (Redis runs one connection's scripts in order; a pool runs transactions
   * side by side, where the end would not see the uncommitted start and be added beside it).
   */
  writeAttempts(batch: AttemptWrite[], cap: number, ttlMs: number): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    const write = this.attemptWrites.then(() => this.writeAttemptsNow(batch, cap, ttlMs));
    this.attemptWrites = write.catch(() => {});
    return write;
  }

  private async writeAttemptsNow(batch: AttemptWrite[], cap: number, ttlMs: number): Promise<void> {
    const now = Date.now();
    const expires = now + ttlMs;
    const col = <T>(f: (w: AttemptWrite) => T) => batch.map(f);
    await this.db.tx(async (query) => {
      // Ends replace their run's record where it is (like LSET); starts, whole runs and ends whose
      // start is gone are added, in the batch's order.
      await query(
        `WITH ops AS (
           SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::text[]) WITH ORDINALITY AS o(queue, job_id, kind, attempt, started_at, record, n)
         ), replaced AS (
           UPDATE ${D}.job_attempt a SET record = o.record
           FROM ops o
           WHERE o.kind = 'e' AND a.schema_name = $1 AND a.queue = o.queue AND a.job_id = o.job_id AND a.attempt = o.attempt AND a.started_at = o.started_at
           RETURNING o.n
         )
         INSERT INTO ${D}.job_attempt (schema_name, queue, job_id, attempt, started_at, record, expires_at)
         SELECT $1, o.queue, o.job_id, o.attempt, o.started_at, o.record, $8 FROM ops o
         WHERE o.kind <> 'e' OR o.n NOT IN (SELECT n FROM replaced)
         ORDER BY o.n`,
        [this.schema, col((w) => w.queue), col((w) => w.jobId), col((w) => w.kind), col((w) => w.attempt), col((w) => w.startedAt), col((w) => w.record), expires],
      );
      // Each touched history: its expiry refreshed, the runs past the cap dropped (oldest first).
      const jobs = [...new Map(batch.map((w) => [`${w.queue}\n${w.jobId}`, w])).values()];
      await query(
        `WITH touched AS (SELECT * FROM unnest($2::text[], $3::text[]) AS t(queue, job_id)),
         refreshed AS (
           UPDATE ${D}.job_attempt a SET expires_at = $5 FROM touched t
           WHERE a.schema_name = $1 AND a.queue = t.queue AND a.job_id = t.job_id AND a.expires_at <> $5
         )
         DELETE FROM ${D}.job_attempt a USING (
           SELECT r.queue, r.job_id, r.seq FROM touched t
           CROSS JOIN LATERAL (
             SELECT x.queue, x.job_id, x.seq FROM ${D}.job_attempt x
             WHERE x.schema_name = $1 AND x.queue = t.queue AND x.job_id = t.job_id
             ORDER BY x.seq DESC OFFSET $4
           ) r
         ) old
         WHERE a.schema_name = $1 AND a.queue = old.queue AND a.job_id = old.job_id AND a.seq = old.seq`,
        [this.schema, jobs.map((w) => w.queue), jobs.map((w) => w.jobId), cap, expires],
      );
    });
    // Histories nobody wrote for 14 days, a bounded batch per write (outside the transaction: it holds
    // no row lock of the histories just written).
    await this.db.run(`DELETE FROM ${D}.job_attempt WHERE ctid IN (SELECT ctid FROM ${D}.job_attempt WHERE expires_at < $1 LIMIT ${PRUNE_BATCH})`, [now]);
  }

  async attemptLists(queue: string, jobIds: string[], count: number): Promise<Array<string[] | null>> {
    if (jobIds.length === 0) return [];
    const rows = await this.db.rows<{ job_id: string; records: string[] }>(
      `SELECT t.job_id, ARRAY(
         SELECT a.record FROM ${D}.job_attempt a
         WHERE a.schema_name = $1 AND a.queue = $2 AND a.job_id = t.job_id AND a.expires_at > $5
         ORDER BY a.seq DESC LIMIT $4
       ) AS records
       FROM unnest($3::text[]) AS t(job_id)`,
      [this.schema, queue, jobIds, count, Date.now()],
    );
    const byId = new Map(rows.map((r) => [r.job_id, r.records]));
    return jobIds.map((id) => byId.get(id) ?? []);
  }

  async publishCancel(queue: string, request: CancelRequest): Promise<number> {
    const payload = JSON.stringify({ s: this.schema, q: queue, r: JSON.stringify(request) });
    if (Buffer.byteLength(payload) > CANCEL_PAYLOAD_MAX_BYTES) throw new InvalidError(`The cancel request is too long for PostgreSQL's NOTIFY (${CANCEL_PAYLOAD_MAX_BYTES} bytes): shorten the reason`);
    // The listeners are counted before the NOTIFY, which is delivered when the statement commits.
    const [row] = await this.db.rows<{ listeners: number }>(
      `SELECT (SELECT count(*)::int FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = $2::int::oid AND objid = hashtext($3)::oid
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS listeners,
              pg_notify('${CANCEL_CHANNEL}', $1) AS sent`,
      [payload, LISTENER_LOCK_CLASS, `${this.schema}/${queue}`],
    );
    return row?.listeners ?? 0;
  }

  async cancelAcks(requestId: string, max: number): Promise<string[]> {
    const rows = await this.db.rows<{ ack: string }>(`SELECT ack FROM ${D}.cancel_ack WHERE request = $1 AND expires_at > $2 ORDER BY seq LIMIT $3`, [requestId, Date.now(), max]);
    return rows.map((r) => r.ack);
  }

  async ackCancel(requestId: string, ack: CancelAck): Promise<void> {
    const now = Date.now();
    await this.db.run(
      `WITH pruned AS (DELETE FROM ${D}.cancel_ack WHERE ctid IN (SELECT ctid FROM ${D}.cancel_ack WHERE expires_at <= $3 LIMIT ${PRUNE_BATCH}))
       INSERT INTO ${D}.cancel_ack (request, ack, expires_at) VALUES ($1, $2, $4)`,
      [requestId, JSON.stringify(ack), now, now + CANCEL_ACK_TTL_SECONDS * 1000],
    );
  }

  async listenForCancel(queues: string[], onMessage: CancelMessageHandler): Promise<CancelSubscription> {
    if (!this.o.listen) throw new Error('These records were opened without a listener (the console only sends requests)');
    // Drover's schema first: a console that sends requests finds the tables there.
    await this.db.ready();
    const listened = new Set(queues);
    const listener = new ListenerClient(
      this.o.listen.connectionString,
      CANCEL_CHANNEL,
      queues.map((q) => `${this.schema}/${q}`),
      (payload) => {
        let parsed: { s?: unknown; q?: unknown; r?: unknown };
        try {
          parsed = JSON.parse(payload);
        } catch {
          return;
        }
        if (parsed.s !== this.schema || typeof parsed.q !== 'string' || typeof parsed.r !== 'string' || !listened.has(parsed.q)) return;
        onMessage(parsed.q, parsed.r);
      },
      this.o.listen.onError ?? (() => {}),
    );
    this.listeners.add(listener);
    await listener.start();
    return {
      stop: async () => {
        this.listeners.delete(listener);
        await listener.stop();
      },
    };
  }

  async publishControl(message: ControlMessage): Promise<number> {
    const payload = JSON.stringify({ s: this.schema, r: JSON.stringify(message) });
    if (Buffer.byteLength(payload) > CONTROL_MESSAGE_MAX_BYTES) throw new InvalidError(`A worker control command is limited to ${CONTROL_MESSAGE_MAX_BYTES} bytes`);
    const [row] = await this.db.rows<{ listeners: number }>(
      `SELECT (SELECT count(*)::int FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = $2::int::oid AND objid = hashtext($3)::oid
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS listeners,
              pg_notify('${CONTROL_CHANNEL}', $1) AS sent`,
      [payload, LISTENER_LOCK_CLASS, controlLockKey(this.schema)],
    );
    return row?.listeners ?? 0;
  }

  // Control acks share drover.cancel_ack (request ids are random UUIDs: no clash, no new table).
  controlAcks(requestId: string, max: number): Promise<string[]> {
    return this.cancelAcks(requestId, max);
  }

  async ackControl(requestId: string, ack: ControlAck): Promise<void> {
    const now = Date.now();
    await this.db.run(
      `WITH pruned AS (DELETE FROM ${D}.cancel_ack WHERE ctid IN (SELECT ctid FROM ${D}.cancel_ack WHERE expires_at <= $3 LIMIT ${PRUNE_BATCH}))
       INSERT INTO ${D}.cancel_ack (request, ack, expires_at) VALUES ($1, $2, $4)`,
      [requestId, JSON.stringify(ack), now, now + CONTROL_ACK_TTL_SECONDS * 1000],
    );
  }

  async listenForControl(onMessage: (raw: string) => void, onResubscribed?: () => void): Promise<CancelSubscription> {
    if (!this.o.listen) throw new Error('These records were opened without a listener (the console only sends commands)');
    await this.db.ready();
    const listener = new ListenerClient(
      this.o.listen.connectionString,
      CONTROL_CHANNEL,
      [controlLockKey(this.schema)],
      (payload) => {
        let parsed: { s?: unknown; r?: unknown };
        try {
          parsed = JSON.parse(payload);
        } catch {
          return;
        }
        if (parsed.s === this.schema && typeof parsed.r === 'string') onMessage(parsed.r);
      },
      this.o.listen.onError ?? (() => {}),
      onResubscribed,
    );
    this.listeners.add(listener);
    await listener.start();
    return {
      stop: async () => {
        this.listeners.delete(listener);
        await listener.stop();
      },
    };
  }

  async workerSettings(queues: string[]): Promise<Map<string, string>> {
    if (queues.length === 0) return new Map();
    const rows = await this.db.rows<{ queue: string; setting: string }>(`SELECT queue, setting FROM ${D}.worker_setting WHERE schema_name = $1 AND queue = ANY($2::text[])`, [this.schema, queues]);
    return new Map(rows.map((r) => [r.queue, r.setting]));
  }

  async updateWorkerSetting(queue: string, change: WorkerSettingChange, maxQueues = WORKER_SETTINGS_MAX_QUEUES): Promise<boolean> {
    const set: WorkerSetting = {};
    if (change.concurrency != null) set.concurrency = change.concurrency;
    if (change.pausedLocally) set.pausedLocally = true;
    const removed = [...(change.concurrency === null ? ['concurrency'] : []), ...(change.pausedLocally === null ? ['pausedLocally'] : [])];
    // One transaction per write under the schema's lock: the bound's count and the write cannot be
    // overtaken by another console adding a queue; each write merges its fields into the row, so two
    // consoles changing different fields both keep theirs. An empty row then goes.
    return this.db.tx(async (query) => {
      if (Object.keys(set).length > 0) {
        const { rows } = await query(
          `SELECT EXISTS (SELECT 1 FROM ${D}.worker_setting WHERE schema_name = $1 AND queue = $2) AS stored,
                  (SELECT count(*)::int FROM (SELECT 1 FROM ${D}.worker_setting WHERE schema_name = $1 LIMIT $3) capped) AS queues`,
          [this.schema, queue, maxQueues],
        );
        const { stored, queues } = rows[0] as { stored: boolean; queues: number };
        if (!stored && queues >= maxQueues) return false;
      }
      await query(
        `INSERT INTO ${D}.worker_setting (schema_name, queue, setting) VALUES ($1, $2, $3)
         ON CONFLICT (schema_name, queue) DO UPDATE SET setting = ((${D}.worker_setting.setting::jsonb || $3::jsonb) - $4::text[])::text`,
        [this.schema, queue, JSON.stringify(set), removed],
      );
      await query(`DELETE FROM ${D}.worker_setting WHERE schema_name = $1 AND queue = $2 AND setting::jsonb = '{}'::jsonb`, [this.schema, queue]);
      return true;
    }, [`worker_setting:${this.schema}`]);
  }

  async beatBusy(runtimeId: string, ttlMs: number, render: (now: number) => string): Promise<void> {
    // The database's clock, like Redis TIME: the same for every runtime and the console.
    const [{ now }] = await this.db.rows<{ now: string }>(`SELECT ${NOW_MS}::text AS now`);
    const at = Number(now);
    await this.db.run(
      `WITH pruned AS (
         DELETE FROM ${D}.busy_runtime WHERE ctid IN (
           SELECT ctid FROM ${D}.busy_runtime WHERE schema_name = $1 AND runtime <> $2 AND expires_at <= $4 LIMIT ${PRUNE_BATCH}))
       , pruned_last AS (
         DELETE FROM ${D}.busy_last WHERE ctid IN (
           SELECT ctid FROM ${D}.busy_last WHERE schema_name = $1 AND beat_at <= $4 - ${GONE_KEPT_MS} LIMIT ${PRUNE_BATCH}))
       , last AS (
         INSERT INTO ${D}.busy_last (schema_name, runtime, record, beat_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (schema_name, runtime) DO UPDATE SET record = excluded.record, beat_at = excluded.beat_at)
       INSERT INTO ${D}.busy_runtime (schema_name, runtime, record, expires_at) VALUES ($1, $2, $3, $5)
       ON CONFLICT (schema_name, runtime) DO UPDATE SET record = excluded.record, expires_at = excluded.expires_at`,
      [this.schema, runtimeId, render(at), at, at + ttlMs],
    );
  }

  async removeBusy(runtimeId: string): Promise<void> {
    await this.db.run(
      `WITH last AS (DELETE FROM ${D}.busy_last WHERE schema_name = $1 AND runtime = $2)
       DELETE FROM ${D}.busy_runtime WHERE schema_name = $1 AND runtime = $2`,
      [this.schema, runtimeId],
    );
  }

  async readGone(limit: number, maxBytes: number): Promise<string[]> {
    // Gone: seen within the hour, and no live heartbeat row (expired, or pruned by another's beat).
    const rows = await this.db.rows<{ record: string }>(
      `WITH now AS (SELECT ${NOW_MS} AS t)
       SELECT l.record FROM ${D}.busy_last l, now
       WHERE l.schema_name = $1 AND l.beat_at > now.t - ${GONE_KEPT_MS} AND octet_length(l.record) <= $3
         AND NOT EXISTS (SELECT 1 FROM ${D}.busy_runtime b WHERE b.schema_name = $1 AND b.runtime = l.runtime AND b.expires_at > now.t)
       ORDER BY l.beat_at DESC LIMIT $2`,
      [this.schema, Math.min(limit, GONE_KEPT_MAX), maxBytes],
    );
    return rows.map((r) => r.record);
  }

  async readBusy(limit: number, maxBytes: number): Promise<BusyBeats> {
    const rows = await this.db.rows<{ record: string | null; total: number }>(
      `WITH now AS (SELECT ${NOW_MS} AS t)
       SELECT CASE WHEN octet_length(b.record) <= $3 THEN b.record END AS record,
              (SELECT count(*)::int FROM ${D}.busy_runtime c, now WHERE c.schema_name = $1 AND c.expires_at > now.t) AS total
       FROM ${D}.busy_runtime b, now
       WHERE b.schema_name = $1 AND b.expires_at > now.t
       ORDER BY b.runtime LIMIT $2`,
      [this.schema, limit, maxBytes],
    );
    const values = rows.flatMap((r) => (r.record === null ? [] : [r.record]));
    return { values, total: rows[0]?.total ?? 0, tooLarge: rows.length - values.length, gone: 0 };
  }

  async pausePeer(queue: string, peer: string, ms: number): Promise<void> {
    await this.db.run(
      `WITH now AS (SELECT ${NOW_MS} AS t),
       pruned AS (
         DELETE FROM ${D}.peer_pause WHERE ctid IN (
           SELECT p.ctid FROM ${D}.peer_pause p, now WHERE p.schema_name = $1 AND p.until_at <= now.t AND NOT (p.queue = $2 AND p.peer = $3) LIMIT ${PRUNE_BATCH}))
       INSERT INTO ${D}.peer_pause (schema_name, queue, peer, until_at) SELECT $1, $2, $3, now.t + $4 FROM now
       ON CONFLICT (schema_name, queue, peer) DO UPDATE SET until_at = excluded.until_at`,
      [this.schema, queue, peer, Math.max(1, Math.round(ms))],
    );
  }

  async peerPauseRemaining(queue: string, peer: string): Promise<number> {
    const [row] = await this.db.rows<{ left: string }>(
      `SELECT greatest(0, until_at - ${NOW_MS})::text AS left FROM ${D}.peer_pause WHERE schema_name = $1 AND queue = $2 AND peer = $3`,
      [this.schema, queue, peer],
    );
    return row ? Number(row.left) : 0;
  }

  async pausedSchedule(queue: string, id: string): Promise<string | null> {
    await this.carryOver();
    const [row] = await this.db.rows<{ definition: string }>(`SELECT definition FROM ${D}.paused_schedule WHERE schema_name = $1 AND queue = $2 AND id = $3`, [this.schema, queue, id]);
    return row?.definition ?? null;
  }

  async pausedScheduleIds(queue: string, ids: string[]): Promise<Set<string>> {
    await this.carryOver();
    if (ids.length === 0) return new Set();
    const rows = await this.db.rows<{ id: string }>(`SELECT id FROM ${D}.paused_schedule WHERE schema_name = $1 AND queue = $2 AND id = ANY($3::text[])`, [this.schema, queue, ids]);
    return new Set(rows.map((r) => r.id));
  }

  async storePausedSchedule(queue: string, id: string, json: string): Promise<boolean> {
    await this.carryOver();
    return this.insertPaused(queue, id, json);
  }

  async replacePausedSchedule(queue: string, id: string, json: string): Promise<void> {
    await this.carryOver();
    await this.db.run(
      `INSERT INTO ${D}.paused_schedule (schema_name, queue, id, definition) VALUES ($1, $2, $3, $4)
       ON CONFLICT (schema_name, queue, id) DO UPDATE SET definition = excluded.definition`,
      [this.schema, queue, id, json],
    );
  }

  async removePausedSchedule(queue: string, id: string): Promise<boolean> {
    await this.carryOver();
    return (await this.db.run(`DELETE FROM ${D}.paused_schedule WHERE schema_name = $1 AND queue = $2 AND id = $3`, [this.schema, queue, id])) === 1;
  }

  async listPausedSchedules(queue: string | undefined, max: number): Promise<Array<{ queue: string; json: string }>> {
    await this.carryOver();
    const rows = await this.db.rows<{ queue: string; definition: string }>(
      `SELECT queue, definition FROM ${D}.paused_schedule WHERE schema_name = $1 AND ($2::text IS NULL OR queue = $2) ORDER BY queue, id LIMIT $3`,
      [this.schema, queue ?? null, max],
    );
    return rows.map((r) => ({ queue: r.queue, json: r.definition }));
  }

  async close(): Promise<void> {
    const listeners = [...this.listeners];
    this.listeners.clear();
    await Promise.all(listeners.map((l) => l.stop()));
  }
}

/** The advisory-lock key a control listener holds (beside "<schema>/<queue>" of the cancel listeners: queue names cannot contain ":"). */
function controlLockKey(schema: string): string {
  return `${schema}/:control`;
}

/**
 * One LISTEN client of the runtime (cancel requests, control commands): a pg.Client of its own (a pooled
 * connection cannot keep a LISTEN), holding a shared advisory lock per key so the console can count it,
 * and reconnecting by itself after PostgreSQL restarts or drops it.
 */
class ListenerClient {
  private client?: pg.Client;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private delay = RECONNECT_MIN_MS;
  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly lockKeys: string[],
    private readonly onPayload: (payload: string) => void,
    private readonly onError: (err: Error) => void,
    /** Called once listening again after a lost connection (not after the first). */
    private readonly onReconnected?: () => void,
  ) {}
  private connectedOnce = false;

  /** Resolves once listening (the first connection must work: a runtime that cannot listen does not start). */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: this.channel === CANCEL_CHANNEL ? 'drover-cancel' : 'drover-control', keepAlive: true, connectionTimeoutMillis: 5_000 });
    client.on('error', (err) => {
      this.onError(err);
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    client.on('notification', (msg) => {
      if (msg.channel === this.channel && msg.payload) this.onPayload(msg.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      for (const key of this.lockKeys) await client.query('SELECT pg_advisory_lock_shared($1::int, hashtext($2))', [LISTENER_LOCK_CLASS, key]);
    } catch (err) {
      client.removeAllListeners('end');
      client.on('error', () => {});
      await client.end().catch(() => {});
      throw err;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.delay = RECONNECT_MIN_MS;
    if (this.connectedOnce) this.onReconnected?.();
    this.connectedOnce = true;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => {});
    this.retry();
  }

  private retry(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect().catch((err: Error) => {
        this.onError(err);
        this.delay = Math.min(this.delay * 2, RECONNECT_MAX_MS);
        this.retry();
      });
    }, this.delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}
