// The one way a zod failure is named, for the API (InvalidError with field errors), the config loader
// and the workers (failedReason): each issue under its field path ("connections[1].url", "data.to"),
// "(root)" — or the caller's name for the whole value — when the path is empty.
import type { z } from 'zod';
import { InvalidError, type FieldErrors } from '@/lib/errors';

/** "connections[1].url": names after dots, array indexes in brackets. */
export function fieldPath(path: ReadonlyArray<PropertyKey>, prefix: readonly string[] = []): string {
  return [...prefix, ...path].reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '');
}

/** The issues grouped by field. */
export function fieldErrorsOf(error: z.ZodError, opts: { prefix?: readonly string[]; root?: string } = {}): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) (out[fieldPath(issue.path, opts.prefix) || (opts.root ?? '(root)')] ??= []).push(issue.message);
  return out;
}

/** "url: a, b; payload: c" — one entry per field, at most `max` fields. */
export function summarizeFieldErrors(fieldErrors: FieldErrors, max = Infinity): string {
  const entries = Object.entries(fieldErrors);
  const shown = entries.slice(0, max).map(([field, messages]) => `${field}: ${messages.join(', ')}`);
  return entries.length > max ? `${shown.join('; ')}; and ${entries.length - max} more` : shown.join('; ');
}

/** A zod failure as an InvalidError whose message names each bad field ("Invalid body: name: Required"). */
export function invalidFromZod(error: z.ZodError, what: string, opts: { prefix?: readonly string[]; root?: string } = {}): InvalidError {
  const fieldErrors = fieldErrorsOf(error, opts);
  return new InvalidError(`Invalid ${what}: ${summarizeFieldErrors(fieldErrors, 5)}`, fieldErrors);
}
