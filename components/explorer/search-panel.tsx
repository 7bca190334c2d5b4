'use client';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import type { SearchChunk, SearchMatch } from '@/lib/jobs/search-jobs';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/input';
import { QueryInput } from './query-input';
import { fetchJson } from './api-client';
import { apiQueuePath, formatExact } from './format';
import { JobsTable } from './jobs-table';
import { JobColumnsMenu } from './job-columns-menu';
import { DataColumnsControl } from './data-columns-control';
import { dataColumnKeys } from '@/lib/jobs/query/data-columns';
import { BulkToolbar } from '@/components/jobs/bulk-toolbar';
import { QueryBulk } from '@/components/jobs/query-bulk';
import { SaveViewButton } from '@/components/views/save-view-button';
import { ViewHeading } from '@/components/views/view-heading';
import { Link } from '@/components/ui/link';
import { useKeyedSelection } from '@/components/ui/use-keyed-selection';
import { cn } from '@/components/ui/cn';
import type { Role } from '@/lib/auth/roles';

/** Matches a search shows at most (a browser holding a million rows would stall); past it the scan stops. */
export const SHOWN_MATCHES_MAX = 2000;

const FIELD_LABELS: Record<string, string> = {
  id: 'job id',
  name: 'name',
  data: 'data',
  failedReason: 'error / stacktrace',
  returnvalue: 'return value',
  logs: 'logs',
};

/**
 * Streams a server-side search into the page: calls the search API chunk by chunk (each a bounded
 * Redis script), showing matches as they arrive, progress, and a cancel button. While a search is in
 * the URL its results are the page's one job table (the queue view hides its list): rows are
 * selectable like the list's, and "Back to the list" ends the search.
 */
