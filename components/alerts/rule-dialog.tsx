'use client';
// Create or edit an alert rule. The saved webhook URL is never sent back to the browser: when editing,
// an empty URL field keeps it.
import { useState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/http/action';
import { ALERT_KINDS, KIND_INFO, type AlertKind, type PublicAlertRule, type WebhookFormat } from '@/lib/alerts/rule';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FieldError, Input, Label, Select } from '@/components/ui/input';
import { useRunAction } from '@/components/ui/use-run-action';
import type { PublicChannel } from '@/lib/alerts/channels/channel';

export type RuleFormInput = {
  name: string;
  enabled: boolean;
  kind: AlertKind;
  connection: string | null;
  queue: string | null;
  threshold: number;
  minutes: number;
  cooldownMinutes: number;
  webhookFormat: WebhookFormat;
  /** omitted when editing and left empty: the saved URL stays */
  webhookUrl?: string;
  /** the job query of a query-matches rule */
  query?: string | null;
  /** the paging channels it notifies */
  channelIds?: string[];
};

/** What a new rule starts from when it comes from a saved view or a search ("Alert on this query"). */
export type RulePrefill = { name: string; connection: string; queue: string; query: string };

type Form = { name: string; enabled: boolean; kind: AlertKind; connection: string; queue: string; threshold: string; minutes: string; cooldownMinutes: string; webhookUrl: string; webhookFormat: WebhookFormat; query: string; channelIds: string[] };

function initialForm(rule: PublicAlertRule | null, prefill?: RulePrefill | null): Form {
  if (!rule && prefill) {
    return { name: prefill.name, enabled: true, kind: 'query-matches', connection: prefill.connection, queue: prefill.queue, threshold: '0', minutes: '5', cooldownMinutes: '15', webhookUrl: '', webhookFormat: 'json', query: prefill.query, channelIds: [] };
  }
  if (!rule) return { name: '', enabled: true, kind: 'waiting-depth', connection: '', queue: '', threshold: '100', minutes: '5', cooldownMinutes: '15', webhookUrl: '', webhookFormat: 'json', query: '', channelIds: [] };
  return {
    name: rule.name,
    enabled: rule.enabled,
    kind: rule.kind,
    connection: rule.connection ?? '',
    queue: rule.queue ?? '',
    threshold: String(rule.threshold),
    minutes: String(rule.minutes),
    cooldownMinutes: String(rule.cooldownMinutes),
    webhookUrl: '',
    webhookFormat: rule.webhookFormat,
    query: rule.query ?? '',
    channelIds: rule.channelIds ?? [],
  };
}

