'use client';
import { Link } from '@/components/ui/link';
import { usePathname, useRouter } from 'next/navigation';
import { auditOutcomeSchema, type AuditEntry, type AuditOutcome } from '@/lib/audit/audit-entry';
import type { AuditQuery } from '@/lib/audit/list-audit';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Input, Label, Select } from '@/components/ui/input';
import { RelativeTime } from '@/components/ui/relative-time';
import { ExactTime } from '@/components/ui/exact-time';
import { toLocalInput } from '@/components/ui/local-datetime';
import { formatExact } from '@/components/explorer/format';

const OUTCOME_TONE: Record<AuditOutcome, BadgeTone> = { ok: 'green', denied: 'red', invalid: 'amber', refused: 'amber', error: 'red' };

export function AuditView({ page, query }: { page: { entries: AuditEntry[]; cursor: string | null; scanned: number; total: number | null }; query: AuditQuery }) {
  const router = useRouter();
  const pathname = usePathname();
  const apply = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const params = new URLSearchParams();
    for (const key of ['user', 'action', 'queue', 'outcome']) {
      const v = String(data.get(key) ?? '').trim();
      if (v) params.set(key, v);
    }
    for (const key of ['from', 'to']) {
      const v = String(data.get(key) ?? '');
      if (v) params.set(key, String(new Date(v).getTime()));
    }
    router.push(`${pathname}${params.size ? `?${params}` : ''}`);
  };
  const nextHref = () => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && k !== 'cursor' && k !== 'limit') params.set(k, String(v));
    params.set('cursor', page.cursor!);
    return `${pathname}?${params}`;
  };
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-lg font-semibold">Audit log</h1>
        <p className="text-sm text-zinc-500">Every change made in the console, the API or the CLI, including refused ones. The last 100,000 entries are kept{page.total === null ? '; you see those about the queues you are admin of' : ` (${formatExact(page.total)} now)`}.</p>
      </div>
      {/* Keyed on the query: after Clear or back/forward the inputs show the filters in force. */}
      <form
        key={JSON.stringify(query)}
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          apply(e.currentTarget);
        }}
      >
        <div>
          <Label htmlFor="f-user">User</Label>
          <Input id="f-user" name="user" defaultValue={query.user} className="h-8 w-48" placeholder="email or token:name" />
        </div>
        <div>
          <Label htmlFor="f-action">Action</Label>
          <Input id="f-action" name="action" defaultValue={query.action} className="h-8 w-40" placeholder="e.g. job.retry, queue." />
        </div>
        <div>
          <Label htmlFor="f-queue">Queue</Label>
          <Input id="f-queue" name="queue" defaultValue={query.queue} className="h-8 w-40" />
        </div>
        <div>
          <Label htmlFor="f-outcome">Outcome</Label>
          <Select id="f-outcome" name="outcome" defaultValue={query.outcome ?? ''} className="h-8 w-28 text-xs">
            <option value="">any</option>
            {auditOutcomeSchema.options.map((outcome) => (
              <option key={outcome} value={outcome}>
                {outcome}
              </option>
            ))}
          </Select>
        </div>
        <div>
          <Label htmlFor="f-from">From</Label>
          <Input id="f-from" name="from" type="datetime-local" defaultValue={toLocalInput(query.from)} className="h-8 w-52" />
        </div>
        <div>
          <Label htmlFor="f-to">To</Label>
          <Input id="f-to" name="to" type="datetime-local" defaultValue={toLocalInput(query.to)} className="h-8 w-52" />
        </div>
        <Button type="submit" size="sm" variant="primary">
          Filter
        </Button>
        <Link href={pathname} className="text-xs text-indigo-600 hover:underline">
          Clear
        </Link>
      </form>
      {page.entries.length === 0 ? (
        <EmptyState title="No audit entry matches">Changes appear here as soon as anyone acts on a queue, a job or a user.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-md border border-zinc-200 dark:border-zinc-800">
          <table className="w-full text-left text-sm" data-testid="audit-table">
            <thead className="bg-zinc-50 text-xs text-zinc-500 uppercase dark:bg-zinc-900">
              <tr>
                {['When', 'Who', 'Action', 'Target', 'Outcome', 'Details'].map((h) => (
                  <th key={h} className="px-3 py-2 font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {page.entries.map((e) => (
                <tr key={e.id} className="align-top">
                  <td className="px-3 py-1.5 whitespace-nowrap">
                    {/* An incident timeline: the instant written out, and how long ago. */}
                    <ExactTime ms={e.ts} /> <RelativeTime ms={e.ts} className="text-xs text-zinc-500" />
                  </td>
                  <td className="px-3 py-1.5">
                    {e.actor} <span className="text-xs text-zinc-500">({e.role}, {e.via})</span>
                  </td>
                  <td className="px-3 py-1.5 font-mono text-xs">{e.action}</td>
                  <td className="max-w-64 px-3 py-1.5 text-xs break-all">
                    {[e.connection, e.queue].filter(Boolean).join(' / ')}
                    {e.jobIds?.length ? ` · job${e.jobIds.length > 1 ? 's' : ''} ${e.jobIds.slice(0, 5).join(', ')}${(e.count ?? 0) > 5 ? ` … (${formatExact(e.count!)})` : ''}` : ''}
                    {!e.jobIds?.length && e.count ? ` · ${formatExact(e.count)} jobs` : ''}
                  </td>
                  <td className="px-3 py-1.5">
                    <Badge tone={OUTCOME_TONE[e.outcome]}>{e.outcome}</Badge>
                    {e.repeats && (
                      <p
                        className="mt-1 text-xs whitespace-nowrap text-zinc-500"
                        data-testid="audit-repeats"
                        title="The same user's calls of this operation with this outcome, folded into one entry for 10 minutes; the details are the first call's"
                      >
                        ×{formatExact(e.repeats.count)} until <RelativeTime ms={e.repeats.last} />
                      </p>
                    )}
                  </td>
                  <td className="max-w-96 px-3 py-1.5 font-mono text-[11px] break-all text-zinc-600 dark:text-zinc-400">
                    {e.message && <p className="text-red-700 dark:text-red-400">{e.message}</p>}
                    {e.params && Object.keys(e.params).length > 0 && JSON.stringify(e.params)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.cursor && (
        <Link href={nextHref()} className="inline-block rounded border border-zinc-300 px-3 py-1 text-sm hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800">
          Older entries ›
        </Link>
      )}
    </div>
  );
}
