// The one confirmation rule of every destructive bulk action (jobs, queue clean/drain, dead letters):
// proportional to how many things it touches. At or below the threshold one confirm click is enough;
// above it (or when the count is not known) the user types the count, or the queue's name when the
// action empties a whole queue. Pure, so its threshold has a unit test (tests/unit/confirm-rule.test.ts).

/** Above this many jobs (or dead letters) the user types before confirming. */
export const TYPE_TO_CONFIRM_ABOVE = 100;

export type BlastRadius = {
  /** how many jobs or dead letters it acts on; null when not counted */
  count: number | null;
  /** for whole-queue actions (drain): the queue's name is what is typed instead of the count */
  queue?: string;
};

/** What the user must type before confirming, or undefined when one click is enough. */
export function typeToConfirmFor({ count, queue }: BlastRadius): string | undefined {
  if (count !== null && count <= TYPE_TO_CONFIRM_ABOVE) return undefined;
  if (queue !== undefined) return queue;
  return count === null ? 'all' : String(count);
}

/** Whether what was typed confirms: counts may be typed with thousands separators ("2,997"). */
export function confirmationMatches(expected: string, typed: string): boolean {
  const value = typed.trim();
  if (/^\d+$/.test(expected)) return value.replace(/[\s,.'’_]/g, '') === expected;
  return value === expected;
}
