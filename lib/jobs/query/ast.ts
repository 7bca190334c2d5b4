// The job query language's syntax tree (what lib/jobs/query/parse-query.ts makes of the search box's text)
// and the resolved predicate the stores run (lib/store/search-store.ts). Types come from these schemas.
import { z } from 'zod';
import { jobStateSchema } from '@/lib/jobs/job-states';

/** Longest query text accepted, and most clauses in one query. */
export const QUERY_MAX_CHARS = 500;
export const QUERY_MAX_CLAUSES = 20;
/** A JSON path after `data.` / `returnvalue.`: at most this many segments, each at most this long. */
export const PATH_MAX_SEGMENTS = 8;
export const PATH_SEGMENT_MAX_CHARS = 64;

const needle = z.string().min(1).max(QUERY_MAX_CHARS);
const negate = z.boolean();
export const compareOpSchema = z.enum(['gt', 'gte', 'lt', 'lte', 'eq']);
export type CompareOp = z.infer<typeof compareOpSchema>;

/**
 * A time bound as typed: an instant (`2026-12-01`, `2026-12-01T10:00Z`, epoch ms) or a distance before
 * now (`-1h` → { ago: 3600000 }), turned into an instant when the query runs (lib/jobs/query/resolve-query.ts),
 * so a saved view of `finished:>-1h` always means the last hour.
 */
export const timeBoundSchema = z.union([z.object({ at: z.number().int() }), z.object({ ago: z.number().int().min(0) })]);
export type TimeBound = z.infer<typeof timeBoundSchema>;

export const TIME_FIELDS = ['created', 'processed', 'finished'] as const;
export const NUMBER_FIELDS = ['attempts', 'priority', 'delay'] as const;
export const PATH_ROOTS = ['data', 'returnvalue'] as const;

/** A job path segment: an object key or an array index ("0"), never empty. */
export const pathSegmentSchema = z.string().min(1).max(PATH_SEGMENT_MAX_CHARS);

export const clauseSchema = z.discriminatedUnion('kind', [
  /** `state:failed`; several `state:` clauses mean any of them; `-state:x` leaves x out. */
  z.object({ kind: z.literal('state'), negate, states: z.array(jobStateSchema).min(1) }),
  /** `name:send-email` (eq), `name:send-*` (prefix), `name:~mail` (contains, ASCII case folded). */
  z.object({ kind: z.literal('name'), negate, op: z.enum(['eq', 'prefix', 'contains']), value: needle }),
  /** `id:123`, exact. */
  z.object({ kind: z.literal('id'), negate, value: needle }),
  /**
   * `data.user.plan:business` (eq: a string equal to the value, or a number/boolean whose text or value
   * is it), `data.amount:>100` (numbers only), `data.note:~timeout` (the value's text contains it,
   * ASCII case folded; an empty path is the whole field's text). `returnvalue.` the same.
   */
  z.object({
    kind: z.literal('path'),
    negate,
    root: z.enum(PATH_ROOTS),
    path: z.array(pathSegmentSchema).max(PATH_MAX_SEGMENTS),
    op: z.union([compareOpSchema, z.literal('contains')]),
    value: z.union([needle, z.number()]),
  }),
  /** Substring, ASCII case folded: `error:~x` (failed reason and stack traces), `logs:~x`, and free words (`any`). */
  z.object({ kind: z.literal('text'), negate, field: z.enum(['error', 'logs', 'any']), needle }),
  /** `created:>2026-12-01`, `finished:<-1h`, `processed:-15m..-5m` (both bounds inclusive). */
  z.object({ kind: z.literal('time'), negate, field: z.enum(TIME_FIELDS), from: timeBoundSchema.optional(), to: timeBoundSchema.optional(), fromExclusive: z.boolean(), toExclusive: z.boolean() }),
  /** `attempts:>=3`, `priority:>0`, `delay:>0`, `attempts:1..3` (range: two clauses gte and lte). */
  z.object({ kind: z.literal('number'), negate, field: z.enum(NUMBER_FIELDS), op: compareOpSchema, value: z.number() }),
  /** `parent:<queue>/<id>`: a flow child of that parent. */
  z.object({ kind: z.literal('parent'), negate, queue: z.string().min(1).max(200), id: needle }),
  /** `worker:<name>` (the worker that processed it last), `worker:api-*` prefix. */
  z.object({ kind: z.literal('worker'), negate, op: z.enum(['eq', 'prefix']), value: needle }),
]).superRefine((c, ctx) => {
  // What the parser never makes, refused for any other source too (a saved view, an API client): the
  // stores rely on a comparison's value being a number, eq/contains a string, eq naming a path.
  if (c.kind === 'path') {
    const numeric = c.op === 'gt' || c.op === 'gte' || c.op === 'lt' || c.op === 'lte';
    if (numeric !== (typeof c.value === 'number')) ctx.addIssue({ code: 'custom', path: ['value'], message: numeric ? 'a comparison needs a number' : 'eq and contains need text' });
    if (c.op === 'eq' && c.path.length === 0) ctx.addIssue({ code: 'custom', path: ['path'], message: 'eq needs a path' });
  }
  if (c.kind === 'time' && !c.from && !c.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'a time clause needs a bound' });
});
export type Clause = z.infer<typeof clauseSchema>;

export const jobQuerySchema = z.object({ clauses: z.array(clauseSchema).max(QUERY_MAX_CLAUSES) });
export type JobQuery = z.infer<typeof jobQuerySchema>;

/**
 * What a store evaluates per job: the query's clauses but `state` (the engine walks the chosen states)
 * with every time as an inclusive range of epoch ms (absent bound: open), and text needles already
 * ASCII-lower-cased. All must hold (AND); `negate` flips one.
 */
export type PredicateClause =
  | Extract<Clause, { kind: 'name' | 'id' | 'parent' | 'worker' | 'number' }>
  | Extract<Clause, { kind: 'path' }>
  | Extract<Clause, { kind: 'text' }>
  | { kind: 'time'; negate: boolean; field: (typeof TIME_FIELDS)[number]; min: number | null; max: number | null };
export type JobPredicate = PredicateClause[];
