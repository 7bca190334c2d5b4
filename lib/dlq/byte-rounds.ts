// Payload reads in rounds bounded by bytes: the DLQ's captures, requeues, exports and text matches on
// both stores hold at most one round in memory (or in one statement) at a time, with the same limits
// on both stores. Pure.

/** Characters of a failure reason a dead letter's row carries (its full length beside). */
export const DLQ_ROW_TEXT_CAP = 300;
/** Envelope bytes a requeue holds in memory per round (a larger single envelope goes alone). */
export const DLQ_ENVELOPE_ROUND_BYTES = 16 * 1024 * 1024;
/** Envelopes per export pull, and bytes per pull (unless one envelope is larger). */
export const DLQ_EXPORT_PER_PULL = 100;
export const DLQ_EXPORT_BYTES_PER_PULL = 4 * 1024 * 1024;

/**
 * Splits `items` into consecutive rounds whose sizes add up to at most `maxBytes` — an item larger than
 * that goes alone — and of at most `maxItems` items.
 */
export function byteRounds<T>(items: readonly T[], sizeOf: (item: T) => number, maxBytes: number, maxItems = Infinity): T[][] {
  const rounds: T[][] = [];
  for (let start = 0; start < items.length; ) {
    let end = start;
    let bytes = 0;
    while (end < items.length && end - start < maxItems && (end === start || bytes + sizeOf(items[end]) <= maxBytes)) bytes += sizeOf(items[end++]);
    rounds.push(items.slice(start, end));
    start = end;
  }
  return rounds;
}
