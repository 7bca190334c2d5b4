// A bounded walk over a sorted set by score, for walks that run while the set changes (dead-letter
// export, requeue/purge by filter, the capture sweep, "Send to DLQ" by age, cleaning delayed jobs).
// The cursor is a score plus the members already taken at that score, never a rank: members removed
// or added behind the cursor cannot shift the walk past members it has not seen yet, and each chunk
// costs O(log N + chunk) however deep the walk is. Not server-only: the worker runtime's sweep uses it.
import type { Redis } from 'ioredis';

/** Where a walk stands: the last score taken and the members taken at exactly that score. */
export type ScoreCursor = { score: string; seen: string[] };

export type ScoreRange = {
  key: string;
  order: 'asc' | 'desc';
  /** the bound the walk starts at (min for asc, max for desc): a score, "-inf"/"+inf" or "(" exclusive */
  from: string;
  /** the bound it ends at */
  to: string;
};

export type ScoreEntry = { id: string; score: string };

/**
 * The next at most `limit` members after the cursor. `done` says the range has nothing beyond these.
 * Members at the cursor's score not taken yet are returned (it asks for limit + seen, drops the seen).
 */
export async function readScoreChunk(redis: Redis, range: ScoreRange, cursor: ScoreCursor | null, limit: number): Promise<{ entries: ScoreEntry[]; done: boolean }> {
  const seen = new Set(cursor?.seen);
  const start = cursor?.score ?? range.from;
  const count = limit + seen.size;
  const raw =
    range.order === 'asc'
      ? await redis.zrangebyscore(range.key, start, range.to, 'WITHSCORES', 'LIMIT', 0, count)
      : await redis.zrevrangebyscore(range.key, start, range.to, 'WITHSCORES', 'LIMIT', 0, count);
  const entries: ScoreEntry[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (cursor && raw[i + 1] === cursor.score && seen.has(raw[i])) continue;
    entries.push({ id: raw[i], score: raw[i + 1] });
  }
  return { entries, done: raw.length < count * 2 };
}

/** The cursor once `taken` (the first entries of a chunk, in walk order) are done with. */
export function advanceCursor(cursor: ScoreCursor | null, taken: ScoreEntry[]): ScoreCursor | null {
  if (taken.length === 0) return cursor;
  const score = taken[taken.length - 1].score;
  const atScore = taken.filter((e) => e.score === score).map((e) => e.id);
  return { score, seen: cursor?.score === score ? [...cursor.seen, ...atScore] : atScore };
}

/** Whole chunks from `cursor` to the end of the range; `last` is set on the final one. */
export async function* scoreChunks(
  redis: Redis,
  range: ScoreRange,
  chunk: number,
  cursor: ScoreCursor | null = null,
): AsyncGenerator<{ entries: ScoreEntry[]; cursor: ScoreCursor | null; last: boolean }> {
  for (;;) {
    const { entries, done } = await readScoreChunk(redis, range, cursor, chunk);
    if (entries.length === 0) return;
    cursor = advanceCursor(cursor, entries);
    yield { entries, cursor, last: done };
    if (done) return;
  }
}
