'use client';
// A queue's objectives (README › Queue objectives): operators set or clear them; objectives from the
// config file are shown read-only. Times are typed in seconds and sent in ms; the server validates.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { clearObjectivesAction, setObjectivesAction } from '@/app/actions';
import { OBJECTIVE_FIELDS, OBJECTIVE_LABELS, OBJECTIVE_LIMITS, type ObjectiveField, type ObjectivesView } from '@/lib/objectives/objective';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Input, Label } from '@/components/ui/input';
import { useRunAction } from '@/components/ui/use-run-action';
import { fetchJson } from '@/components/explorer/api-client';
import { apiQueuePath } from '@/components/explorer/format';
import { queryKeys } from '@/components/query-keys';
import { cn } from '@/components/ui/cn';
import { RelativeTime } from '@/components/ui/relative-time';

/** The queue's objectives, refreshed like the metrics (the status changes with every measurement round). */
export function useObjectives(conn: string, queue: string, enabled = true) {
  return useQuery({
    queryKey: queryKeys.objectives(conn, queue),
    queryFn: () => fetchJson<ObjectivesView>(`${apiQueuePath(conn, queue)}/objectives`),
    refetchInterval: 10_000,
    enabled,
  });
}

const UNIT: Record<ObjectiveField, { label: string; toInput: (v: number) => string; fromInput: (s: string) => number }> = {
  waitP95Ms: { label: 'seconds', toInput: (v) => String(v / 1000), fromInput: (s) => Math.round(Number(s) * 1000) },
  oldestWaitMs: { label: 'seconds', toInput: (v) => String(v / 1000), fromInput: (s) => Math.round(Number(s) * 1000) },
  failureRatePct: { label: '%', toInput: (v) => String(v), fromInput: (s) => Number(s) },
  processingP95Ms: { label: 'seconds', toInput: (v) => String(v / 1000), fromInput: (s) => Math.round(Number(s) * 1000) },
};

const LEVEL_TONE = { breach: 'text-red-600 dark:text-red-400', warn: 'text-amber-700 dark:text-amber-400', ok: 'text-emerald-700 dark:text-emerald-400', none: 'text-zinc-500' } as const;

/** "Objectives: Wait p95 4 m > 1 m" in the colour of its level, or nothing when the queue has none. */
export function ObjectivesStatusLine({ view }: { view: ObjectivesView | undefined }) {
  if (!view?.objectives) return null;
  const level = view.status?.level ?? 'none';
  return (
    <p data-testid="objectives-status" data-level={level} className={cn('text-xs', LEVEL_TONE[level])}>
      Objectives{view.source === 'config' ? ' (config file)' : ''}: {view.status?.text ?? 'not measured lately'}
      {view.status && (
        <>
          {' · judged '}
          <RelativeTime ms={view.status.at} />
        </>
      )}
    </p>
  );
}

export function ObjectivesButton({ conn, queue }: { conn: string; queue: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)}>
        Objectives…
      </Button>
      {open && <ObjectivesDialog conn={conn} queue={queue} onClose={() => setOpen(false)} />}
    </>
  );
}

function ObjectivesDialog({ conn, queue, onClose }: { conn: string; queue: string; onClose: () => void }) {
  const { run, pending } = useRunAction();
  const { data, error } = useObjectives(conn, queue);
  const [form, setForm] = useState<Record<ObjectiveField | 'windowMinutes', string> | null>(null);
  const current = data?.objectives;
  const values =
    form ??
    ({
      ...Object.fromEntries(OBJECTIVE_FIELDS.map((f) => [f, current?.[f] !== undefined ? UNIT[f].toInput(current[f]!) : ''])),
      windowMinutes: String(current?.windowMinutes ?? 15),
    } as Record<ObjectiveField | 'windowMinutes', string>);
  const locked = data?.source === 'config';
  const body = () => {
    const out: Record<string, number> = { windowMinutes: Number(values.windowMinutes) };
    for (const f of OBJECTIVE_FIELDS) if (values[f].trim() !== '') out[f] = UNIT[f].fromInput(values[f]);
    return out;
  };

  return (
    <Dialog open onClose={onClose} title={`Objectives of ${queue}`}>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          run(() => setObjectivesAction({ params: { conn, queue }, body: body() }), { onDone: (r) => r.ok && onClose() });
        }}
      >
        <p className="text-xs text-zinc-500">
          What this queue should keep to. The overview turns the queue red when one is missed (amber at 80 %), and alert rules of the “objective” kinds page on it. Leave a field empty for no objective.
          The p95s need at least {OBJECTIVE_LIMITS.minSamples} jobs completed in the window.
        </p>
        {error && <p role="alert" className="text-sm text-red-600">{(error as Error).message}</p>}
        {locked && <p role="note" className="text-sm text-amber-700 dark:text-amber-400">Set in the config file: read-only here.</p>}
        <ObjectivesStatusLine view={data} />
        <div className="grid grid-cols-2 gap-3">
          {OBJECTIVE_FIELDS.map((f) => (
            <div key={f}>
              <Label htmlFor={`objective-${f}`}>
                {OBJECTIVE_LABELS[f]} ({UNIT[f].label})
              </Label>
              <Input id={`objective-${f}`} inputMode="decimal" disabled={locked} value={values[f]} onChange={(e) => setForm({ ...values, [f]: e.target.value.replace(/[^\d.]/g, '') })} />
            </div>
          ))}
          <div>
            <Label htmlFor="objective-window">Window (minutes, 1–{OBJECTIVE_LIMITS.windowMinutesMax})</Label>
            <Input id="objective-window" inputMode="numeric" disabled={locked} value={values.windowMinutes} onChange={(e) => setForm({ ...values, windowMinutes: e.target.value.replace(/\D/g, '') })} />
          </div>
        </div>
        <div className="flex justify-end gap-2">
          {data?.source === 'console' && (
            <Button variant="danger" disabled={pending} onClick={() => run(() => clearObjectivesAction({ params: { conn, queue } }), { onDone: (r) => r.ok && onClose() })}>
              Clear objectives
            </Button>
          )}
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={pending || locked || !data}>
            Save objectives
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