export function SearchPanel({
  conn,
  queue,
  inputRef,
  canAct = false,
  role,
  userKey,
}: {
  conn: string;
  queue: string;
  inputRef?: React.RefObject<HTMLInputElement | null>;
  canAct?: boolean;
  role?: Role;
  /** who is signed in: the job columns this user hid stay hidden in the results */
  userKey: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const urlQ = params.get('q') ?? '';
  const urlField = params.get('field') ?? 'any';
  const urlState = params.get('in') ?? 'all';
  /** the saved view this search was opened from (/views/{id}) */
  const urlView = params.get('view');
  // Data columns (`cols=data.customerId,returnvalue.id`): the server reads each match's values at these paths.
  const urlCols = params.get('cols') ?? '';
  // The list's Order (?order=oldest) orders the matches too: oldest first within each state.
  const urlOrder = params.get('order') === 'oldest' ? 'oldest' : 'newest';
  const dataColumns = useMemo(() => dataColumnKeys(urlCols), [urlCols]);
  const cols = dataColumns.join(',');
  const [matches, setMatches] = useState<SearchMatch[]>([]);
  const [progress, setProgress] = useState<{ scanned: number; total: number } | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [finished, setFinished] = useState(false);
  /** the search stopped at SHOWN_MATCHES_MAX matches shown, before the end of the scan */
  const [capped, setCapped] = useState(false);
  const abort = useRef<AbortController | null>(null);
  // A new search (or the same one run again after an action) starts with nothing selected.
  const [runs, setRuns] = useState(0);
  const searchKey = `${urlQ}\n${urlField}\n${urlState}\n${urlOrder}\n${runs}`;
  const { selected, toggle, setAll, clear: clearSelection } = useKeyedSelection(searchKey);

  const run = useCallback(
    async (q: string, field: string, state: string, cols: string, order: 'newest' | 'oldest') => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      setRuns((n) => n + 1);
      setMatches([]);
      setError(null);
      setFinished(false);
      setCapped(false);
      setProgress(null);
      setRunning(true);
      let cursor: string | null = null;
      const all: SearchMatch[] = [];
      try {
        do {
          const search = new URLSearchParams({ q, field, state });
          if (cols) search.set('columns', cols);
          if (order === 'oldest') search.set('order', order);
          if (cursor) search.set('cursor', cursor);
          const chunk: SearchChunk = await fetchJson<SearchChunk>(`${apiQueuePath(conn, queue)}/search?${search}`, { signal: controller.signal });
          if (controller.signal.aborted) return;
          all.push(...chunk.matches);
          const over = all.length > SHOWN_MATCHES_MAX;
          if (over) all.length = SHOWN_MATCHES_MAX;
          setMatches([...all]);
          setProgress({ scanned: chunk.scannedSoFar, total: Math.max(chunk.total, chunk.scannedSoFar) });
          cursor = chunk.cursor;
          // The page holds at most this many rows; the count and the bulk actions cover every match.
          if (over || (cursor && all.length >= SHOWN_MATCHES_MAX)) {
            setCapped(true);
            break;
          }
        } while (cursor && !controller.signal.aborted);
        setFinished(true);
      } catch (err) {
        if (!controller.signal.aborted) setError((err as Error).message);
      } finally {
        if (abort.current === controller) setRunning(false);
      }
    },
    [conn, queue],
  );

  // The URL is the source of truth: a shared link or the back button re-runs the search.
  useEffect(() => {
    if (urlQ) {
      const t = setTimeout(() => void run(urlQ, urlField, urlState, cols, urlOrder), 0);
      return () => clearTimeout(t);
    }
    abort.current?.abort();
  }, [urlQ, urlField, urlState, cols, urlOrder, run]);
  useEffect(() => () => abort.current?.abort(), []);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = new URLSearchParams(params.toString());
    const q = String(data.get('q') ?? '').trim();
    if (!q) next.delete('q');
    else next.set('q', q);
    // The language replaced the field picker: a new search drops an older link's field.
    next.delete('field');
    next.set('in', String(data.get('in')));
    // Another query is not the saved view any more (its heading goes; Save as view makes a new one).
    if (q !== urlQ || next.get('in') !== urlState) next.delete('view');
    router.push(`${pathname}?${next}`, { scroll: false });
  }

  function clear() {
    abort.current?.abort();
    const next = new URLSearchParams(params.toString());
    next.delete('q');
    next.delete('field');
    next.delete('in');
    next.delete('cols');
    next.delete('view');
    setMatches([]);
    setProgress(null);
    router.push(`${pathname}${next.toString() ? `?${next}` : ''}`, { scroll: false });
  }

  /** Adding or removing a data column runs the search again (the values come with the matches). */
  function setDataColumns(keys: string[]) {
    const next = new URLSearchParams(params.toString());
    if (keys.length > 0) next.set('cols', keys.join(','));
    else next.delete('cols');
    router.push(`${pathname}?${next}`, { scroll: false });
  }

  const pct = progress && progress.total > 0 ? Math.min(100, (progress.scanned / progress.total) * 100) : 0;

  return (
    <section aria-label="Search jobs" className="space-y-2">
      {urlView && urlQ && role && <ViewHeading viewId={urlView} role={role} userKey={userKey} />}
      <form onSubmit={onSubmit} className="flex flex-wrap items-center gap-2" role="search">
        <QueryInput conn={conn} queue={queue} name="q" key={urlQ} defaultValue={urlQ} inputRef={inputRef} invalid={error !== null} />
        <Select name="in" key={`s-${urlState}`} defaultValue={urlState} aria-label="Search in state" className="h-8 w-40 text-xs">
          <option value="all">All states</option>
          {['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
        <Button type="submit" size="sm" variant="primary">
          Search
        </Button>
        {running && (
          <Button size="sm" onClick={() => abort.current?.abort()}>
            Cancel
          </Button>
        )}
        {urlQ && (
          <Button size="sm" variant="ghost" onClick={clear}>
            Back to the list
          </Button>
        )}
      </form>
      {urlField !== 'any' && FIELD_LABELS[urlField] && (
        <p className="text-xs text-zinc-500">
          This link searches the whole text in the {FIELD_LABELS[urlField]} field (the form before the query language); a new search uses the language.
        </p>
      )}
      {urlQ && (
        <div className={cn('space-y-2', selected.size > 0 && 'pb-16')}>
          <div className="flex items-center gap-3">
            <div className="flex items-center gap-3 text-xs text-zinc-600 dark:text-zinc-400" role="status" data-testid="search-status">
              <div className="h-1.5 w-48 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
                <div className="h-full bg-indigo-500 transition-[width]" style={{ width: `${finished && !capped ? 100 : pct}%` }} />
              </div>
              <span>
                {running ? 'Searching… ' : finished && !capped ? 'Done: ' : 'Stopped: '}
                scanned {formatExact(progress?.scanned ?? 0)}
                {progress ? ` of ${formatExact(progress.total)}` : ''} jobs, {formatExact(matches.length)} match{matches.length === 1 ? '' : 'es'}
                {capped && ` — the first ${formatExact(SHOWN_MATCHES_MAX)} shown; narrow the query to see the rest (Act on all matches counts and acts on all of them)`}
              </span>
            </div>
            <span className="ml-auto flex items-center gap-2">
              <DataColumnsControl conn={conn} queue={queue} columns={dataColumns} onChange={setDataColumns} />
              <JobColumnsMenu view="search" userKey={userKey} />
            </span>
          </div>
          {/* Everything the query matches, not only the rows loaded here: counted, then acted on at a set rate. */}
          {urlField === 'any' && (
            <div className="flex flex-wrap items-start gap-2">
              {role && <SaveViewButton conn={conn} queue={queue} query={urlQ} within={urlState as 'all'} role={role} columns={dataColumns} order={urlOrder} />}
              {canAct && <QueryBulk conn={conn} queue={queue} q={urlQ} within={urlState} role={role} onDone={() => void run(urlQ, urlField, urlState, cols, urlOrder)} />}
              {role === 'admin' && (
                <Link
                  className="inline-flex h-7 items-center rounded-md px-2 text-xs text-indigo-700 hover:bg-zinc-100 dark:text-indigo-300 dark:hover:bg-zinc-800"
                  href={`/alerts?${new URLSearchParams({ new: 'query-matches', conn, queue, q: urlState === 'all' ? urlQ : `state:${urlState} ${urlQ}` })}`}
                >
                  Alert on this query…
                </Link>
              )}
            </div>
          )}
          {error && (
            <p role="alert" className="text-sm text-red-600">
              {error}
            </p>
          )}
          {canAct && (
            <BulkToolbar
              conn={conn}
              queue={queue}
              role={role}
              selection={{ ids: [...selected], states: matches.filter((m) => selected.has(m.id)).map((m) => m.state) }}
              onClearSelection={clearSelection}
              onDone={() => void run(urlQ, urlField, urlState, cols, urlOrder)}
            />
          )}
          <JobsTable
            conn={conn}
            queue={queue}
            jobs={matches}
            view="search"
            userKey={userKey}
            viewKey={searchKey}
            dataColumns={dataColumns}
            selection={canAct ? { selected, toggle, setAll } : undefined}
            empty={running ? 'Searching…' : 'No job matches.'}
          />
        </div>
      )}
    </section>
  );
}
