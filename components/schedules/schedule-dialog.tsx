'use client';
import { useEffect, useMemo, useState } from 'react';
import type { Schedule } from '@/lib/schedules/types';
import type { JobKindSchemaSummary } from '@/lib/job-kinds/registry';
import { upsertScheduleAction } from '@/app/actions';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FieldError, Input, Label, Select } from '@/components/ui/input';
import { JsonEditor, isValidJson } from '@/components/ui/json-editor';
import { useRunAction } from '@/components/ui/use-run-action';
import { fetchJson } from '@/components/explorer/api-client';
import { apiQueuePath } from '@/components/explorer/format';
import { fromLocalInput, toLocalInput } from '@/components/ui/local-datetime';
import { localTimeZone } from '@/lib/schedules/zone-format';
import { CronPreview, usePreview, type PreviewRequest } from './cron-preview';
import { TimeZoneInput } from './time-zone-input';
import { KindSchemaSummary } from '@/components/jobs/kind-schema-summary';

type Errors = Record<string, string[]>;
const UNITS = [
  ['1000', 'seconds'],
  ['60000', 'minutes'],
  ['3600000', 'hours'],
  ['1', 'ms'],
] as const;

type Form = {
  conn: string;
  queue: string;
  id: string;
  kind: 'cron' | 'every';
  pattern: string;
  tz: string;
  immediately: boolean;
  everyValue: string;
  everyUnit: string;
  start: string;
  end: string;
  limit: string;
  name: string;
  data: string;
  opts: string;
};

/** The ISO instant of a datetime-local value; an unreadable value is passed on for the server to reject. */
function isoFromLocalInput(value: string, initial: string, initialMs: number | undefined): string | undefined {
  if (!value) return undefined;
  // Unchanged: keep the exact stored instant (inputs drop milliseconds).
  if (value === initial && initialMs) return new Date(initialMs).toISOString();
  const ms = fromLocalInput(value);
  return ms === undefined ? value : new Date(ms).toISOString();
}

function everyParts(ms: number): { everyValue: string; everyUnit: string } {
  const unit = UNITS.find(([u]) => ms % Number(u) === 0)?.[0] ?? '1';
  return { everyValue: String(ms / Number(unit)), everyUnit: unit };
}

function formFrom(s: Schedule): Form {
  return {
    conn: s.connection,
    queue: s.queue,
    id: s.id,
    kind: s.pattern ? 'cron' : 'every',
    pattern: s.pattern ?? '',
    tz: s.tz ?? '',
    immediately: false,
    ...(s.every ? everyParts(s.every) : { everyValue: '60', everyUnit: '1000' }),
    start: toLocalInput(s.startDate, { seconds: true }),
    end: toLocalInput(s.endDate, { seconds: true }),
    limit: s.limit ? String(s.limit) : '',
    name: s.template.name,
    data: JSON.stringify(s.template.data ?? {}, null, 2),
    opts: s.template.opts && Object.keys(s.template.opts).length ? JSON.stringify(s.template.opts, null, 2) : '{}',
  };
}

/** Field errors from the action keyed without the "schedule." / "target." input prefixes. */
function normalise(errors: Errors | undefined): Errors {
  const out: Errors = {};
  for (const [k, v] of Object.entries(errors ?? {})) (out[k.replace(/^(schedule|target)\./, '')] ??= []).push(...v);
  return out;
}

export type ScheduleDialogProps = {
  mode: 'create' | 'edit';
  /** edit: the schedule (its full data is fetched again on open) */
  schedule?: Schedule;
  /** create: where to put it by default */
  defaults?: { conn?: string; queue?: string };
  connections: Array<{ name: string; readOnly: boolean; queues: string[] }>;
  timeZones: string[];
  schemas: Record<string, JobKindSchemaSummary>;
  onClose: () => void;
};

