// Payload reads in rounds bounded by bytes: the DLQ's captures, requeues, exports and text matches on
// both stores hold at most one round in memory (or in one statement) at a time. Pure.

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
