// What both stores' extractPaths (./search-store.ts) check and share: the bounds of one call and the cut of
// a value to characters (code points, as PostgreSQL's left() counts them).
import { InvalidError } from '@/lib/errors';
import { EXTRACT_MAX_CHARS, EXTRACT_MAX_IDS, EXTRACT_MAX_PATHS, type ExtractPath } from './search-store';

export function checkExtract(ids: string[], paths: ExtractPath[], maxChars: number): void {
  if (ids.length > EXTRACT_MAX_IDS) throw new InvalidError(`at most ${EXTRACT_MAX_IDS} jobs per extract`);
  if (paths.length > EXTRACT_MAX_PATHS) throw new InvalidError(`at most ${EXTRACT_MAX_PATHS} paths per extract`);
  if (!Number.isInteger(maxChars) || maxChars < 1 || maxChars > EXTRACT_MAX_CHARS) throw new InvalidError(`maxChars must be 1–${EXTRACT_MAX_CHARS}`);
}

/** The text's first `maxChars` characters (code points, so no surrogate pair is split). */
export function cutText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return Array.from(text).slice(0, maxChars).join('');
}
