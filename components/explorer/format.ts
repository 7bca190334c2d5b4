// Number, size and duration formatting shared by the explorer tables.

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const full = new Intl.NumberFormat('en');

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n >= 100_000 ? compact.format(n) : full.format(n);
}

/** The title of a count shown with "≈": a long PostgreSQL state's count is the planner's estimate. */
export const APPROXIMATE_TITLE = "estimated by PostgreSQL's planner; exact below 100,000";

/** "≈" before a count that is an estimate, nothing before an exact one. */
export function approximateMark(approximate: boolean): string {
  return approximate ? '≈' : '';
}

export function formatExact(n: number): string {
  return full.format(n);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)}h ${Math.round((ms % 3_600_000) / 60_000)}m`;
  return `${Math.floor(ms / 86_400_000)}d ${Math.round((ms % 86_400_000) / 3_600_000)}h`;
}

export function queueHref(conn: string, queue: string, query?: Record<string, string | number | undefined>): string {
  const base = `/connections/${encodeURIComponent(conn)}/queues/${encodeURIComponent(queue)}`;
  if (!query) return base;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${base}?${qs}` : base;
}

export function jobHref(conn: string, queue: string, id: string): string {
  return `${queueHref(conn, queue)}/jobs/${encodeURIComponent(id)}`;
}

export function apiQueuePath(conn: string, queue: string): string {
  return `/api/v1/connections/${encodeURIComponent(conn)}/queues/${encodeURIComponent(queue)}`;
}
