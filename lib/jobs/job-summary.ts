// Summary rows for job lists: fields from one script call per page, never data or return values.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { validInstant } from '@/lib/time/instant';

export const LIST_TEXT_CAP = 300;

export type JobSummary = {
  id: string;
  name: string;
  timestamp: number | null;
  processedOn: number | null;
  finishedOn: number | null;
  attemptsMade: number;
  attemptsStarted: number;
  maxAttempts: number | null;
  progress: number | string | null;
  failedReason: string | null;
  failedReasonTruncated: boolean;
  delay: number;
  priority: number;
  parentKey: string | null;
  processedBy: string | null;
  stalledCounter: number;
  dataSize: number;
  returnValueSize: number;
};

function n(v: unknown): number | null {
  if (v === '' || v === null || v === undefined || v === false) return null;
  const x = Number(v);
  return Number.isFinite(x) ? x : null;
}

export function parseProgress(raw: string): number | string | null {
  if (!raw) return null;
  const asNumber = Number(raw);
  if (Number.isFinite(asNumber)) return asNumber;
  return raw;
}

function maxAttemptsOf(optsJson: string): number | null {
  try {
    const opts = JSON.parse(optsJson) as { attempts?: number };
    return typeof opts.attempts === 'number' ? opts.attempts : null;
  } catch {
    return null;
  }
}

export function parseSummaryRow(row: unknown[]): JobSummary | null {
  if (Number(row[1]) !== 1) return null;
  const s = (i: number) => (typeof row[i] === 'string' ? (row[i] as string) : '');
  const failedReason = s(9);
  return {
    id: String(row[0]),
    name: s(2),
    timestamp: validInstant(n(row[3])),
    processedOn: validInstant(n(row[4])),
    finishedOn: validInstant(n(row[5])),
    attemptsMade: n(row[6]) ?? 0,
    attemptsStarted: n(row[7]) ?? 0,
    maxAttempts: maxAttemptsOf(s(17)),
    progress: parseProgress(s(8)),
    failedReason: failedReason || null,
    failedReasonTruncated: Number(row[18] ?? 0) > failedReason.length,
    delay: n(row[10]) ?? 0,
    priority: n(row[11]) ?? 0,
    parentKey: s(12) || null,
    processedBy: s(13) || null,
    stalledCounter: n(row[14]) ?? 0,
    dataSize: Number(row[15] ?? 0),
    returnValueSize: Number(row[16] ?? 0),
  };
}

/** Summaries in the order of `ids`; ids whose hash vanished meanwhile are dropped. */
export async function getJobSummaries(conn: Connection, queue: string, ids: string[]): Promise<JobSummary[]> {
  return conn.store.jobSummaries(queue, ids);
}