export function RuleDialog({
  rule,
  prefill,
  connections,
  channels = [],
  onClose,
  onSaved,
  save,
}: {
  rule: PublicAlertRule | null;
  prefill?: RulePrefill | null;
  connections: string[];
  channels?: PublicChannel[];
  onClose: () => void;
  onSaved: () => void;
  save: (input: RuleFormInput) => Promise<ActionResult<PublicAlertRule>>;
}) {
  const { run, pending } = useRunAction();
  const [form, setForm] = useState<Form>(() => initialForm(rule, prefill));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const info = KIND_INFO[form.kind];
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const num = (s: string) => (s.trim() === '' ? NaN : Number(s));

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const input: RuleFormInput = {
      name: form.name,
      enabled: form.enabled,
      kind: form.kind,
      connection: form.connection || null,
      queue: info.scope === 'queue' && form.queue.trim() ? form.queue.trim() : null,
      threshold: info.threshold ? num(form.threshold) : 0,
      minutes: num(form.minutes),
      cooldownMinutes: num(form.cooldownMinutes),
      webhookFormat: form.webhookFormat,
      query: form.kind === 'query-matches' ? form.query.trim() : null,
      // Empty: a new rule has no webhook (its channels notify), an edited one keeps its saved URL.
      ...(form.webhookUrl.trim() ? { webhookUrl: form.webhookUrl.trim() } : {}),
      channelIds: form.channelIds,
    };
    run(() => save(input), {
      success: (data) => `${rule ? 'Saved' : 'Created'} ${data.name}`,
      onDone: (res) => (res.ok ? onSaved() : setErrors(res.error.fieldErrors ?? {})),
    });
  }

  const err = (field: string) => errors[field] ?? errors[`input.${field}`] ?? errors[`patch.${field}`];

  return (
    <Dialog open onClose={onClose} title={rule ? `Edit ${rule.name}` : 'New alert rule'} className="w-[min(40rem,calc(100vw-2rem))]">
      <form onSubmit={onSubmit} className="space-y-3" aria-label={rule ? 'Edit alert rule' : 'New alert rule'}>
        <div>
          <Label htmlFor="rule-name">Name</Label>
          <Input id="rule-name" value={form.name} onChange={(e) => set({ name: e.target.value })} required aria-invalid={Boolean(err('name'))} />
          <FieldError messages={err('name')} />
        </div>
        <div>
          <Label htmlFor="rule-kind">Condition</Label>
          <Select id="rule-kind" value={form.kind} onChange={(e) => set({ kind: e.target.value as AlertKind, minutes: String(Math.max(KIND_INFO[e.target.value as AlertKind].minutes.min, num(form.minutes) || 0)) })}>
            {ALERT_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_INFO[k].label}
              </option>
            ))}
          </Select>
        </div>
        <div className="grid grid-cols-2 gap-3">
          <div>
            <Label htmlFor="rule-connection">Connection</Label>
            <Select id="rule-connection" value={form.connection} onChange={(e) => set({ connection: e.target.value })} aria-invalid={Boolean(err('connection'))}>
              <option value="">All connections</option>
              {connections.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </Select>
            <FieldError messages={err('connection')} />
          </div>
          {info.scope === 'queue' && (
            <div>
              <Label htmlFor="rule-queue">Queue</Label>
              <Input
                id="rule-queue"
                value={form.queue}
                placeholder="empty: every queue but the dead-letter queue"
                onChange={(e) => set({ queue: e.target.value })}
                aria-invalid={Boolean(err('queue'))}
              />
              <FieldError messages={err('queue')} />
            </div>
          )}
        </div>
        {form.kind === 'query-matches' && (
          <div>
            <Label htmlFor="rule-query">Query (the job query language, on the queue above)</Label>
            <Input
              id="rule-query"
              value={form.query}
              placeholder="state:failed error:~ECONNREFUSED"
              onChange={(e) => set({ query: e.target.value })}
              aria-invalid={Boolean(err('query'))}
              className="font-mono text-xs"
            />
            <FieldError messages={err('query')} />
          </div>
        )}
        <div className="grid grid-cols-3 gap-3">
          {info.threshold && (
            <div>
              <Label htmlFor="rule-threshold">{info.threshold.label}</Label>
              <Input id="rule-threshold" inputMode="decimal" value={form.threshold} onChange={(e) => set({ threshold: e.target.value })} aria-invalid={Boolean(err('threshold'))} />
              <FieldError messages={err('threshold')} />
            </div>
          )}
          <div>
            <Label htmlFor="rule-minutes">{info.minutes.meaning === 'for' ? 'For (minutes, 0 = at once)' : 'Over (minutes)'}</Label>
            <Input id="rule-minutes" inputMode="numeric" value={form.minutes} onChange={(e) => set({ minutes: e.target.value })} aria-invalid={Boolean(err('minutes'))} />
            <FieldError messages={err('minutes')} />
          </div>
          <div>
            <Label htmlFor="rule-cooldown">Cooldown (minutes)</Label>
            <Input id="rule-cooldown" inputMode="numeric" value={form.cooldownMinutes} onChange={(e) => set({ cooldownMinutes: e.target.value })} aria-invalid={Boolean(err('cooldownMinutes'))} />
            <FieldError messages={err('cooldownMinutes')} />
          </div>
        </div>
        <div className="grid grid-cols-3 gap-3">
          <div className="col-span-2">
            <Label htmlFor="rule-webhook">Webhook URL</Label>
            <Input
              id="rule-webhook"
              type="url"
              autoComplete="off"
              value={form.webhookUrl}
              required={!rule && form.channelIds.length === 0}
              placeholder={rule?.webhookMasked ? `unchanged (${rule.webhookMasked})` : 'https://hooks.slack.com/services/… (optional with a channel)'}
              onChange={(e) => set({ webhookUrl: e.target.value })}
              aria-invalid={Boolean(err('webhookUrl'))}
            />
            <FieldError messages={err('webhookUrl')} />
          </div>
          <div>
            <Label htmlFor="rule-format">Body</Label>
            <Select id="rule-format" value={form.webhookFormat} onChange={(e) => set({ webhookFormat: e.target.value as WebhookFormat })}>
              <option value="json">Generic JSON</option>
              <option value="slack">Slack-compatible</option>
            </Select>
          </div>
        </div>
        {channels.length > 0 && (
          <fieldset>
            <legend className="text-sm font-medium">Channels (up to 10)</legend>
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
              {channels.map((c) => (
                <label key={c.id} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    checked={form.channelIds.includes(c.id)}
                    onChange={(e) => set({ channelIds: e.target.checked ? [...form.channelIds, c.id] : form.channelIds.filter((id) => id !== c.id) })}
                  />
                  {c.name} <span className="text-xs text-zinc-500">({c.type})</span>
                </label>
              ))}
            </div>
            <FieldError messages={err('channelIds')} />
          </fieldset>
        )}
        <p className="text-xs text-zinc-500">
          The URL is stored on the server and shown back only as its host. A firing is sent once per episode, then “resolved” when it ends; no new firing is sent
          within the cooldown after the last one.
        </p>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled
        </label>
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={pending}>
            {rule ? 'Save rule' : 'Create rule'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
