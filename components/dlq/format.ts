// Links and query strings of the dead-letter pages.
import type { DeadLetterFilter } from '@/lib/dlq/filter';

export type DeadLetterQuery = DeadLetterFilter & { page?: number; size?: number };

const FILTER_KEYS = ['queue', 'group', 'name', 'q', 'from', 'to', 'olderThanMs'] as const;

/** "queue=x&group=y…" of the filter fields that are set (and page/size when given). */
export function deadLetterSearch(query: DeadLetterQuery, extra: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const v = query[key];
    if (v !== undefined && v !== '') params.set(key, String(v));
  }
  if (query.page !== undefined && query.page > 1) params.set('page', String(query.page));
  if (query.size !== undefined && query.size !== 25) params.set('size', String(query.size));
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') params.set(k, String(v));
  return params.toString();
}

export function dlqHref(conn: string, query: DeadLetterQuery = {}): string {
  const qs = deadLetterSearch(query);
  return `/dlq/${encodeURIComponent(conn)}${qs ? `?${qs}` : ''}`;
}

export function deadLetterHref(conn: string, id: string): string {
  return `/dlq/${encodeURIComponent(conn)}/${encodeURIComponent(id)}`;
}

export function apiDlqPath(conn: string): string {
  return `/api/v1/connections/${encodeURIComponent(conn)}/dlq`;
}

/** The filter part of a query (what requeue-all, purge-all and export act on). */
export function filterOf(query: DeadLetterQuery): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  for (const key of FILTER_KEYS) if (query[key] !== undefined && query[key] !== '') (filter as Record<string, unknown>)[key] = query[key];
  return filter;
}
