'use client';
// The job names and JSON paths a queue's search offers (GET …/query-hints), read once the control that
// shows them is in use: the search box and the Add column menu share one cached answer.
import { useQuery } from '@tanstack/react-query';
import type { QueryHints } from '@/lib/jobs/query/query-hints';
import { queryKeys } from '@/components/query-keys';
import { fetchJson } from './api-client';
import { apiQueuePath } from './format';

export function useQueryHints(conn: string, queue: string, enabled: boolean): QueryHints | undefined {
  const { data } = useQuery({
    queryKey: queryKeys.queryHints(conn, queue),
    queryFn: ({ signal }) => fetchJson<QueryHints>(`${apiQueuePath(conn, queue)}/query-hints`, { signal }),
    enabled,
    staleTime: 30_000,
    retry: false,
  });
  return data;
}
