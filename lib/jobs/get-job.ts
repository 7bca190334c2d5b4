// One job for its page: every field except data and return value (sizes instead), its state,
// parent and children counts. Never loads the payload (a 30 MB job opens like a small one).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { NotFoundError } from '@/lib/errors';
import { parseProgress } from './job-summary';
import { validInstant } from '@/lib/time/instant';

export const DETAIL_FIELD_CAP = 256 * 1024;

export type JobOptionsView = Record<string, unknown>;

export type JobDetail = {
  id: string;
  queue: string;
  connection: string;
  name: string;
  state: string;
  timestamp: number | null;
  processedOn: number | null;
  finishedOn: number | null;
  delay: number;
  /** when a delayed job becomes due */
  delayedUntil: number | null;
  priority: number;
  attemptsMade: number;
  attemptsStarted: number;
  stalledCounter: number;
  progress: number | string | null;
  failedReason: string | null;
  stacktrace: string[];
  /** set when a long field had to be cut (name → full size) */
  truncated: Record<string, number>;
  opts: JobOptionsView;
  processedBy: string | null;
  repeatJobKey: string | null;
  deduplicationId: string | null;
  deferredFailure: string | null;
  parent: { queue: string; id: string; key: string } | null;
  dataSize: number;
  returnValueSize: number;
  dependencies: { processed: number; unprocessed: number; ignored: number; failed: number };
};

function n(v: string | undefined): number | null {
  if (v === undefined || v === '') return null;
  const x = Number(v);
  return Number.isFinite(x) ? x : null;
}

function parseJson<T>(text: string | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** "bull:emails:42" → { queue: "emails", id: "42" } for a parent in any queue with the same prefix. */
export function parseJobKey(key: string, prefix: string): { queue: string; id: string } | null {
  if (!key.startsWith(`${prefix}:`)) return null;
  const rest = key.slice(prefix.length + 1);
  const i = rest.indexOf(':');
  if (i <= 0) return null;
  return { queue: rest.slice(0, i), id: rest.slice(i + 1) };
}

export async function getJob(conn: Connection, queue: string, id: string): Promise<JobDetail> {
  const jobKey = conn.key(queue, id);
  const pipeline = conn.redis.pipeline();
  pipeline.droverJobDetail(jobKey, DETAIL_FIELD_CAP);
  pipeline.droverJobState(conn.queuePrefix(queue), id);
  pipeline.hlen(`${jobKey}:processed`);
  pipeline.scard(`${jobKey}:dependencies`);
  pipeline.hlen(`${jobKey}:failed`);
  pipeline.zcard(`${jobKey}:unsuccessful`);
  const results = (await pipeline.exec()) ?? [];
  for (const [err] of results) if (err) throw err;
  const rows = results[0][1] as Array<[string, string, number?]> | null;
  if (!rows) throw new NotFoundError(`Job ${id} not found in queue "${queue}" (it may have been removed)`);
  const f: Record<string, string> = {};
  const truncated: Record<string, number> = {};
  for (const [name, value, fullSize] of rows) {
    f[name] = value;
    if (fullSize) truncated[name] = Number(fullSize);
  }
  const opts = truncated.opts ? {} : parseJson<JobOptionsView>(f.opts, {});
  const timestamp = validInstant(n(f.timestamp));
  const delay = n(f.delay) ?? 0;
  const parentKey = f.parentKey || null;
  const parentRef = parentKey ? parseJobKey(parentKey, conn.prefix) : null;
  const state = String(results[1][1]);
  return {
    id,
    queue,
    connection: conn.name,
    name: f.name ?? '',
    state,
    timestamp,
    processedOn: validInstant(n(f.processedOn)),
    finishedOn: validInstant(n(f.finishedOn)),
    delay,
    delayedUntil: state === 'delayed' && timestamp !== null ? validInstant(timestamp + delay) : null,
    priority: n(f.priority) ?? 0,
    attemptsMade: n(f.atm ?? f.attemptsMade) ?? 0,
    attemptsStarted: n(f.ats) ?? 0,
    stalledCounter: n(f.stc) ?? 0,
    progress: parseProgress(f.progress ?? ''),
    failedReason: f.failedReason || null,
    stacktrace: truncated.stacktrace ? [f.stacktrace] : parseJson<string[]>(f.stacktrace, []).filter((s) => typeof s === 'string'),
    truncated,
    opts,
    processedBy: f.pb || null,
    repeatJobKey: f.rjk || null,
    deduplicationId: f.deid || null,
    deferredFailure: f.defa || null,
    parent: parentKey && parentRef ? { ...parentRef, key: parentKey } : null,
    dataSize: Number(f.__dataSize ?? 0),
    returnValueSize: Number(f.__returnvalueSize ?? 0),
    dependencies: {
      processed: Number(results[2][1]),
      unprocessed: Number(results[3][1]),
      ignored: Number(results[4][1]),
      failed: Number(results[5][1]),
    },
  };
}
