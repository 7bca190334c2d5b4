'use client';
// The Channels section of the Alerts page: paging channels (webhook, email, PagerDuty, Opsgenie) with a
// create/edit dialog per type and a Test button that shows each step's answer. Global admins manage
// them; scoped admins see names and types. Secrets are never sent back: an empty secret field keeps it.
import { useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import type { ChannelType, PublicChannel } from '@/lib/alerts/channels/channel';
import { createAlertChannelAction, deleteAlertChannelAction, testAlertChannelAction, updateAlertChannelAction } from '@/app/actions';
import { Button } from '@/components/ui/button';
import { ConfirmFor } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { FieldError, Input, Label, Select } from '@/components/ui/input';
import { Table, TBody, THead, Td, Th, Tr } from '@/components/ui/table';
import { useRunAction } from '@/components/ui/use-run-action';
import { queryKeys } from '@/components/query-keys';

const TYPE_LABEL: Record<ChannelType, string> = { webhook: 'Webhook', email: 'Email', pagerduty: 'PagerDuty', opsgenie: 'Opsgenie' };

/** One line of what a channel does, without secrets (they are never in the browser). */
function describeConfig(c: PublicChannel): string {
  const cfg = (c.config ?? {}) as Record<string, unknown>;
  switch (c.type) {
    case 'webhook':
      return `${cfg.url ?? ''} · ${cfg.format === 'slack' ? 'Slack' : 'JSON'}`;
    case 'email':
      return `to ${((cfg.to as string[] | undefined) ?? []).join(', ')}`;
    case 'pagerduty':
      return `${cfg.url ?? ''} · severity ${cfg.severity ?? ''} · routing key set`;
    case 'opsgenie':
      return `${cfg.baseUrl ?? ''} · ${cfg.priority ?? ''} · API key set`;
  }
}

type Form = { type: ChannelType; name: string; url: string; format: string; to: string; subjectPrefix: string; routingKey: string; severity: string; pdUrl: string; apiKey: string; baseUrl: string; priority: string };

function initialForm(c: PublicChannel | null): Form {
  const cfg = (c?.config ?? {}) as Record<string, unknown>;
  return {
    type: c?.type ?? 'pagerduty',
    name: c?.name ?? '',
    url: '',
    format: (cfg.format as string) ?? 'json',
    to: ((cfg.to as string[] | undefined) ?? []).join(', '),
    subjectPrefix: (cfg.subjectPrefix as string) ?? '',
    routingKey: '',
    severity: (cfg.severity as string) ?? 'error',
    pdUrl: '',
    apiKey: '',
    baseUrl: '',
    priority: (cfg.priority as string) ?? 'P3',
  };
}

/** The config to send: empty fields are left out (on an edit they keep the saved value; on a create the defaults apply). */
function configOf(f: Form): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (k: string, v: string) => v.trim() !== '' && (out[k] = v.trim());
  if (f.type === 'webhook') {
    put('url', f.url);
    out.format = f.format;
  } else if (f.type === 'email') {
    out.to = f.to.split(/[,\s]+/).filter(Boolean);
    put('subjectPrefix', f.subjectPrefix);
  } else if (f.type === 'pagerduty') {
    put('routingKey', f.routingKey);
    out.severity = f.severity;
    put('url', f.pdUrl);
  } else {
    put('apiKey', f.apiKey);
    put('baseUrl', f.baseUrl);
    out.priority = f.priority;
  }
  return out;
}

