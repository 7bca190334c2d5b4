// What an expanded job row shows in little room: the head of the latest stack and a bounded data preview.

/** Bytes of a job's data an expanded row asks for: a glance, never the payload. */
export const PREVIEW_DATA_BYTES = 2048;

/**
 * The first lines of the newest stack BullMQ kept (it appends one per failed attempt, oldest first),
 * each cut to `maxLineChars`, and how many lines were left out. Null when there is no stack.
 */
export function latestStackHead(stacktrace: readonly string[], maxLines = 6, maxLineChars = 240): { lines: string[]; more: number } | null {
  const latest = [...stacktrace].reverse().find((s) => s.trim() !== '');
  if (latest === undefined) return null;
  // trimEnd, not /\s+$/: the regex backtracks over every inner run of whitespace (quadratic; a 256 KB
  // stack of spaces froze the tab).
  const all = latest.trimEnd().split(/\r?\n/);
  const lines = all.slice(0, maxLines).map((line) => (line.length > maxLineChars ? `${line.slice(0, maxLineChars)}…` : line));
  return { lines, more: all.length - lines.length };
}

/**
 * The preview text of a job's data: pretty-printed when the whole value came and is JSON, the raw cut
 * otherwise (the first bytes of a long JSON value do not parse) with an ellipsis where it was cut.
 */
export function dataPreviewText(value: { text: string; truncated: boolean }): string {
  if (value.truncated) return `${value.text}…`;
  try {
    return JSON.stringify(JSON.parse(value.text), null, 2) ?? value.text;
  } catch {
    return value.text;
  }
}
