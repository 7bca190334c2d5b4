'use client';
// An already parsed value (job options, a dead letter's data) in the same formatted, foldable,
// virtualized view as a job's data: one JSON viewer in the console.
import { useMemo } from 'react';
import { formatJsonLines } from './json-lines';
import { JsonLinesView } from './json-lines-view';

export function JsonValueView({ value, label }: { value: unknown; label: string }) {
  const lines = useMemo(() => {
    try {
      return formatJsonLines(JSON.stringify(value) ?? 'null');
    } catch {
      // Deeper than JSON.stringify's stack (thousands of levels): say so instead of breaking the page.
      return formatJsonLines('"(too deeply nested to show here)"');
    }
  }, [value]);
  return <JsonLinesView lines={lines} label={label} />;
}