function ChannelDialog({ channel, onClose, onSaved }: { channel: PublicChannel | null; onClose: () => void; onSaved: () => void }) {
  const { run, pending } = useRunAction();
  const [form, setForm] = useState<Form>(() => initialForm(channel));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const err = (field: string) => errors[field] ?? errors[`config.${field}`] ?? errors[`input.config.${field}`] ?? errors[`body.config.${field}`];
  const keep = channel ? 'empty: unchanged' : undefined;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const config = configOf(form);
    run(
      () =>
        channel
          ? updateAlertChannelAction({ params: { id: channel.id }, body: { name: form.name, config } })
          : createAlertChannelAction({ body: { type: form.type, name: form.name, config } as never }),
      {
        success: (data) => `${channel ? 'Saved' : 'Created'} channel ${data.name}`,
        onDone: (res) => (res.ok ? onSaved() : setErrors(res.error.fieldErrors ?? {})),
      },
    );
  }

  return (
    <Dialog open onClose={onClose} title={channel ? `Edit channel ${channel.name}` : 'New channel'} className="w-[min(36rem,calc(100vw-2rem))]">
      <form onSubmit={onSubmit} className="space-y-3" aria-label={channel ? 'Edit channel' : 'New channel'}>
        <div className="grid grid-cols-2 gap-3">
          <div>
            <Label htmlFor="channel-type">Type</Label>
            <Select id="channel-type" value={form.type} disabled={Boolean(channel)} onChange={(e) => set({ type: e.target.value as ChannelType })}>
              {(Object.keys(TYPE_LABEL) as ChannelType[]).map((t) => (
                <option key={t} value={t}>
                  {TYPE_LABEL[t]}
                </option>
              ))}
            </Select>
          </div>
          <div>
            <Label htmlFor="channel-name">Name</Label>
            <Input id="channel-name" value={form.name} onChange={(e) => set({ name: e.target.value })} required aria-invalid={Boolean(err('name'))} />
            <FieldError messages={err('name')} />
          </div>
        </div>
        {form.type === 'webhook' && (
          <div className="grid grid-cols-3 gap-3">
            <div className="col-span-2">
              <Label htmlFor="channel-url">Webhook URL (secret)</Label>
              <Input id="channel-url" type="url" autoComplete="off" value={form.url} required={!channel} placeholder={keep} onChange={(e) => set({ url: e.target.value })} />
              <FieldError messages={err('url')} />
            </div>
            <div>
              <Label htmlFor="channel-format">Body</Label>
              <Select id="channel-format" value={form.format} onChange={(e) => set({ format: e.target.value })}>
                <option value="json">Generic JSON</option>
                <option value="slack">Slack-compatible</option>
              </Select>
            </div>
          </div>
        )}
        {form.type === 'email' && (
          <div className="grid grid-cols-3 gap-3">
            <div className="col-span-2">
              <Label htmlFor="channel-to">Recipients (up to 20, comma-separated)</Label>
              <Input id="channel-to" value={form.to} required onChange={(e) => set({ to: e.target.value })} />
              <FieldError messages={err('to')} />
            </div>
            <div>
              <Label htmlFor="channel-prefix">Subject prefix</Label>
              <Input id="channel-prefix" value={form.subjectPrefix} onChange={(e) => set({ subjectPrefix: e.target.value })} />
            </div>
          </div>
        )}
        {form.type === 'pagerduty' && (
          <>
            <div className="grid grid-cols-3 gap-3">
              <div className="col-span-2">
                <Label htmlFor="channel-routing-key">Integration (routing) key (secret)</Label>
                <Input id="channel-routing-key" autoComplete="off" value={form.routingKey} required={!channel} placeholder={keep} onChange={(e) => set({ routingKey: e.target.value })} />
                <FieldError messages={err('routingKey')} />
              </div>
              <div>
                <Label htmlFor="channel-severity">Severity</Label>
                <Select id="channel-severity" value={form.severity} onChange={(e) => set({ severity: e.target.value })}>
                  {['critical', 'error', 'warning', 'info'].map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </Select>
              </div>
            </div>
            <div>
              <Label htmlFor="channel-pd-url">Events API URL</Label>
              <Input id="channel-pd-url" type="url" value={form.pdUrl} placeholder={channel ? 'empty: unchanged' : 'https://events.pagerduty.com/v2/enqueue'} onChange={(e) => set({ pdUrl: e.target.value })} />
              <FieldError messages={err('url')} />
            </div>
          </>
        )}
        {form.type === 'opsgenie' && (
          <>
            <div className="grid grid-cols-3 gap-3">
              <div className="col-span-2">
                <Label htmlFor="channel-api-key">API key (secret)</Label>
                <Input id="channel-api-key" autoComplete="off" value={form.apiKey} required={!channel} placeholder={keep} onChange={(e) => set({ apiKey: e.target.value })} />
                <FieldError messages={err('apiKey')} />
              </div>
              <div>
                <Label htmlFor="channel-priority">Priority</Label>
                <Select id="channel-priority" value={form.priority} onChange={(e) => set({ priority: e.target.value })}>
                  {['P1', 'P2', 'P3', 'P4', 'P5'].map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </Select>
              </div>
            </div>
            <div>
              <Label htmlFor="channel-base-url">API base URL</Label>
              <Input id="channel-base-url" type="url" value={form.baseUrl} placeholder={channel ? 'empty: unchanged' : 'https://api.opsgenie.com'} onChange={(e) => set({ baseUrl: e.target.value })} />
              <FieldError messages={err('baseUrl')} />
            </div>
          </>
        )}
        <p className="text-xs text-zinc-500">Secrets stay on the server: they are never shown again. Email goes through the console’s SMTP_URL.</p>
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={pending}>
            {channel ? 'Save channel' : 'Create channel'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export function ChannelsAdmin({ channels, manage }: { channels: PublicChannel[]; manage: boolean }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { run, pending } = useRunAction();
  const [editing, setEditing] = useState<PublicChannel | 'new' | null>(null);
  const [deleting, setDeleting] = useState<PublicChannel | null>(null);
  const [tests, setTests] = useState<Record<string, { ok: boolean; text: string }>>({});
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: queryKeys.alerts() });
    router.refresh();
  };

  const sendTest = (c: PublicChannel) =>
    run(() => testAlertChannelAction({ params: { id: c.id } }), {
      quiet: true,
      onDone: (res) => setTests((prev) => ({ ...prev, [c.id]: res.ok ? { ok: res.data.ok, text: res.data.message } : { ok: false, text: res.error.message } })),
    });

  return (
    <section className="space-y-3" aria-labelledby="channels-heading">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="channels-heading" className="text-base font-semibold">
          Channels
        </h2>
        <p className="text-sm text-zinc-500">Where rules send their notifications besides their own webhook: one firing and one resolve per channel.</p>
        {manage && (
          <Button className="ml-auto" onClick={() => setEditing('new')}>
            New channel
          </Button>
        )}
      </div>
      {channels.length === 0 ? (
        <p className="text-sm text-zinc-500">No channels yet{manage ? '' : ' (global admins create them)'}.</p>
      ) : (
        <Table data-testid="alert-channels">
          <THead>
            <tr>
              <Th>Channel</Th>
              <Th>Type</Th>
              <Th>Settings</Th>
              {manage && <Th className="text-right">Actions</Th>}
            </tr>
          </THead>
          <TBody>
            {channels.map((c) => (
              <Tr key={c.id} data-testid="alert-channel" data-channel-name={c.name}>
                <Td className="font-medium">{c.name}</Td>
                <Td className="text-xs">{TYPE_LABEL[c.type]}</Td>
                <Td className="text-xs">
                  {c.config && <span className="font-mono">{describeConfig(c)}</span>}
                  {tests[c.id] && (
                    <span role="status" data-testid="channel-test-result" className={tests[c.id].ok ? 'block text-emerald-700 dark:text-emerald-400' : 'block text-red-600 dark:text-red-400'}>
                      {tests[c.id].text}
                    </span>
                  )}
                </Td>
                {manage && (
                  <Td className="text-right whitespace-nowrap">
                    <span className="inline-flex gap-1">
                      <Button size="sm" disabled={pending} onClick={() => sendTest(c)}>
                        Test
                      </Button>
                      <Button size="sm" onClick={() => setEditing(c)}>
                        Edit
                      </Button>
                      <Button size="sm" variant="danger" disabled={pending} onClick={() => setDeleting(c)}>
                        Delete
                      </Button>
                    </span>
                  </Td>
                )}
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
      {editing && (
        <ChannelDialog
          key={editing === 'new' ? 'new' : editing.id}
          channel={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={async () => {
            setEditing(null);
            await refresh();
          }}
        />
      )}
      <ConfirmFor
        target={deleting}
        onClose={() => setDeleting(null)}
        title="Delete channel"
        confirmLabel="Delete channel"
        busy={pending}
        act={(c) => run(() => deleteAlertChannelAction({ params: { id: c.id } }), { success: () => `Deleted channel ${c.name}`, onDone: (res) => res.ok && refresh() })}
      >
        <p>
          <strong>{deleting?.name}</strong> is removed. A channel that a rule still uses cannot be deleted.
        </p>
      </ConfirmFor>
    </section>
  );
}
