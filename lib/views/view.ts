// Saved views: a job query of one queue plus how to show it (state, columns, order), private to its
// owner or shared with everyone signed in. zod schemas are the types; the bounds are README › Views.
import { z } from 'zod';
import { connectionNameSchema, queueNameSchema } from '@/lib/config/schema';
import { jobStateSchema } from '@/lib/jobs/job-states';
import { PATH_MAX_SEGMENTS, PATH_ROOTS, PATH_SEGMENT_MAX_CHARS, QUERY_MAX_CHARS } from '@/lib/jobs/query/ast';

/** Private views one user may keep, and shared views one console may keep. */
export const VIEW_LIMITS = { privatePerOwner: 50, sharedPerConsole: 500 } as const;
/** What one user can see at most: every shared view and their own private ones (the list's bound). */
export const VISIBLE_VIEWS_MAX = VIEW_LIMITS.privatePerOwner + VIEW_LIMITS.sharedPerConsole;
export const VIEW_NAME_MAX_CHARS = 80;
export const VIEW_COLUMNS_MAX = 12;
export const VIEW_PATH_COLUMNS_MAX = 8;

/** The jobs table's own columns a view may choose (components/explorer/job-column-fit.ts, less the checkbox). */
export const BUILT_IN_VIEW_COLUMNS = ['id', 'name', 'state', 'created', 'started', 'finished', 'duration', 'attempts', 'progress', 'failed-reason'] as const;

/** A segment as the query language writes it: no spaces, `:`, `"`, `.` or control characters. */
const PATH_SEGMENT = new RegExp(`^[^\\s:".\\u0000-\\u001f\\u007f]{1,${PATH_SEGMENT_MAX_CHARS}}$`);

/** `data.customerId`, `returnvalue.items.0.sku`: a root, then 1–8 segments. */
export function isPathColumn(key: string): boolean {
  const [root, ...path] = key.split('.');
  return (PATH_ROOTS as readonly string[]).includes(root) && path.length >= 1 && path.length <= PATH_MAX_SEGMENTS && path.every((s) => PATH_SEGMENT.test(s));
}

const columnSchema = z
  .string()
  .max(PATH_ROOTS.reduce((n, r) => Math.max(n, r.length), 0) + PATH_MAX_SEGMENTS * (PATH_SEGMENT_MAX_CHARS + 1))
  .refine((key) => (BUILT_IN_VIEW_COLUMNS as readonly string[]).includes(key) || isPathColumn(key), {
    message: `must be a job column (${BUILT_IN_VIEW_COLUMNS.join(', ')}) or a path like data.customerId or returnvalue.id (at most ${PATH_MAX_SEGMENTS} segments without spaces, ":", or "\\"")`,
  });

export const viewColumnsSchema = z
  .array(columnSchema)
  .max(VIEW_COLUMNS_MAX, `at most ${VIEW_COLUMNS_MAX} columns`)
  .refine((cols) => new Set(cols).size === cols.length, 'a column is listed twice')
  .refine((cols) => cols.filter(isPathColumn).length <= VIEW_PATH_COLUMNS_MAX, `at most ${VIEW_PATH_COLUMNS_MAX} data or returnvalue columns`);

export const viewNameSchema = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(VIEW_NAME_MAX_CHARS, `name must be at most ${VIEW_NAME_MAX_CHARS} characters`)
  .refine((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s), 'name must not contain control characters');

export const viewVisibilitySchema = z.enum(['private', 'shared']);
export type ViewVisibility = z.infer<typeof viewVisibilitySchema>;

/** What a view shows; the query text must also parse (checked by the verbs, with the parser's message). */
const viewFields = {
  name: viewNameSchema,
  query: z.string().max(QUERY_MAX_CHARS, `query must be at most ${QUERY_MAX_CHARS} characters`),
  /** the state the query runs in, or every state */
  within: z.union([z.literal('all'), jobStateSchema]),
  columns: viewColumnsSchema,
  order: z.enum(['newest', 'oldest']),
  visibility: viewVisibilitySchema,
};

export const viewInputSchema = z
  .object({
    conn: connectionNameSchema,
    queue: queueNameSchema,
    ...viewFields,
    within: viewFields.within.default('all'),
    columns: viewFields.columns.default([]),
    order: viewFields.order.default('newest'),
    visibility: viewFields.visibility.default('private'),
  })
  .strict();
export type ViewInput = z.infer<typeof viewInputSchema>;

/** A change: any of the fields (a view stays under its queue). */
export const viewPatchSchema = z.object(viewFields).partial().strict();
export type ViewPatch = z.infer<typeof viewPatchSchema>;

export const viewSchema = z.object({
  id: z.string(),
  conn: z.string(),
  queue: z.string(),
  ...viewFields,
  /** the principal's id (a user's email, an API token's id) */
  owner: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type View = z.infer<typeof viewSchema>;

export const viewIdSchema = z.object({ id: z.string().uuid('must be a view id') });

export const listViewsQuerySchema = z.object({ conn: connectionNameSchema.optional(), queue: queueNameSchema.optional() });

export const viewListSchema = z.object({ views: z.array(viewSchema).max(VISIBLE_VIEWS_MAX) });

/** The view's stable URL, which opens its queue with its query. */
export const viewPath = (id: string) => `/views/${encodeURIComponent(id)}`;

/** The queue page running the view's query: `?q=…&in=…&view=…`. */
export function viewTarget(view: Pick<View, 'id' | 'conn' | 'queue' | 'query' | 'within'> & { columns?: string[]; order?: 'newest' | 'oldest' }): string {
  const search = new URLSearchParams({ q: view.query, in: view.within, view: view.id });
  // Its data columns ride in the URL the search page reads them from (components/explorer/data-columns-control.tsx).
  const paths = (view.columns ?? []).filter(isPathColumn);
  if (paths.length > 0) search.set('cols', paths.join(','));
  if (view.order === 'oldest') search.set('order', 'oldest');
  return `/connections/${encodeURIComponent(view.conn)}/queues/${encodeURIComponent(view.queue)}?${search}`;
}
