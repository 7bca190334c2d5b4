'use client';
import { useId } from 'react';
import { FieldError, Label, Textarea } from '@/components/ui/input';

/** A JSON text area that says at once, while typing, whether the text parses. */
export function JsonEditor({ label, value, onChange, errors, rows = 10, name }: { label: string; value: string; onChange: (v: string) => void; errors?: string[]; rows?: number; name?: string }) {
  const id = useId();
  let parseError: string | null = null;
  if (value.trim()) {
    try {
      JSON.parse(value);
    } catch (err) {
      parseError = (err as Error).message;
    }
  }
  const messages = [...(parseError ? [`Not valid JSON: ${parseError}`] : []), ...(errors ?? [])];
  return (
    <div>
      <Label htmlFor={id}>{label}</Label>
      <Textarea
        id={id}
        name={name}
        rows={rows}
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={messages.length > 0}
        aria-describedby={messages.length ? `${id}-err` : undefined}
      />
      <FieldError id={`${id}-err`} messages={messages} />
    </div>
  );
}

export function isValidJson(text: string): boolean {
  if (!text.trim()) return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