/** Create or edit a schedule: cron (with live validation and a preview of the next runs) or interval, window, limit, template. */
export function ScheduleDialog({ mode, schedule, defaults, connections, timeZones, schemas, onClose }: ScheduleDialogProps) {
  const { run, pending } = useRunAction();
  const writable = connections.filter((c) => !c.readOnly);
  const [form, setForm] = useState<Form>(() =>
    schedule
      ? formFrom(schedule)
      : {
          conn: defaults?.conn ?? writable[0]?.name ?? '',
          queue: defaults?.queue ?? '',
          id: '',
          kind: 'cron',
          pattern: '',
          tz: localTimeZone(),
          immediately: false,
          everyValue: '60',
          everyUnit: '1000',
          start: '',
          end: '',
          limit: '',
          name: (defaults?.queue && schemas[defaults.queue]?.jobNames[0]) || '',
          data: '{\n  \n}',
          opts: '{}',
        },
  );
  const [initial] = useState(form);
  const [errors, setErrors] = useState<Errors>({});
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loading, setLoading] = useState(mode === 'edit' && Boolean(schedule?.dataOmitted));
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  // Lists leave large template data out: fetch the whole schedule before editing it.
  useEffect(() => {
    if (mode !== 'edit' || !schedule?.dataOmitted) return;
    let cancelled = false;
    fetchJson<Schedule>(`${apiQueuePath(schedule.connection, schedule.queue)}/schedulers/${encodeURIComponent(schedule.id)}`)
      .then((full) => !cancelled && setForm((f) => ({ ...f, data: JSON.stringify(full.template.data ?? {}, null, 2) })))
      .catch((err: Error) => !cancelled && setLoadError(err.message))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [mode, schedule]);

  const everyMs = Math.round(Number(form.everyValue) * Number(form.everyUnit));
  const startIso = isoFromLocalInput(form.start, initial.start, schedule?.startDate);
  const endIso = isoFromLocalInput(form.end, initial.end, schedule?.endDate);
  const previewRequest = useMemo<PreviewRequest | null>(() => {
    const window = { ...(startIso ? { startDate: startIso } : {}), ...(endIso ? { endDate: endIso } : {}) };
    if (form.kind === 'cron') return form.pattern.trim() ? { pattern: form.pattern, ...(form.tz.trim() ? { tz: form.tz.trim() } : {}), ...window } : null;
    return form.everyValue.trim() && Number.isFinite(everyMs) ? { every: everyMs, ...window } : null;
  }, [form.kind, form.pattern, form.tz, form.everyValue, everyMs, startIso, endIso]);
  const preview = usePreview(previewRequest);
  const liveError = preview.status === 'error' ? preview : null;
  const fieldMessages = (k: string) => [...(liveError && (liveError.field ?? 'pattern') === k ? [liveError.message] : []), ...(errors[k] ?? [])];

  const schema = schemas[form.queue] ?? null;
  const queues = connections.find((c) => c.name === form.conn)?.queues ?? [];
  const optsValid = isValidJson(form.opts) && (() => {
    try {
      const v = JSON.parse(form.opts || '{}');
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    } catch {
      return false;
    }
  })();
  const dataErrors = Object.entries(errors)
    .filter(([k]) => k === 'template.data' || k.startsWith('template.data.'))
    .flatMap(([k, v]) => v.map((m) => (k === 'template.data' ? m : `${k.replace(/^template\./, '')}: ${m}`)));
  // While the full schedule loads, or if it failed to, form.data is a placeholder: saving it would replace the template's data.
  const checking = !preview.settled;
  const canSave = !pending && !loading && !loadError && !liveError && !checking && form.conn && form.queue.trim() && form.id.trim() && form.name.trim() && isValidJson(form.data) && optsValid;

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const timing =
      form.kind === 'cron'
        ? { pattern: form.pattern.trim(), ...(form.tz.trim() ? { tz: form.tz.trim() } : {}), ...(form.immediately ? { immediately: true } : {}) }
        : { every: everyMs };
    run(
      () =>
        upsertScheduleAction({
          params: { conn: form.conn, queue: form.queue.trim(), schedulerId: form.id.trim() },
          body: {
            ...timing,
            ...(startIso ? { startDate: startIso } : {}),
            ...(endIso ? { endDate: endIso } : {}),
            limit: form.limit.trim() ? Number(form.limit) : null,
            template: { name: form.name.trim(), data: form.data, opts: JSON.parse(form.opts || '{}') },
            ...(mode === 'create' ? { expectNew: true } : {}),
          },
        }),
      {
        onDone: (r) => {
          if (r.ok) onClose();
          else setErrors(normalise(r.error.fieldErrors));
        },
      },
    );
  }

  const title = mode === 'create' ? 'New schedule' : `Edit schedule ${schedule?.id}`;
  return (
    <Dialog open onClose={onClose} title={title} className="w-[min(56rem,calc(100vw-2rem))]">
      <form onSubmit={submit} className="space-y-4" aria-label={title}>
        {mode === 'edit' && schedule?.definedInCode && (
          <p role="note" className="rounded-md bg-amber-50 p-2 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200" data-testid="code-defined-warning">
            This schedule is <strong>defined in code</strong> by the bundled workers: the next worker start overwrites your changes with the code’s definition.
            Change it in <code>workers/kinds/</code> to make it last.
          </p>
        )}
        {mode === 'edit' && schedule?.state === 'paused' && <p className="text-xs text-zinc-500">This schedule is paused: saving updates it and keeps it paused.</p>}
        {loadError && <FieldError messages={[`Could not load the schedule’s data: ${loadError}`]} />}

        <div className="grid gap-3 sm:grid-cols-3">
          <div>
            <Label htmlFor="sched-conn">Connection</Label>
            <Select id="sched-conn" value={form.conn} onChange={(e) => set('conn', e.target.value)} disabled={mode === 'edit'}>
              {(mode === 'edit' ? connections : writable).map((c) => (
                <option key={c.name}>{c.name}</option>
              ))}
            </Select>
          </div>
          <div>
            <Label htmlFor="sched-queue">Queue</Label>
            <Input id="sched-queue" list="sched-queues" value={form.queue} onChange={(e) => set('queue', e.target.value)} disabled={mode === 'edit'} required autoComplete="off" />
            <datalist id="sched-queues">
              {queues.map((q) => (
                <option key={q} value={q} />
              ))}
            </datalist>
            <FieldError messages={errors.queue} />
          </div>
          <div>
            <Label htmlFor="sched-id">Schedule id</Label>
            <Input id="sched-id" value={form.id} onChange={(e) => set('id', e.target.value)} disabled={mode === 'edit'} required autoComplete="off" placeholder="e.g. nightly-export" />
            <FieldError messages={errors.schedulerId} />
          </div>
        </div>

        <fieldset className="space-y-3">
          <legend className="mb-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">When</legend>
          <div className="flex gap-4 text-sm">
            <label className="flex items-center gap-1.5">
              <input type="radio" name="sched-kind" checked={form.kind === 'cron'} onChange={() => set('kind', 'cron')} /> Cron pattern
            </label>
            <label className="flex items-center gap-1.5">
              <input type="radio" name="sched-kind" checked={form.kind === 'every'} onChange={() => set('kind', 'every')} /> Interval
            </label>
          </div>
          {form.kind === 'cron' ? (
            <div className="grid gap-3 sm:grid-cols-3">
              <div className="sm:col-span-2">
                <Label htmlFor="sched-pattern">Cron pattern (minute hour day-of-month month day-of-week; optional leading second)</Label>
                <Input id="sched-pattern" className="font-mono" value={form.pattern} onChange={(e) => set('pattern', e.target.value)} placeholder="0 9 * * 1-5" autoComplete="off" spellCheck={false} aria-invalid={fieldMessages('pattern').length > 0} />
                <FieldError messages={fieldMessages('pattern')} />
              </div>
              <div>
                <Label htmlFor="sched-tz">Time zone (IANA)</Label>
                <TimeZoneInput id="sched-tz" value={form.tz} onChange={(v) => set('tz', v)} zones={timeZones} invalid={fieldMessages('tz').length > 0} />
                <FieldError messages={fieldMessages('tz')} />
              </div>
              <label className="flex items-center gap-1.5 text-xs sm:col-span-3">
                <input type="checkbox" checked={form.immediately} onChange={(e) => set('immediately', e.target.checked)} disabled={Boolean(form.start)} /> Also run once right away
              </label>
            </div>
          ) : (
            <div className="grid grid-cols-2 gap-3 sm:w-1/2">
              <div>
                <Label htmlFor="sched-every">Every</Label>
                <Input id="sched-every" inputMode="decimal" value={form.everyValue} onChange={(e) => set('everyValue', e.target.value)} aria-invalid={fieldMessages('every').length > 0} />
              </div>
              <div>
                <Label htmlFor="sched-every-unit">Unit</Label>
                <Select id="sched-every-unit" value={form.everyUnit} onChange={(e) => set('everyUnit', e.target.value)}>
                  {UNITS.map(([v, l]) => (
                    <option key={v} value={v}>
                      {l}
                    </option>
                  ))}
                </Select>
              </div>
              <div className="col-span-2">
                <FieldError messages={fieldMessages('every')} />
              </div>
            </div>
          )}
          <div className="grid gap-3 sm:grid-cols-3">
            <div>
              <Label htmlFor="sched-start">Start (your local time, optional)</Label>
              <Input id="sched-start" type="datetime-local" step="1" value={form.start} onChange={(e) => set('start', e.target.value)} />
              <FieldError messages={fieldMessages('startDate')} />
            </div>
            <div>
              <Label htmlFor="sched-end">End (your local time, optional)</Label>
              <Input id="sched-end" type="datetime-local" step="1" value={form.end} onChange={(e) => set('end', e.target.value)} aria-invalid={fieldMessages('endDate').length > 0} />
              <FieldError messages={fieldMessages('endDate')} />
            </div>
            <div>
              <Label htmlFor="sched-limit">Limit (jobs in total, optional)</Label>
              <Input id="sched-limit" inputMode="numeric" value={form.limit} onChange={(e) => set('limit', e.target.value.replace(/\D/g, ''))} />
              <FieldError messages={errors.limit} />
            </div>
          </div>
          <CronPreview state={preview} />
        </fieldset>

        <fieldset className="space-y-3">
          <legend className="mb-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">Job template</legend>
          <div>
            <Label htmlFor="sched-name">Job name</Label>
            {schema ? (
              <Select id="sched-name" value={form.name} onChange={(e) => set('name', e.target.value)}>
                {!schema.jobNames.includes(form.name) && <option value={form.name}>{form.name || '—'}</option>}
                {schema.jobNames.map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </Select>
            ) : (
              <Input id="sched-name" value={form.name} onChange={(e) => set('name', e.target.value)} required autoComplete="off" />
            )}
            <FieldError messages={errors['template.name']} />
          </div>
          {schema && <KindSchemaSummary schema={schema} when="checked before saving" testId="schedule-schema" />}
          <div className="grid gap-3 md:grid-cols-2">
            <JsonEditor label="Data (JSON)" value={form.data} onChange={(v) => set('data', v)} rows={8} errors={dataErrors} />
            <JsonEditor
              label="Job options (JSON: attempts, backoff, priority, removeOnComplete…)"
              value={form.opts}
              onChange={(v) => set('opts', v)}
              rows={8}
              errors={[...(optsValid || !isValidJson(form.opts) ? [] : ['must be a JSON object']), ...Object.entries(errors).filter(([k]) => k.startsWith('template.opts')).flatMap(([k, v]) => v.map((m) => `${k.replace(/^template\.opts\.?/, '') || 'options'}: ${m}`))]}
            />
          </div>
        </fieldset>

        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={!canSave} title={checking ? 'Checking the schedule…' : undefined}>
            {pending ? 'Saving…' : mode === 'create' ? 'Create schedule' : 'Save changes'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
