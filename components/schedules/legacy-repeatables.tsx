'use client';
import { Link } from '@/components/ui/link';
import { useState } from 'react';
import type { LegacyRepeatable } from '@/lib/schedules/types';
import { migrateLegacyRepeatableAction } from '@/app/actions';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Input, Label } from '@/components/ui/input';
import { useRunAction } from '@/components/ui/use-run-action';
import { formatExact, queueHref } from '@/components/explorer/format';
import { ZonedTime } from './zoned-time';

const FORMAT_NOTE: Record<LegacyRepeatable['format'], string> = {
  hashed: 'BullMQ 5 repeatable (hashed key with metadata)',
  key: 'BullMQ ≤ 5 repeatable (name:id:endDate:tz:pattern key)',
  orphan: 'Entry without metadata: nothing to migrate from',
};

/** BullMQ 5 repeatables BullMQ 6 no longer runs: listed from their keys, read-only, with a one-click migration. */
export function LegacyRepeatables({ legacy, canAct }: { legacy: LegacyRepeatable[]; canAct: boolean }) {
  const { run, pending } = useRunAction();
  const [migrating, setMigrating] = useState<LegacyRepeatable | null>(null);
  const [id, setId] = useState('');
  if (legacy.length === 0) return null;
  return (
    <section className="space-y-2" aria-labelledby="legacy-title">
      <h2 id="legacy-title" className="text-base font-semibold">
        Legacy repeatable jobs
      </h2>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Written by BullMQ 5’s repeatable-jobs API, which BullMQ 6 removed: BullMQ 6 workers do not advance them, so they run at most once more. Migrating one creates a job scheduler with the
        same timing and the data of its pending job, then removes the legacy entry and that job.
      </p>
      <div className="overflow-x-auto rounded-md border border-zinc-200 dark:border-zinc-800">
        <table className="w-full border-collapse text-left text-sm" data-testid="legacy-table">
          <thead className="bg-zinc-50 text-xs text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400">
            <tr>
              {['Key', 'Queue', 'Job name', 'When', 'Next run'].map((h) => (
                <th key={h} className="px-3 py-2 font-medium">
                  {h}
                </th>
              ))}
              {canAct && <th className="px-3 py-2 font-medium">Actions</th>}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {legacy.map((l) => (
              <tr key={`${l.connection}/${l.queue}/${l.key}`} className="align-top" data-testid="legacy-row">
                <td className="max-w-[16rem] px-3 py-1.5">
                  <div className="truncate font-mono text-xs" title={l.key}>
                    {l.key}
                  </div>
                  <Badge tone={l.format === 'orphan' ? 'red' : 'neutral'} title={FORMAT_NOTE[l.format]}>
                    {l.format === 'orphan' ? 'no metadata' : 'legacy'}
                  </Badge>
                </td>
                <td className="px-3 py-1.5">
                  <Link href={queueHref(l.connection, l.queue)} className="text-xs text-indigo-700 hover:underline dark:text-indigo-400">
                    {l.connection}/{l.queue}
                  </Link>
                </td>
                <td className="px-3 py-1.5 font-mono text-xs">{l.name ?? '—'}</td>
                <td className="px-3 py-1.5">
                  <div className="font-mono text-[13px]">{l.pattern ?? (l.every ? `every ${formatExact(l.every)} ms` : '—')}</div>
                  <div className="text-xs text-zinc-500">
                    {l.description}
                    {l.tz ? ` · ${l.tz}` : ''}
                    {l.endDate ? ` · until ${new Date(l.endDate).toISOString()}` : ''}
                  </div>
                </td>
                <td className="px-3 py-1.5">
                  <ZonedTime ms={l.next} tz={l.tz ?? undefined} />
                </td>
                {canAct && (
                  <td className="px-3 py-1.5">
                    {!l.readOnly && l.canAct !== false && l.format !== 'orphan' && (
                      <Button
                        size="sm"
                        onClick={() => {
                          setId(l.name ?? '');
                          setMigrating(l);
                        }}
                      >
                        Migrate…
                      </Button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={migrating !== null}
        onClose={() => setMigrating(null)}
        title="Migrate to a job scheduler"
        confirmLabel="Migrate"
        danger={false}
        busy={pending}
        onConfirm={() => {
          if (!migrating) return;
          const l = migrating;
          run(() => migrateLegacyRepeatableAction({ params: { conn: l.connection, queue: l.queue, schedulerId: l.key }, body: id.trim() ? { id: id.trim() } : {} }), {
            onDone: () => setMigrating(null),
          });
        }}
      >
        {migrating && (
          <>
            <p>
              Creates a job scheduler in <strong>{migrating.queue}</strong> running <span className="font-mono">{migrating.pattern ?? `every ${migrating.every} ms`}</span>
              {migrating.tz ? ` (${migrating.tz})` : ''} with the data of the legacy entry’s pending job, then removes the legacy entry and that job.
            </p>
            <div>
              <Label htmlFor="migrate-id">Id of the new schedule</Label>
              <Input id="migrate-id" value={id} onChange={(e) => setId(e.target.value)} autoComplete="off" />
            </div>
          </>
        )}
      </ConfirmDialog>
    </section>
  );
}
