// Error groups of the dead-letter queue: a failedReason with its variable parts masked, so that
// 3,412 "connect ECONNREFUSED 10.0.0.17:5432" failures read as one group "… 10.0.0.x:5432".
// Pure (no Redis): the worker runtime and the console both group with it.
import { createHash } from 'node:crypto';

/** Longest pattern kept: group keys and the page stay readable even for a 20 KB error message. */
export const MAX_PATTERN_LENGTH = 300;

const NO_MESSAGE = '(no error message)';

/**
 * Only this much of a reason is normalized: error texts are hostile input (a third party may echo a
 * 100 KB token), and the patterns below must never see unbounded text (some are quadratic on long
 * runs without a match). Groups are keyed on the first part of the message anyway.
 */
export const MAX_INPUT_LENGTH = 2048;

// Order matters: specific shapes first (UUID before hex, IP before digit runs, time before digits).
const RULES: Array<[RegExp, string | ((...m: string[]) => string)]> = [
  // ISO-8601 timestamps: 2024-05-01T12:00:00.123Z, 2024-05-01 12:00:00+02:00
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g, '<email>'],
  // Quoted values ("alice", 'x', `y`): names, ids and inputs that differ per job.
  [/"(?:[^"\\]|\\.)*"/g, '"…"'],
  [/(?<!\w)'(?:[^'\\\n]|\\.)*'(?!\w)/g, "'…'"],
  [/`[^`]*`/g, '`…`'],
  // The last octet of IPv4 addresses; a port after it stays (it names the service).
  [/\b(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}\b/g, (_m, head) => `${head}.x`],
  // Query strings of URLs: /orders?id=9&token=… → /orders?…
  [/\?[^\s"'`)]+/g, '?…'],
  // Hex ids (at least 8 characters with both digits and letters), 0x… literals.
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  // Runs of 4+ digits (ids, durations, sizes), except a port right after a masked IP ("10.0.0.x:5432").
  [/(?<!\.x:)\d{4,}/g, '#'],
];

/** A failedReason with its variable parts masked; whitespace collapsed, at most MAX_PATTERN_LENGTH characters. */
export function normalizeFailedReason(reason: string | null | undefined): string {
  let text = (reason ?? '').slice(0, MAX_INPUT_LENGTH).replace(/\s+/g, ' ').trim();
  if (!text) return NO_MESSAGE;
  for (const [pattern, replacement] of RULES) {
    text = typeof replacement === 'string' ? text.replace(pattern, replacement) : text.replace(pattern, replacement as (...m: string[]) => string);
  }
  return text.length > MAX_PATTERN_LENGTH ? `${text.slice(0, MAX_PATTERN_LENGTH - 1)}…` : text;
}

/** The group's id: a short stable hash of the normalized pattern (hex, safe in keys and URLs). */
export function errorGroupId(pattern: string): string {
  return createHash('sha256').update(pattern).digest('hex').slice(0, 16);
}

export function errorGroupOf(reason: string | null | undefined): { id: string; pattern: string } {
  const pattern = normalizeFailedReason(reason);
  return { id: errorGroupId(pattern), pattern };
}
