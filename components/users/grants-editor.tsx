'use client';
// Rows of grants (connection pattern, queue pattern, role), edited in place: add, remove, or paste the
// short form ("operator@main/billing-*", Enter adds it). Errors from the server ("grants[1].queue")
// show under their row.
import { useId, useState } from 'react';
import { Button } from '@/components/ui/button';
import { FieldError, Input, Select } from '@/components/ui/input';
import { MAX_GRANTS, parseGrantText, type AccessRole, type Grant } from '@/lib/auth/scope';
import { RoleOptions } from './role-options';

export function GrantsEditor({ value, onChange, fieldErrors = {}, label }: { value: Grant[]; onChange: (grants: Grant[]) => void; fieldErrors?: Record<string, string[]>; label: string }) {
  const id = useId();
  const [text, setText] = useState('');
  const [textError, setTextError] = useState<string | null>(null);
  const set = (i: number, patch: Partial<Grant>) => onChange(value.map((g, j) => (j === i ? { ...g, ...patch } : g)));

  function addText() {
    const parts = text.split(/[\s,]+/).filter(Boolean);
    if (parts.length === 0) return;
    try {
      onChange([...value, ...parts.map(parseGrantText)]);
      setText('');
      setTextError(null);
    } catch (err) {
      setTextError((err as Error).message);
    }
  }

  return (
    <fieldset className="space-y-2" aria-label={label}>
      {value.length > 0 && (
        <table className="w-full text-xs">
          <thead className="text-left text-zinc-500">
            <tr>
              <th className="pb-1 font-medium">Connection</th>
              <th className="pb-1 font-medium">Queue</th>
              <th className="pb-1 font-medium">Role</th>
              <th className="pb-1" />
            </tr>
          </thead>
          <tbody>
            {value.map((g, i) => {
              const errors = [...(fieldErrors[`grants[${i}].connection`] ?? []), ...(fieldErrors[`grants[${i}].queue`] ?? []), ...(fieldErrors[`grants[${i}].role`] ?? [])];
              return (
                <tr key={i} className="align-top">
                  <td className="pr-1 pb-1">
                    <Input aria-label={`Grant ${i + 1} connection pattern`} value={g.connection} onChange={(e) => set(i, { connection: e.target.value })} className="h-7 w-full font-mono text-xs" aria-invalid={Boolean(fieldErrors[`grants[${i}].connection`])} />
                  </td>
                  <td className="pr-1 pb-1">
                    <Input aria-label={`Grant ${i + 1} queue pattern`} value={g.queue} onChange={(e) => set(i, { queue: e.target.value })} className="h-7 w-full font-mono text-xs" aria-invalid={Boolean(fieldErrors[`grants[${i}].queue`])} />
                    <FieldError messages={errors.length ? errors : undefined} />
                  </td>
                  <td className="pr-1 pb-1">
                    <Select aria-label={`Grant ${i + 1} role`} value={g.role} onChange={(e) => set(i, { role: e.target.value as AccessRole })} className="h-7 w-32 text-xs">
                      <RoleOptions withNone />
                    </Select>
                  </td>
                  <td className="pb-1 text-right">
                    <Button size="sm" variant="ghost" aria-label={`Remove grant ${i + 1}`} onClick={() => onChange(value.filter((_, j) => j !== i))}>
                      Remove
                    </Button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="flex items-start gap-2">
        <div className="flex-1">
          <Input
            id={`${id}-text`}
            aria-label={`Add grants to ${label}`}
            placeholder="operator@main/billing-*  (role@connection/queue; Enter adds)"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                addText();
              }
            }}
            className="h-7 font-mono text-xs"
            aria-invalid={Boolean(textError)}
          />
          <FieldError messages={textError ? [textError] : fieldErrors.grants} />
        </div>
        <Button size="sm" disabled={value.length >= MAX_GRANTS} onClick={() => (text.trim() ? addText() : onChange([...value, { connection: '*', queue: '', role: 'viewer' }]))}>
          Add grant
        </Button>
      </div>
      <p className="text-[11px] text-zinc-500">
        Patterns take <code>*</code> (any characters) and <code>?</code> (one). On a queue the most specific matching grant decides (an exact name beats a pattern); with none matching, the
        global role. At most {MAX_GRANTS}.
      </p>
    </fieldset>
  );
}
