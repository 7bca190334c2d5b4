'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { addJobAction } from '@/app/actions';
import type { JobKindSchemaSummary } from '@/lib/job-kinds/registry';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FieldError, Input, Label, Select } from '@/components/ui/input';
import { jobHref } from '@/components/explorer/format';
import { useRunAction } from '@/components/ui/use-run-action';
import { JsonEditor, isValidJson } from '@/components/ui/json-editor';
import { KindSchemaSummary } from '@/components/jobs/kind-schema-summary';

type Errors = Record<string, string[]>;

function optionalInt(v: string): number | undefined {
  return v.trim() === '' ? undefined : Number(v);
}

/** Add a job: name, JSON data (checked against the queue's schema when its processors declare one), options. */
export function AddJobDialog({ conn, queue, schema, open, onClose }: { conn: string; queue: string; schema: JobKindSchemaSummary | null; open: boolean; onClose: () => void }) {
  const router = useRouter();
  const { run, pending } = useRunAction();
  const [name, setName] = useState(schema?.jobNames[0] ?? '');
  const [data, setData] = useState('{\n  \n}');
  const [errors, setErrors] = useState<Errors>({});
  const [opts, setOpts] = useState({ delay: '', priority: '', attempts: '', backoffType: '', backoffDelay: '', jobId: '', dedupId: '', dedupTtl: '' });
  const set = (k: keyof typeof opts) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setOpts({ ...opts, [k]: e.target.value });

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const options = {
      delay: optionalInt(opts.delay),
      priority: optionalInt(opts.priority),
      attempts: optionalInt(opts.attempts),
      backoff: opts.backoffType ? { type: opts.backoffType as 'fixed' | 'exponential', delay: optionalInt(opts.backoffDelay) ?? 1000 } : undefined,
      jobId: opts.jobId.trim() || undefined,
      deduplication: opts.dedupId.trim() ? { id: opts.dedupId.trim(), ttl: optionalInt(opts.dedupTtl) } : undefined,
    };
    run(() => addJobAction({ params: { conn, queue }, body: { name, data, opts: options } }), {
      onDone: (r) => {
        if (r.ok) {
          setErrors({});
          onClose();
          router.push(jobHref(conn, queue, r.data.jobId));
        } else setErrors(r.error.fieldErrors ?? {});
      },
    });
  }

  const dataErrors = Object.entries(errors)
    .filter(([k]) => k === 'data' || k.startsWith('data.') || k.startsWith('job.data'))
    .flatMap(([k, v]) => v.map((m) => (k === 'data' ? m : `${k.replace(/^job\./, '')}: ${m}`)));
  const field = (k: string) => errors[k] ?? errors[`job.opts.${k}`];

  return (
    <Dialog open={open} onClose={onClose} title={`Add a job to ${queue}`} className="w-[min(52rem,calc(100vw-2rem))]">
      <form onSubmit={submit} className="space-y-4" aria-label="Add job">
        <div>
          <Label htmlFor="job-name">Job name</Label>
          {schema ? (
            <Select id="job-name" value={name} onChange={(e) => setName(e.target.value)}>
              {schema.jobNames.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </Select>
          ) : (
            <Input id="job-name" value={name} onChange={(e) => setName(e.target.value)} required aria-invalid={Boolean(errors.name ?? errors['job.name'])} />
          )}
          <FieldError messages={errors.name ?? errors['job.name']} />
        </div>
        {schema && <KindSchemaSummary schema={schema} when="checked before the job is added" testId="queue-schema" />}
        <JsonEditor label="Data (JSON)" value={data} onChange={setData} rows={10} errors={dataErrors} />
        <fieldset className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <legend className="mb-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">Options</legend>
          <div>
            <Label htmlFor="opt-delay">Delay (ms)</Label>
            <Input id="opt-delay" inputMode="numeric" value={opts.delay} onChange={set('delay')} />
            <FieldError messages={field('delay')} />
          </div>
          <div>
            <Label htmlFor="opt-priority">Priority</Label>
            <Input id="opt-priority" inputMode="numeric" value={opts.priority} onChange={set('priority')} />
            <FieldError messages={field('priority')} />
          </div>
          <div>
            <Label htmlFor="opt-attempts">Attempts</Label>
            <Input id="opt-attempts" inputMode="numeric" value={opts.attempts} onChange={set('attempts')} />
            <FieldError messages={field('attempts')} />
          </div>
          <div>
            <Label htmlFor="opt-jobid">Job id</Label>
            <Input id="opt-jobid" value={opts.jobId} onChange={set('jobId')} placeholder="generated" />
            <FieldError messages={field('jobId')} />
          </div>
          <div>
            <Label htmlFor="opt-backoff">Backoff</Label>
            <Select id="opt-backoff" value={opts.backoffType} onChange={set('backoffType')}>
              <option value="">none</option>
              <option value="fixed">fixed</option>
              <option value="exponential">exponential</option>
            </Select>
          </div>
          <div>
            <Label htmlFor="opt-backoff-delay">Backoff delay (ms)</Label>
            <Input id="opt-backoff-delay" inputMode="numeric" value={opts.backoffDelay} onChange={set('backoffDelay')} disabled={!opts.backoffType} />
          </div>
          <div>
            <Label htmlFor="opt-dedup">Deduplication id</Label>
            <Input id="opt-dedup" value={opts.dedupId} onChange={set('dedupId')} />
          </div>
          <div>
            <Label htmlFor="opt-dedup-ttl">Dedup. TTL (ms)</Label>
            <Input id="opt-dedup-ttl" inputMode="numeric" value={opts.dedupTtl} onChange={set('dedupTtl')} disabled={!opts.dedupId} />
          </div>
        </fieldset>
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={pending || !name.trim() || !isValidJson(data)}>
            {pending ? 'Adding…' : 'Add job'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
