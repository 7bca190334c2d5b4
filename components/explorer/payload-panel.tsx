'use client';
import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { JobFieldValue } from '@/lib/jobs/get-job-field';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { fetchJson } from './api-client';
import { apiQueuePath, formatBytes } from './format';
import { formatJsonLines } from './json-lines';
import { JsonLinesView } from './json-lines-view';
import { queryKeys } from '@/components/query-keys';

const INLINE = 256 * 1024;
const EXPANDED = 4 * 1024 * 1024;

/**
 * Data or return value, fetched on its own: at most 256 KB inline, "show more" up to 4 MB, and a
 * raw download of the whole value. Shown formatted and foldable whatever its size — a truncated
 * value too (the formatter tokenizes, it does not need valid JSON) — or as the raw text.
 */
export function PayloadPanel({ conn, queue, id, field, size, title }: { conn: string; queue: string; id: string; field: 'data' | 'returnvalue'; size: number; title: string }) {
  const toast = useToast();
  const [limit, setLimit] = useState(INLINE);
  const [raw, setRaw] = useState(false);
  const url = `${apiQueuePath(conn, queue)}/jobs/${encodeURIComponent(id)}/${field}`;
  const { data, error, isLoading } = useQuery({
    queryKey: queryKeys.jobFieldView(conn, queue, id, field, limit, size),
    queryFn: () => fetchJson<JobFieldValue>(`${url}?limit=${limit}`),
    enabled: size > 0,
  });
  // Formatted once per text fetched (a 4 MB prefix takes tens of milliseconds), not per render.
  const lines = useMemo(() => (data ? formatJsonLines(data.text, { truncated: data.truncated }) : null), [data]);
  return (
    <section aria-label={title} className="rounded-md border border-zinc-200 dark:border-zinc-800" data-testid={`panel-${field}`}>
      <header className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h2 className="text-sm font-semibold">{title}</h2>
        <span className="text-xs text-zinc-500">{formatBytes(size)}</span>
        {data?.truncated && (
          <span className="text-xs text-amber-600">
            showing the first {formatBytes(Math.min(limit, data.size))} of {formatBytes(data.size)}
          </span>
        )}
        <div className="ml-auto flex gap-1">
          {data && (
            <Button size="sm" variant="ghost" onClick={() => setRaw(!raw)}>
              {raw ? 'Formatted' : 'Raw'}
            </Button>
          )}
          {data && (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => navigator.clipboard?.writeText(data.text).then(() => toast.info(data.truncated ? 'Copied the shown part' : 'Copied'))}
            >
              Copy
            </Button>
          )}
          {size > 0 && (
            <a href={`${url}?raw=1`} download className="inline-flex h-7 items-center rounded-md px-2 text-xs text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800">
              Download raw
            </a>
          )}
        </div>
      </header>
      {lines && !raw ? (
        // Its own scroll box: the viewer renders only the lines in view.
        <JsonLinesView lines={lines} label={`${title}, formatted`} />
      ) : (
        <div className="max-h-[32rem] overflow-auto p-3">
          {size === 0 ? (
            <p className="text-xs text-zinc-500">{field === 'data' ? 'No data.' : 'No return value (yet).'}</p>
          ) : isLoading ? (
            <p className="text-xs text-zinc-500">Loading…</p>
          ) : error ? (
            <p role="alert" className="text-xs text-red-600">
              {(error as Error).message}
            </p>
          ) : data ? (
            <pre className="font-mono text-xs break-all whitespace-pre-wrap" data-testid={`raw-${field}`}>
              {data.text}
            </pre>
          ) : null}
        </div>
      )}
      {data?.truncated && limit < EXPANDED && (
        <div className="border-t border-zinc-200 px-3 py-2 dark:border-zinc-800">
          <Button size="sm" onClick={() => setLimit(EXPANDED)}>
            Show up to {formatBytes(Math.min(EXPANDED, data.size))}
          </Button>
        </div>
      )}
    </section>
  );
}
