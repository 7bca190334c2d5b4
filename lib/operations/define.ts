// What an operation is: the one declaration of its name (also its audit name), role, schemas, HTTP
// method and path, and the verb it runs. Route handlers, server actions, the OpenAPI document and the
// abuse-test inventories are all derived from these declarations (lib/http/, lib/operations/index.ts).
import type { z } from 'zod';
import type { Role } from '@/lib/auth/roles';
import type { Principal } from '@/lib/auth/principal';
import type { ExpensiveReadKind } from '@/lib/limits/expensive-reads';
import { getConnection } from '@/lib/redis/connections';

/** The named connection an operation reads or changes (404 when unknown). */
export const connection = getConnection;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who runs an operation, through which door, and which operation it is (its audit name and role). */
export type OperationContext = {
  actor: Principal;
  via: 'ui' | 'api' | 'cli' | 'system';
  /** set by the HTTP and server-action wrappers; verbs called directly (tests, CLI) use their own */
  operation?: OperationRef;
  /** the HTTP request, for operations that stream or watch the client going away */
  request?: Request;
};

export type OperationRef = { name: string; role: Role };

/**
 * Which queues an operation is about, for team scopes (README › Team scopes; lib/auth/authorize.ts):
 * - `queue`: one queue (`{conn}` and `{queue}` in its path); the role held on it decides, and outside
 *   the caller's scope the queue does not exist (404);
 * - `connection`: the queues of one connection (`{conn}`, e.g. its dead letters): the connection must be
 *   reachable (else 404) and the operation itself keeps only the queues in scope;
 * - `whole-connection`: every queue of a connection at once (pause all): needs the role on all of them;
 * - `filtered`: queues of any connection (overview, live events, schedules, alerts, audit): the operation
 *   keeps only what is in scope, checking the role per queue where it acts;
 * - `self`: about the caller, not about queues (their password, sessions, views, the API document);
 * - `global`: about the whole console (users, tokens, permissions): only the global role counts.
 * Derived from the path when not declared: `{queue}` → queue, `{conn}` → whole-connection, else global.
 */
export type OperationScope = 'queue' | 'connection' | 'whole-connection' | 'filtered' | 'self' | 'global';

export function scopeOf(op: { scope?: OperationScope; http?: { path: string } }): OperationScope {
  if (op.scope) return op.scope;
  const path = op.http?.path ?? '';
  if (path.includes('{queue}')) return 'queue';
  if (path.includes('{conn}')) return 'whole-connection';
  return 'global';
}

/** The validated input of one call. */
export type OperationInput<P, Q, B> = { params: P; query: Q; body: B };

/** A call the role rule lifts to a higher role than the operation's (lib/jobs/unprocessed-work.ts). */
export type Escalation = { role: Role; when: string; example: { params?: unknown; query?: unknown; body?: unknown } };

type Schema = z.ZodType;
/** The parsed value of an optional schema (undefined when the operation takes none). */
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
/** What a caller may pass for an optional schema. */
type In<S> = S extends z.ZodType ? z.input<S> : undefined;

export type Operation<PS extends Schema | undefined = Schema | undefined, QS extends Schema | undefined = Schema | undefined, BS extends Schema | undefined = Schema | undefined, R = unknown> = OperationRef & {
  summary: string;
  description?: string;
  /** the noun it belongs to (the OpenAPI tag): the name of its table in lib/operations/index.ts */
  tag?: string;
  http?: { method: HttpMethod; path: string; status?: number };
  /** which queues it is about, for team scopes (see OperationScope; derived from the path when absent) */
  scope?: OperationScope;
  params?: PS;
  query?: QS;
  body?: BS;
  /** what it answers (for the OpenAPI document); streamed answers name their content type instead */
  output?: z.ZodType<R>;
  produces?: string;
  maxBodyBytes?: number;
  expensive?: ExpensiveReadKind | Bivariant<(query: Out<QS>) => ExpensiveReadKind | undefined>;
  /** why a call may be refused with 429 and Retry-After (besides the expensive-read limits) */
  rateLimited?: string;
  /** the name of the server action that exposes it (app/actions.ts), when the UI calls it */
  action?: string;
  escalations?: Escalation[];
  /** a valid input, for the OpenAPI examples and the abuse tests */
  example?: { params?: In<PS>; query?: In<QS>; body?: In<BS> };
  // A method, not a property: its parameters are then checked bivariantly, so every operation is an `Operation`.
  run(ctx: OperationContext, input: OperationInput<Out<PS>, Out<QS>, Out<BS>>): Promise<R | Response>;
};

/** A function type whose parameters are checked bivariantly, so every operation is an `Operation`. */
type Bivariant<F extends (...args: never[]) => unknown> = { f(...args: Parameters<F>): ReturnType<F> }['f'];

/** What a server action of the operation takes: the same parts as an HTTP call. */
export type ActionInput<O> = O extends Operation<infer PS, infer QS, infer BS, unknown>
  ? (PS extends Schema ? { params: z.input<PS> } : { params?: undefined }) & (QS extends Schema ? { query?: z.input<QS> } : { query?: undefined }) & (BS extends Schema ? { body: z.input<BS> } : { body?: undefined })
  : never;

/** What an operation answers (without the Response of streamed operations). */
export type OperationResult<O> = O extends Operation<Schema | undefined, Schema | undefined, Schema | undefined, infer R> ? Exclude<R, Response> : never;

/** Changes something (and so is audited on success too): every operation that is not a GET. */
export function isMutation(op: { http?: { method: HttpMethod } }): boolean {
  return op.http ? op.http.method !== 'GET' : true;
}

/** Identity function that infers the schema types for `run` and the callers. */
export function operation<PS extends Schema | undefined = undefined, QS extends Schema | undefined = undefined, BS extends Schema | undefined = undefined, R = unknown>(
  op: Operation<PS, QS, BS, R>,
): Operation<PS, QS, BS, R> {
  return op;
}
