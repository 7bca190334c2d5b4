// Error groups of the dead-letter queue: a failedReason with its variable parts masked, so that
// 3,412 "connect ECONNREFUSED 10.0.0.17:5432" failures read as one group "… <ip>:5432", and
// "source file /in/missing-a.png …" and "… /in/missing-b.png …" as one "source file <path> …".
// Pure (no Redis): the worker runtime and the console both group with it.
import { createHash } from 'node:crypto';

/** Longest pattern kept: group keys and the page stay readable even for a 20 KB error message. */
export const MAX_PATTERN_LENGTH = 300;

/**
 * The version of the rules below. Group ids are hashes of patterns, so changing the rules changes the
 * ids: dead letters captured under an older version are re-grouped (lib/dlq/regroup.ts) before groups
 * are read. Bump it with every change of the rules.
 */
export const GROUPING_VERSION = 2;

const NO_MESSAGE = '(no error message)';

/**
 * Only this much of a reason is normalized: error texts are hostile input (a third party may echo a
 * 100 KB token). Every rule below is linear in its input (no nested or overlapping unbounded
 * repetition; quoted strings and labels have bounded lengths), and never sees more than this.
 * Groups are keyed on the first part of the message anyway.
 */
export const MAX_INPUT_LENGTH = 2048;

type Rule = [RegExp, string | ((match: string, ...groups: string[]) => string)];

/** Sentence punctuation after a path or URL belongs to the sentence: "… /in/a.png." → "<path>." */
function placeholderKeepingTail(placeholder: string): (match: string) => string {
  return (match) => {
    const tail = /[.,:;!?]*$/.exec(match)![0];
    return placeholder + tail;
  };
}

/** IPv6 as node prints a refused address ("::1:6379"): a decimal last group after "::…" is the port. */
function maskIpv6(match: string): string {
  const port = /^(.*::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?[0-9a-f]):(\d{2,5})$/i.exec(match);
  return port && /::[0-9a-f]/i.test(port[1]) ? `<ip>:${port[2]}` : '<ip>';
}

const QUOTED_LIMIT = 512;
const PLACEHOLDER_ONLY = /^<[a-z]+>$/;

// Order matters: specific shapes first (URL before path, e-mail and host; UUID before hex; IP before
// numbers; paths before quoted values, so "open '/a/b.png'" reads "open '<path>'").
const RULES: Rule[] = [
  // ISO-8601 timestamps: 2024-05-01T12:00:00.123Z, 2024-05-01 12:00:00+02:00
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  // URLs, whole: scheme://[user@]host[:port]/path?query (ids and tokens in them go with them).
  [/\b[a-z][a-z0-9+.-]{0,15}:\/\/[^\s"'`<>()]*/gi, placeholderKeepingTail('<url>')],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g, '<email>'],
  // Windows paths: C:\dir\file, C:/dir/file, \\server\share\file.
  [/(?<![\w/\\])(?:[a-z]:[\\/]|\\\\[\w.$-]{1,64}\\)[^\s"'`<>|*?()\[\]{},;]*/gi, placeholderKeepingTail('<path>')],
  // POSIX paths: /a/b, ~/a, ./a, ../a (with a stack location's :line:col); not "and/or", not "50/50",
  // not a closing tag's "</b>".
  [/(?<![\w.~/\\:<-])(?:~|\.{1,2})?\/[\w.@~%+=-][^\s"'`<>()\[\]{},;]*/g, placeholderKeepingTail('<path>')],
  // Relative paths that name a file: dir/file.ext.
  [/(?<![\w.~/\\:-])(?:[\w.-]{1,255}\/){1,64}[\w.-]{0,255}\.[a-z][a-z0-9]{0,7}\b/gi, '<path>'],
  // IPv6: [2001:db8::1]:6379, ::1, fe80::1ff:fe23:4567:890a, or all eight groups.
  [/\[[0-9a-f:.]{2,45}\]/gi, '<ip>'],
  [/(?<![\w:.])(?:(?:[0-9a-f]{1,4}:){1,7}|:):(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,7})?(?![\w:])/gi, maskIpv6],
  [/(?<![\w:.])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])/gi, '<ip>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '<ip>'],
  // Host names: with a port (db-1.internal:5432, localhost:6379), or named by a resolver error.
  [/(?<![\w.-])(?:[a-z0-9][a-z0-9-]{0,62}\.){1,16}[a-z][a-z0-9-]{0,62}(?=:\d)/gi, '<host>'],
  [/\blocalhost(?=:\d)/gi, '<host>'],
  [/\b(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL) (?![<(])[\w.-]{1,253}(?=$|[\s,;)])/g, '$1 <host>'],
  // Quoted values ("alice", 'x', `y`): names, ids and inputs that differ per job. A quote holding just a
  // placeholder keeps it ("open '<path>'").
  [new RegExp(`"(?:[^"\\\\]|\\\\.){0,${QUOTED_LIMIT}}"`, 'g'), (m) => (PLACEHOLDER_ONLY.test(m.slice(1, -1)) ? m : '"…"')],
  [new RegExp(`(?<!\\w)'(?:[^'\\\\\\n]|\\\\.){0,${QUOTED_LIMIT}}'(?!\\w)`, 'g'), (m) => (PLACEHOLDER_ONLY.test(m.slice(1, -1)) ? m : "'…'")],
  [new RegExp(`\`[^\`]{0,${QUOTED_LIMIT}}\``, 'g'), (m) => (PLACEHOLDER_ONLY.test(m.slice(1, -1)) ? m : '`…`')],
  // Hex ids (at least 8 characters with both digits and letters), 0x… literals.
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  // Numbers of any length (ids, durations, sizes, line numbers), except an HTTP status after its word
  // and a port after a masked address: both tell different failures apart. Digits inside a word stay
  // (utf8, S3, v2).
  [
    /(\b(?:HTTP(?:\/\d(?:\.\d)?)?|status(?: ?code)?|statusCode|code)[ :=]{1,3}[1-5]\d\d\b)|((?:<ip>|<host>):\d{1,5}\b)|(?<![a-z_\d])\d+(?:[.,]\d+)*/gi,
    (match, status: string | undefined, port: string | undefined) => status ?? port ?? '<n>',
  ],
];

/** A failedReason with its variable parts masked; whitespace collapsed, at most MAX_PATTERN_LENGTH characters. */
export function normalizeFailedReason(reason: string | null | undefined): string {
  let text = (reason ?? '').slice(0, MAX_INPUT_LENGTH).replace(/\s+/g, ' ').trim();
  if (!text) return NO_MESSAGE;
  for (const [pattern, replacement] of RULES) {
    text = typeof replacement === 'string' ? text.replace(pattern, replacement) : text.replace(pattern, replacement);
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
