'use client';
// The original job's data inside a dead letter (never the envelope around it): inline when the page
// loaded it (small envelopes), on request up to the API's limit, otherwise a pointer to the export.
import { useState } from 'react';
import type { DeadLetterDetail } from '@/lib/dlq/get-dead-letter';
import { MAX_JOB_DATA_BYTES } from '@/lib/jobs/schemas';
import { fetchJson } from '@/components/explorer/api-client';
import { formatBytes } from '@/components/explorer/format';
import { JsonValueView } from '@/components/explorer/json-value-view';
import { Button } from '@/components/ui/button';
import { apiDlqPath } from './format';

export function DeadLetterData({ conn, deadLetter: d }: { conn: string; deadLetter: DeadLetterDetail }) {
  const inline = d.data !== undefined;
  const [loaded, setLoaded] = useState<{ value: unknown } | null>(inline ? { value: d.data } : null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = async () => {
    setLoading(true);
    setError(null);
    try {
      const full = await fetchJson<DeadLetterDetail>(`${apiDlqPath(conn)}/${encodeURIComponent(d.id)}?data=1`);
      setLoaded({ value: full.data });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  };
  return (
    <section aria-label="Data" className="rounded-md border border-zinc-200 dark:border-zinc-800" data-testid="dlq-data">
      <header className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h2 className="text-sm font-semibold">Data</h2>
        <span className="text-xs text-zinc-500">the original job&apos;s data (envelope {formatBytes(d.envelopeSize)})</span>
      </header>
      <div className="max-h-[32rem] overflow-auto p-3">
        {loaded ? (
          <JsonValueView value={loaded.value} label="Data, formatted" />
        ) : d.envelopeSize <= MAX_JOB_DATA_BYTES ? (
          <Button size="sm" disabled={loading} onClick={() => void load()}>
            {loading ? 'Loading…' : `Show the data (${formatBytes(d.envelopeSize)})`}
          </Button>
        ) : (
          <p className="text-xs text-zinc-500">
            Too large to show here ({formatBytes(d.envelopeSize)}, more than {formatBytes(MAX_JOB_DATA_BYTES)}): export the dead letter (NDJSON) to read it, or
            requeue it unchanged.
          </p>
        )}
        {error && (
          <p role="alert" className="mt-2 text-xs text-red-600">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}
