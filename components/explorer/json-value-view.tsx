'use client';
// An already parsed value (job options, a dead letter's data) in the same formatted, foldable,
// virtualized view as a job's data: one JSON viewer in the console.
import { useMemo } from 'react';
import { formatJsonLines } from './json-lines';
import { JsonLinesView } from './json-lines-view';

export function JsonValueView({ value, label }: { value: unknown; label: string }) {
  const lines = useMemo(() => formatJsonLines(JSON.stringify(value) ?? 'null'), [value]);
  return <JsonLinesView lines={lines} label={label} />;
}
