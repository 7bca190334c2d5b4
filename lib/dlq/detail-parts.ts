// Pure pieces of a dead letter's page shared by both stores: the attempt records of the failure and the
// copied log lines, read from their stored JSON.
import { ATTEMPTS_CAP, attemptSchema, type Attempt } from '@/lib/attempts/attempt';

export const num = (v: string | number | null | undefined): number | null =>
  v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v);

export function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Attempt records (JSON texts) of this failure: its job's (a reused id's other history is dropped), up to its failure. */
export function attemptsOf(raw: unknown[], jobTimestamp: number | null, failedAt: number | null): Attempt[] {
  const attempts: Attempt[] = [];
  for (const item of raw.slice(0, ATTEMPTS_CAP)) {
    if (typeof item !== 'string') continue;
    const parsed = attemptSchema.safeParse(parseJson<unknown>(item, null));
    if (!parsed.success) continue;
    const a = parsed.data;
    if (jobTimestamp !== null && a.jobTimestamp !== undefined && a.jobTimestamp !== jobTimestamp) continue;
    // Runs after the failure (the origin retried from its failed set) belong to a later story.
    if (failedAt !== null && a.startedAt > failedAt) continue;
    // The job failed for good: a run with no end record was cut short (its worker died).
    attempts.push(a.outcome === 'running' ? { ...a, outcome: 'stalled' } : a);
  }
  return attempts;
}

/** The origin's live attempt history while it lasts (it has every end record), else the copy taken at capture. */
export function failureAttempts(live: unknown[], copied: unknown, jobTimestamp: number | null, failedAt: number | null): Attempt[] {
  const fromLive = attemptsOf(live, jobTimestamp, failedAt);
  return fromLive.length > 0 ? fromLive : attemptsOf(Array.isArray(copied) ? copied : [], jobTimestamp, failedAt);
}

export function logsOf(count: string | number | null, lines: unknown): { count: number; lines: string[] } | null {
  if (count === null) return null;
  const parsed = typeof lines === 'string' ? parseJson<unknown>(lines, []) : (lines ?? []);
  return { count: num(count) ?? 0, lines: Array.isArray(parsed) ? parsed.filter((l): l is string => typeof l === 'string') : [] };
}

export function stringsOf(value: unknown): string[] {
  const parsed = typeof value === 'string' ? parseJson<unknown>(value, []) : value;
  return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
}
