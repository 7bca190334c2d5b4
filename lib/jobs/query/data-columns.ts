// Columns taken from a JSON path of each job's data or return value (`data.customerId`, `returnvalue.id`):
// what a search (`columns=`) or a saved view may add to the job table. Written as the query language writes
// a path (lib/jobs/query/parse-query.ts) and held to the same rules; the stores extract the values
// (SearchStore.extractPaths), never the whole payloads.
import { z } from 'zod';
import { PATH_MAX_SEGMENTS, PATH_ROOTS, PATH_SEGMENT_MAX_CHARS } from './ast';

/** Data columns one search may ask for, and the characters of each value sent (the cell shows less, the title all). */
export const DATA_COLUMNS_MAX = 8;
export const DATA_COLUMN_MAX_CHARS = 200;

export type DataColumn = { key: string; root: (typeof PATH_ROOTS)[number]; path: string[] };

/** A segment as the query language takes one unquoted (no spaces, `:`, `"`), nor the list's `,`. */
const FORBIDDEN = /[\s:",]/;

/** The column a key names, or the reason it names none. */
export function parseDataColumn(key: string): DataColumn | string {
  const root = PATH_ROOTS.find((r) => key === r || key.startsWith(`${r}.`));
  if (!root) return `column \`${key.slice(0, 40)}\` must be data.<key>… or returnvalue.<key>…`;
  const path = key.length > root.length ? key.slice(root.length + 1).split('.') : [];
  if (path.length > PATH_MAX_SEGMENTS) return `column \`${key.slice(0, 40)}\` has ${path.length} path segments: at most ${PATH_MAX_SEGMENTS}`;
  for (const segment of path) {
    if (!segment) return `column \`${key.slice(0, 40)}\` has an empty path segment: write ${root}.<key>.<key>`;
    if (segment.length > PATH_SEGMENT_MAX_CHARS) return `column \`${key.slice(0, 40)}\`: a path segment is longer than ${PATH_SEGMENT_MAX_CHARS} characters`;
    if (FORBIDDEN.test(segment)) return `column \`${key.slice(0, 40)}\`: a path segment cannot hold spaces, \`:\`, \`"\` or \`,\``;
  }
  return { key, root, path };
}

/** One column key, checked and parsed. */
export const dataColumnSchema = z.string().transform((key, ctx): DataColumn => {
  const column = parseDataColumn(key);
  if (typeof column === 'string') {
    ctx.addIssue({ code: 'custom', message: column });
    return z.NEVER;
  }
  return column;
});

/** `columns=data.customerId,returnvalue.id`: at most DATA_COLUMNS_MAX distinct paths, in the order given. */
export const dataColumnsParamSchema = z
  .string()
  .max(DATA_COLUMNS_MAX * (12 + PATH_MAX_SEGMENTS * (PATH_SEGMENT_MAX_CHARS + 1)), 'columns is too long')
  .transform((text, ctx): DataColumn[] => {
    const keys = [...new Set(text.split(',').map((k) => k.trim()).filter(Boolean))];
    if (keys.length > DATA_COLUMNS_MAX) {
      ctx.addIssue({ code: 'custom', message: `at most ${DATA_COLUMNS_MAX} columns` });
      return z.NEVER;
    }
    const columns: DataColumn[] = [];
    for (const key of keys) {
      const column = parseDataColumn(key);
      if (typeof column === 'string') ctx.addIssue({ code: 'custom', message: column });
      else columns.push(column);
    }
    return columns;
  });

/** The valid keys of a `cols=` list as a page reads it from its URL: distinct, in order, DATA_COLUMNS_MAX at most; the rest left out. */
export function dataColumnKeys(text: string): string[] {
  const keys = [...new Set(text.split(',').map((k) => k.trim()))].filter((k) => k && typeof parseDataColumn(k) !== 'string');
  return keys.slice(0, DATA_COLUMNS_MAX);
}
