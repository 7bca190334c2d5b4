import type { z } from 'zod';
import { InvalidError, type FieldErrors } from '@/lib/errors';

/** A zod failure as an InvalidError whose message names each bad field. */
export function invalidFromZod(error: z.ZodError, what: string): InvalidError {
  const fieldErrors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || '(root)';
    (fieldErrors[field] ??= []).push(issue.message);
  }
  const summary = Object.entries(fieldErrors)
    .slice(0, 5)
    .map(([field, messages]) => `${field}: ${messages[0]}`)
    .join('; ');
  return new InvalidError(`Invalid ${what}: ${summary}`, fieldErrors);
}
