'use client';
import { useId } from 'react';
import { Input } from '@/components/ui/input';

/** A searchable IANA time zone field: a text input with the runtime's zone names as suggestions. */
export function TimeZoneInput({ id, value, onChange, zones, invalid }: { id: string; value: string; onChange: (v: string) => void; zones: string[]; invalid?: boolean }) {
  const listId = useId();
  return (
    <>
      <Input id={id} list={listId} value={value} onChange={(e) => onChange(e.target.value)} placeholder="e.g. Europe/Berlin" autoComplete="off" spellCheck={false} aria-invalid={invalid} />
      <datalist id={listId}>
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </>
  );
}
