'use client';
// Admins edit the links out of a queue's job pages and of its connection's (README › Links out). The
// config file's templates are shown read-only; the server validates (http/https, variables after the
// host, known variables) and its 400 message is shown as the toast says it.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { setConnectionLinksAction, setQueueLinksAction } from '@/app/actions';
import type { LinkTemplate } from '@/lib/links/link-template';
import { ISO_LINK_VARIABLES, LINK_LIMITS, LINK_VARIABLES } from '@/lib/links/link-template';
import type { LinksView } from '@/lib/links/schemas';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Input, Label } from '@/components/ui/input';
import { useRunAction } from '@/components/ui/use-run-action';
import { fetchJson } from '@/components/explorer/api-client';
import { apiQueuePath } from '@/components/explorer/format';
import { queryKeys } from '@/components/query-keys';

const VARIABLES = [...LINK_VARIABLES.map((v) => `{${v}}`), ...ISO_LINK_VARIABLES.map((v) => `{${v}:iso}`)].join(' ');

function TemplateRows({ idPrefix, rows, onChange }: { idPrefix: string; rows: LinkTemplate[]; onChange: (rows: LinkTemplate[]) => void }) {
  return (
    <div className="space-y-2">
      {rows.map((row, i) => (
        <div key={i} className="grid grid-cols-[8rem_1fr_auto] items-end gap-2">
          <div>
            <Label htmlFor={`${idPrefix}-label-${i}`}>Label</Label>
            <Input id={`${idPrefix}-label-${i}`} maxLength={LINK_LIMITS.labelMaxChars} value={row.label} onChange={(e) => onChange(rows.map((r, j) => (j === i ? { ...r, label: e.target.value } : r)))} />
          </div>
          <div>
            <Label htmlFor={`${idPrefix}-url-${i}`}>URL template</Label>
            <Input id={`${idPrefix}-url-${i}`} className="font-mono" maxLength={LINK_LIMITS.urlMaxChars} value={row.url} placeholder="https://logs.example.com/search?q={queue}/{id}" onChange={(e) => onChange(rows.map((r, j) => (j === i ? { ...r, url: e.target.value } : r)))} />
          </div>
          <Button size="sm" variant="ghost" aria-label={`Remove link ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            Remove
          </Button>
        </div>
      ))}
      <Button size="sm" disabled={rows.length >= LINK_LIMITS.perScope} onClick={() => onChange([...rows, { label: '', url: 'https://' }])}>
        Add link
      </Button>
    </div>
  );
}

function ConfigList({ templates }: { templates: LinkTemplate[] }) {
  if (templates.length === 0) return null;
  return (
    <ul className="space-y-1 text-xs text-zinc-500">
      {templates.map((t, i) => (
        <li key={i}>
          <span className="font-medium">{t.label}</span> <span className="font-mono break-all">{t.url}</span> <span>(config file, read-only)</span>
        </li>
      ))}
    </ul>
  );
}

export function LinksEditorButton({ conn, queue }: { conn: string; queue: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)}>
        Links…
      </Button>
      {open && <LinksEditor conn={conn} queue={queue} onClose={() => setOpen(false)} />}
    </>
  );
}

function LinksEditor({ conn, queue, onClose }: { conn: string; queue: string; onClose: () => void }) {
  const { run, pending } = useRunAction();
  const { data, error } = useQuery({ queryKey: queryKeys.links(conn, queue), queryFn: () => fetchJson<LinksView>(`${apiQueuePath(conn, queue)}/links`) });
  const [queueRows, setQueueRows] = useState<LinkTemplate[] | null>(null);
  const [connRows, setConnRows] = useState<LinkTemplate[] | null>(null);
  const queueList = queueRows ?? data?.queue?.console ?? [];
  const connList = connRows ?? data?.connection.console ?? [];

  return (
    <Dialog open onClose={onClose} title={`Links out of ${queue}`}>
      <div className="space-y-4">
        <p className="text-xs text-zinc-500">
          Buttons on every job page, opened in a new tab. http:// or https:// only; variables (URL-encoded) only after the host: <span className="font-mono">{VARIABLES}</span>. At most {LINK_LIMITS.perScope} per queue and per connection.
        </p>
        {error && <p role="alert" className="text-sm text-red-600">{(error as Error).message}</p>}
        {data && (
          <>
            <section aria-label={`Links of ${queue}`} className="space-y-2">
              <h3 className="text-sm font-semibold">This queue</h3>
              <ConfigList templates={data.queue?.config ?? []} />
              <TemplateRows idPrefix="queue-link" rows={queueList} onChange={setQueueRows} />
              <div className="flex justify-end">
                <Button variant="primary" size="sm" disabled={pending} onClick={() => run(() => setQueueLinksAction({ params: { conn, queue }, body: { templates: queueList } }), { onDone: (r) => r.ok && setQueueRows(null) })}>
                  Save queue links
                </Button>
              </div>
            </section>
            <section aria-label={`Links of connection ${conn}`} className="space-y-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
              <h3 className="text-sm font-semibold">Every queue of connection {conn}</h3>
              <ConfigList templates={data.connection.config} />
              <TemplateRows idPrefix="connection-link" rows={connList} onChange={setConnRows} />
              <div className="flex justify-end">
                <Button variant="primary" size="sm" disabled={pending} onClick={() => run(() => setConnectionLinksAction({ params: { conn }, body: { templates: connList } }), { onDone: (r) => r.ok && setConnRows(null) })}>
                  Save connection links
                </Button>
              </div>
            </section>
          </>
        )}
      </div>
    </Dialog>
  );
}
