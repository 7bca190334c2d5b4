// How a registry schema's failure is named in the runtime and in enqueue: each issue by its field path,
// "(data)" for the data as a whole.
import type { z } from 'zod';
import type { FieldErrors } from '@/lib/errors';

function fieldOf(issue: z.ZodError['issues'][number]): string {
  return issue.path.length ? issue.path.map(String).join('.') : '(data)';
}

/** "url: must be an http:// URL; payload: …", one entry per issue (failed jobs' failedReason). */
export function formatSchemaIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${fieldOf(issue)}: ${issue.message}`).join('; ');
}

/** The issues grouped by field, for an InvalidError. */
export function schemaFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) (out[fieldOf(issue)] ??= []).push(issue.message);
  return out;
}

/** "url: a, b; payload: c", one entry per field. */
export function summarizeFieldErrors(fieldErrors: FieldErrors): string {
  return Object.entries(fieldErrors)
    .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
    .join('; ');
}
