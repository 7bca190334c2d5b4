// Job data from forms and API bodies: JSON text or a value, size-capped, checked against the
// registry schema of the queue when Drover's workers declare one.
import 'server-only';
import { InvalidError, PayloadTooLargeError } from '@/lib/errors';
import { findKindByQueue } from '@/lib/job-kinds/registry';
import { MAX_JOB_DATA_BYTES } from './schemas';
import { fieldErrorsOf, summarizeFieldErrors } from '@/lib/zod-issues';

/** A JSON string from an editor is parsed; any other value is taken as is. */
export function parseJsonInput(value: unknown, field: string): unknown {
  let parsed = value;
  if (typeof value === 'string') {
    if (value.length > MAX_JOB_DATA_BYTES) throw new PayloadTooLargeError(`${field} is ${value.length} bytes; the limit is ${MAX_JOB_DATA_BYTES} bytes`);
    try {
      parsed = value.trim() === '' ? {} : JSON.parse(value);
    } catch (err) {
      throw new InvalidError(`${field} is not valid JSON: ${(err as Error).message}`, { [field]: [`not valid JSON: ${(err as Error).message}`] });
    }
  } else {
    const size = JSON.stringify(value ?? null).length;
    if (size > MAX_JOB_DATA_BYTES) throw new PayloadTooLargeError(`${field} is ${size} bytes; the limit is ${MAX_JOB_DATA_BYTES} bytes`);
  }
  return parsed;
}

/** Field errors keyed "data.url" etc. when the queue's processors declare a schema. */
export function validateAgainstRegistry(queue: string, jobName: string, data: unknown): void {
  const kind = findKindByQueue(queue);
  if (!kind) return;
  if (!kind.jobNames.includes(jobName)) {
    throw new InvalidError(`Queue "${queue}" processes jobs named ${kind.jobNames.map((n) => `"${n}"`).join(', ')}; "${jobName}" would never run`, {
      name: [`must be one of ${kind.jobNames.join(', ')}`],
    });
  }
  const result = kind.dataSchema.safeParse(data);
  if (!result.success) {
    const fieldErrors = fieldErrorsOf(result.error, { prefix: ['data'], root: 'data' });
    throw new InvalidError(`Data does not match the ${kind.kind} schema: ${summarizeFieldErrors(fieldErrors, 4)}`, fieldErrors);
  }
}
