// File names built from job-derived text (job ids, queue names, names in data): job ids may hold "/"
// and "..", so every such part is reduced to a safe, bounded name before it reaches a path.
import path from 'node:path';

export function safeFileName(part: string, max = 120): string {
  const cleaned = part.replace(/[^A-Za-z0-9._-]/g, '_').replace(/\.{2,}/g, '_').replace(/^\.+/, '_');
  return cleaned.slice(0, max) || '_';
}

/** `dir/name`, refusing anything that would land outside `dir` (defence in depth after safeFileName). */
export function fileInside(dir: string, name: string): string {
  const file = path.resolve(dir, name);
  if (!file.startsWith(path.resolve(dir) + path.sep)) throw new Error(`refusing to write outside ${dir}`);
  return file;
}
