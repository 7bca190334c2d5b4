// The set-based SQL behind bench/scale/store-postgres.ts's seeding: rows copied from template jobs that
// BullMQ's PostgreSQL backend really added and processed (kept in the schema bench_seed, outside
// BullMQ's), varying only the queue, the id (from BullMQ's per-queue id sequence), seq (from BullMQ's
// job_seq), the data and the timestamps. Every other column of bullmq.job is copied from the template
// as BullMQ wrote it, so a column this code does not know about still gets BullMQ's value.
import { payload } from '../lib/seed';

/** Where the templates live: not BullMQ's schema, so reset() (which empties BullMQ's tables) keeps them. */
export const TEMPLATE_SCHEMA = 'bench_seed';
export type TemplateKind = 'waiting' | 'completed' | 'failed';

/** The note payload(i) carries (bench/lib/seed.ts), so SQL builds the same ~200-byte objects. */
const NOTE = payload(0).note;

/**
 * bench/lib/seed.ts payload(i) as a jsonb expression over the bigint expression `i` (jsonb orders keys
 * itself, as it does for every job BullMQ stores). `fail` adds `"fail": true` as payload(i, { fail }) does.
 */
export function payloadSql(i: string, opts: { fail?: boolean } = {}): string {
  const note = NOTE.replaceAll("'", "''");
  return `jsonb_build_object(
    'orderId', ${orderIdSql(i)},
    'customer', jsonb_build_object('id', 'cus-' || (((${i}) * 7919) % 100000), 'email', 'user' || ((${i}) % 5000) || '@example.com',
                                   'country', (ARRAY['DE','FR','US','JP'])[((${i}) % 4) + 1]),
    'items', jsonb_build_array(jsonb_build_object('sku', 'SKU-' || ((${i}) % 977), 'qty', 1 + ((${i}) % 5), 'price', 19.99)),
    'note', '${note}'${opts.fail ? `,\n    'fail', true` : ''})`;
}

/** payload(i).orderId: "ord-" and i padded to 7 digits. */
export function orderIdSql(i: string): string {
  return `('ord-' || CASE WHEN length((${i})::text) >= 7 THEN (${i})::text ELSE lpad((${i})::text, 7, '0') END)`;
}

/**
 * `length` characters of random hex (md5 of random(), which pglz cannot compress: PostgreSQL stores
 * a payload of N bytes as about N bytes, as Redis does), different for every row of `i`.
 */
export function blobSql(i: string, length: number): string {
  if (length <= 0) return `''`;
  const blocks = Math.ceil(length / 32);
  return `(SELECT left(string_agg(md5((${i})::text || ':' || s || ':' || random()::text), ''), ${length}) FROM generate_series(1, ${blocks}) AS s)`;
}

/** The regclass expression of BullMQ's id sequence for the queue expression `queue` (see bullmq.job_id_seq_name). */
export const jidSeqSql = (queue: string) => `(quote_ident('bullmq') || '.' || quote_ident(bullmq.job_id_seq_name(${queue})))::regclass`;

/**
 * INSERT INTO bullmq.job … SELECT over `from` (which must expose `t`, the template row, and whatever
 * the overrides refer to): every column of the job table in order, each either overridden or copied
 * from `t`.
 */
export function insertJobsSql(columns: string[], overrides: Record<string, string>, from: string): string {
  for (const name of Object.keys(overrides)) {
    if (!columns.includes(name)) throw new Error(`bullmq.job has no column "${name}" (BullMQ's schema changed?)`);
  }
  const ident = (c: string) => `"${c.replaceAll('"', '""')}"`;
  const select = columns.map((c) => (c in overrides ? `${overrides[c]} AS ${ident(c)}` : `t.${ident(c)}`));
  return `INSERT INTO bullmq.job (${columns.map(ident).join(', ')})\nSELECT ${select.join(',\n       ')}\n${from}`;
}

/**
 * Timestamps of a finished job k of n (k = 0 … n-1), finished 1 ms apart from $start on: the template's
 * own wait (added → processed) and run (processed → finished) times are kept.
 */
export function finishedTimes(k: string, start: string): Record<string, string> {
  const finished = `(${start} + ${k})`;
  const processed = `(${finished} - (t.finished_at_ms - t.processed_at_ms))`;
  return {
    finished_at_ms: finished,
    processed_at_ms: processed,
    added_at_ms: `(${processed} - (t.processed_at_ms - t.added_at_ms))`,
  };
}
