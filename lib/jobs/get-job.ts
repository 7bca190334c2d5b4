// One job for its page: every field except data and return value (sizes instead), its state,
// parent and children counts. Never loads the payload (a 30 MB job opens like a small one).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { NotFoundError } from '@/lib/errors';
import { parseProgress } from './job-summary';
import { validInstant } from '@/lib/time/instant';
import { isUnscoped, roleAt, type Access } from '@/lib/auth/scope';
import { jobLinks } from '@/lib/links/job-links';
import type { RenderedLink } from '@/lib/links/render-links';
import type { TraceContext } from '@/lib/links/trace-context';

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
  /** links out of this job, rendered from its connection's and queue's templates (README › Links out) */
  links: RenderedLink[];
  /** the OpenTelemetry trace it was added in (BullMQ's telemetry metadata), when it carries one */
  trace: TraceContext | null;
};

/** What a store reads of a job; getJob adds where it is, its links and its trace. */
export type StoredJobDetail = Omit<JobDetail, 'connection' | 'queue' | 'links' | 'trace'>;

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

export type JobDependencyCounts = JobDetail['dependencies'];

/**
 * A job's detail from its stored fields, named as BullMQ names them in Redis (name, timestamp, atm, ats,
 * stc, pb, rjk, deid, defa, parentKey, __dataSize…): the Redis store reads them so, the PostgreSQL store
 * maps its columns to them, and both get the same parsing.
 */
export function parseJobDetailFields(
  prefix: string,
  id: string,
  f: Record<string, string>,
  truncated: Record<string, number>,
  state: string,
  dependencies: JobDependencyCounts,
): StoredJobDetail {
  const opts = truncated.opts ? {} : parseJson<JobOptionsView>(f.opts, {});
  const timestamp = validInstant(n(f.timestamp));
  const delay = n(f.delay) ?? 0;
  const parentKey = f.parentKey || null;
  const parentRef = parentKey ? parseJobKey(parentKey, prefix) : null;
  return {
    id,
    name: f.name ?? '',
    state,
    timestamp,
    processedOn: validInstant(n(f.processedOn)),
    finishedOn: validInstant(n(f.finishedOn)),
    delay,
    delayedUntil: state === 'delayed' ? validInstant(n(f.delayedUntil) ?? (timestamp !== null ? timestamp + delay : null)) : null,
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
    dependencies,
  };
}

/**
 * One job; with `access` (a caller with grants, README › Team scopes), a flow parent in a queue outside
 * its scope is not named (`parent: null`).
 */
export async function getJob(conn: Connection, queue: string, id: string, access?: Access): Promise<JobDetail> {
  const detail = await conn.store.jobDetail(queue, id);
  if (!detail) throw new NotFoundError(`Job ${id} not found in queue "${queue}" (it may have been removed)`);
  const hideParent = detail.parent !== null && access !== undefined && !isUnscoped(access) && roleAt(access, conn.name, detail.parent.queue) === null;
  const { links, trace } = await jobLinks(conn, queue, detail);
  return { ...detail, ...(hideParent ? { parent: null } : {}), queue, connection: conn.name, links, trace };
}
