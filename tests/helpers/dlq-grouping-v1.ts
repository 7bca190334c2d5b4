// The error grouping rules of GROUPING_VERSION 1, frozen: what a deployment from before the upgrade
// computed at capture. Tests capture dead letters under these groups to stand for an existing DLQ.
import { errorGroupId, MAX_PATTERN_LENGTH } from '@/lib/dlq/normalize-error';

const RULES: Array<[RegExp, string | ((...m: string[]) => string)]> = [
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g, '<email>'],
  [/"(?:[^"\\]|\\.)*"/g, '"…"'],
  [/(?<!\w)'(?:[^'\\\n]|\\.)*'(?!\w)/g, "'…'"],
  [/`[^`]*`/g, '`…`'],
  [/\b(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}\b/g, (_m, head) => `${head}.x`],
  [/\?[^\s"'`)]+/g, '?…'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  [/(?<!\.x:)\d{4,}/g, '#'],
];

export function errorGroupV1(reason: string): { id: string; pattern: string } {
  let text = reason.slice(0, 2048).replace(/\s+/g, ' ').trim();
  if (!text) text = '(no error message)';
  else for (const [pattern, replacement] of RULES) text = typeof replacement === 'string' ? text.replace(pattern, replacement) : text.replace(pattern, replacement as (...m: string[]) => string);
  const capped = text.length > MAX_PATTERN_LENGTH ? `${text.slice(0, MAX_PATTERN_LENGTH - 1)}…` : text;
  return { id: errorGroupId(capped), pattern: capped };
}
