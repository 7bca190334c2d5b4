// What Drover repeats of a receiver's answer (in a failedReason, a job log, an alert outcome): one line,
// no control or format characters, at most EXCERPT_CHARS characters. A receiver is a stranger; its
// words must not forge log lines, hide text with bidi overrides, or fill Redis.

/** Characters of a receiver's answer kept in an error message. */
export const EXCERPT_CHARS = 200;
/** Bytes of a receiver's answer read to make the excerpt. */
export const EXCERPT_READ_BYTES = 4 * 1024;

export function receiverExcerpt(body: Buffer | string, maxChars = EXCERPT_CHARS): string {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  // Cc: C0/C1 controls and DEL; Cf: format (bidi overrides, zero-width); Zl/Zp: line/paragraph separators.
  const oneLine = text
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(oneLine);
  return chars.length > maxChars ? `${chars.slice(0, maxChars - 1).join('')}…` : oneLine;
}
