'use client';
import { useEffect, useState } from 'react';
import type { CronPreview as Preview } from '@/lib/schedules/preview-cron';
import { Badge } from '@/components/ui/badge';
import { ApiError, fetchJson } from '@/components/explorer/api-client';
import { formatInZoneWithOffset, localTimeZone } from '@/lib/schedules/zone-format';

export type PreviewRequest = { pattern?: string; every?: number; tz?: string; startDate?: string; endDate?: string };

export type PreviewState = { status: 'idle' } | { status: 'loading' } | { status: 'ok'; preview: Preview } | { status: 'error'; message: string; field?: string };

/**
 * Asks the server (debounced) for the next 10 runs of what is being typed; the server says exactly what
 * is wrong. `settled` is false until the answer for the current input is in (during the debounce too):
 * the form waits for it, so a pattern is never saved unchecked and Save does not move under the pointer
 * when the preview appears above it.
 */
export function usePreview(request: PreviewRequest | null, delay = 300): PreviewState & { settled: boolean } {
  const [held, setHeld] = useState<{ key: string; state: PreviewState }>({ key: '', state: { status: 'idle' } });
  const key = request ? JSON.stringify(request) : '';
  useEffect(() => {
    if (!key) return;
    const controller = new AbortController();
    const answer = (state: PreviewState) => setHeld({ key, state });
    const timer = setTimeout(async () => {
      // Keep showing the last good preview while the next one is computed.
      setHeld((prev) => (prev.state.status === 'ok' ? prev : { key: prev.key, state: { status: 'loading' } }));
      try {
        const preview = await fetchJson<Preview | null>('/api/v1/cron/preview', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...JSON.parse(key), count: 10 }),
          signal: controller.signal,
        });
        answer(preview ? { status: 'ok', preview } : { status: 'error', message: 'Preview failed: empty answer' });
      } catch (err) {
        if (controller.signal.aborted) return;
        if (!(err instanceof ApiError) || err.status === 0) {
          answer({ status: 'error', message: 'The console server is unreachable: no preview' });
          return;
        }
        const field = err.fieldErrors ? Object.keys(err.fieldErrors)[0]?.replace(/^body\./, '') : undefined;
        answer({ status: 'error', message: err.code === 'http' ? `Preview failed (${err.status})` : err.message, field });
      }
    }, delay);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, delay]);
  if (!key) return { status: 'idle', settled: true };
  return { ...held.state, settled: held.key === key && (held.state.status === 'ok' || held.state.status === 'error') };
}

export function CronPreview({ state }: { state: PreviewState }) {
  if (state.status === 'idle') return null;
  if (state.status === 'error') return null;
  if (state.status === 'loading') return <p className="text-xs text-zinc-500">Computing the next runs…</p>;
  const { preview } = state;
  const viewer = localTimeZone();
  return (
    <div className="rounded-md border border-zinc-200 p-2 text-xs dark:border-zinc-800" data-testid="cron-preview">
      <p className="mb-1">
        <span className="font-medium" data-testid="cron-description">
          {preview.description}
        </span>
        <span className="text-zinc-500">
          {' '}
          — next {preview.runs.length} run{preview.runs.length === 1 ? '' : 's'} in {preview.tz}
          {preview.tzDefaulted ? ' (no time zone set: BullMQ uses the worker’s local zone; shown in the console’s)' : ''}
          {viewer !== preview.tz ? ` and in your zone (${viewer})` : ''}
        </span>
      </p>
      {preview.runs.length === 0 ? (
        <p className="text-amber-700 dark:text-amber-400">No run in this window.</p>
      ) : (
        <ol className="space-y-0.5 font-mono" data-testid="preview-runs">
          {preview.runs.map((r) => (
            <li key={r.at} className="flex flex-wrap items-center gap-x-3">
              <span>{r.inZone} {r.offset}</span>
              {viewer !== preview.tz && <span className="text-zinc-500">{formatInZoneWithOffset(r.at, viewer)}</span>}
              {r.offsetChange && (
                <Badge tone="amber" title="The UTC offset changed since the previous run (daylight saving time)">
                  DST {r.offsetChange.from} → {r.offsetChange.to}
                </Badge>
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
