'use client';
// Across the top of every page while an alert rule fires: which rule, on which queue, since when. Admins
// get a link to the Alerts page (the page and the full rules are admin-only; the names are for everyone).
import { Link } from '@/components/ui/link';
import { useQuery } from '@tanstack/react-query';
import type { FiringAlerts } from '@/lib/alerts/firing-alerts';
import { fetchJson } from '@/components/explorer/api-client';
import { RelativeTime } from '@/components/ui/relative-time';
import { queryKeys } from '@/components/query-keys';

/** The evaluator runs after each sample (10 s by default): polling at that pace shows a change within ~20 s. */
const POLL_MS = 10_000;
const SHOWN = 3;

export function FiringAlertsBanner({ canOpenAlerts, initial }: { canOpenAlerts: boolean; initial: FiringAlerts | null }) {
  const { data } = useQuery({
    queryKey: queryKeys.firingAlerts(),
    queryFn: () => fetchJson<FiringAlerts>('/api/v1/alerts/firing'),
    refetchInterval: POLL_MS,
    // Rendered with the page: fresh for one poll interval, so hydrating does not ask again.
    ...(initial ? { initialData: initial, staleTime: POLL_MS } : {}),
  });
  const firing = data?.firing ?? [];
  const total = data?.total ?? firing.length;
  if (total === 0) return null;
  return (
    <div role="status" data-testid="alert-banner" className="flex flex-wrap items-center gap-x-3 gap-y-1 bg-amber-100 px-4 py-1.5 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-100">
      <strong className="font-semibold">
        {total === 1 ? '1 alert firing' : `${total.toLocaleString('en')} alerts firing`}:
      </strong>
      {firing.slice(0, SHOWN).map((a, i) => (
        // Rule names need not be unique: the position keeps keys apart.
        <span key={`${i}\n${a.rule}\n${a.connection}\n${a.queue}`}>
          {a.rule} — <span className="font-mono text-xs">{a.queue ? `${a.connection}/${a.queue}` : a.connection}</span> <RelativeTime ms={a.since} className="text-xs opacity-80" />
        </span>
      ))}
      {total > SHOWN && <span>and {(total - SHOWN).toLocaleString('en')} more</span>}
      {canOpenAlerts && (
        <Link href="/alerts" className="ml-auto font-medium underline underline-offset-2">
          Open Alerts
        </Link>
      )}
    </div>
  );
}
