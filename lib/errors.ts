// Domain errors: a small set of classes, mapped to HTTP status and messages in exactly one place.

export type ErrorCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'read_only'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'redis_oom'
  | 'not_on_this_store'
  | 'internal';

export type FieldErrors = Record<string, string[]>;

// Marks Drover's errors so `instanceof` holds across Next's server bundles: the connection registry is
// shared on globalThis, so an error thrown by one bundle's copy of this module (a Connection made there)
// reaches another bundle's error mapping, whose classes are other objects.
const BRAND = Symbol.for('drover.error');

export class DroverError extends Error {
  /** The code a subclass always has (undefined for DroverError itself): what `instanceof` checks across bundles. */
  static readonly errorCode: ErrorCode | undefined = undefined;
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, status: number, message: string) {
    super(message);
    this.code = code;
    this.status = status;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[BRAND] !== true) return false;
    return this.errorCode === undefined || (value as DroverError).code === this.errorCode;
  }
}

export class InvalidError extends DroverError {
  static readonly errorCode = 'invalid' as const;
  readonly fieldErrors?: FieldErrors;
  constructor(message: string, fieldErrors?: FieldErrors) {
    super('invalid', 400, message);
    this.fieldErrors = fieldErrors;
  }
}
export class UnauthorizedError extends DroverError {
  static readonly errorCode = 'unauthorized' as const;
  constructor(message = 'Sign in required') {
    super('unauthorized', 401, message);
  }
}
export class ForbiddenError extends DroverError {
  static readonly errorCode = 'forbidden' as const;
  constructor(message = 'Your role does not allow this') {
    super('forbidden', 403, message);
  }
}
export class ReadOnlyError extends DroverError {
  static readonly errorCode = 'read_only' as const;
  constructor(connection: string) {
    super('read_only', 403, `Connection "${connection}" is read-only: changes are disabled`);
  }
}
export class NotFoundError extends DroverError {
  static readonly errorCode = 'not_found' as const;
  constructor(message: string) {
    super('not_found', 404, message);
  }
}
/**
 * A queue, job or connection outside the caller's team scope (README › Team scopes): answered exactly
 * like one that does not exist, audited as a denial.
 */
export class OutOfScopeError extends NotFoundError {
  readonly outOfScope = true;

  // The brand check alone would take every not-found error for one (they share the code).
  static [Symbol.hasInstance](value: unknown): boolean {
    return DroverError[Symbol.hasInstance].call(this, value) && (value as { outOfScope?: unknown }).outOfScope === true;
  }
}
export class ConflictError extends DroverError {
  static readonly errorCode = 'conflict' as const;
  constructor(message: string) {
    super('conflict', 409, message);
  }
}
export class PayloadTooLargeError extends DroverError {
  static readonly errorCode = 'payload_too_large' as const;
  constructor(message: string) {
    super('payload_too_large', 413, message);
  }
}
export class RateLimitedError extends DroverError {
  static readonly errorCode = 'rate_limited' as const;
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', 429, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
export class UnavailableError extends DroverError {
  static readonly errorCode = 'unavailable' as const;
  constructor(message: string) {
    super('unavailable', 503, message);
  }
}
export class RedisOutOfMemoryError extends DroverError {
  static readonly errorCode = 'redis_oom' as const;
  constructor(connection?: string) {
    super('redis_oom', 507, `Redis${connection ? ` (connection "${connection}")` : ''} is out of memory (maxmemory reached with noeviction): nothing was changed. Free memory or raise maxmemory.`);
  }
}

/**
 * What a PostgreSQL connection cannot do yet in this version: a precise 501 naming the connection,
 * instead of a crash (the store seam covers browsing and job actions; see the README's PostgreSQL section).
 */
export class NotOnThisStoreError extends DroverError {
  static readonly errorCode = 'not_on_this_store' as const;
  constructor(connection: string, what = 'This') {
    super('not_on_this_store', 501, `${what} is not available on PostgreSQL connections yet (connection "${connection}"): it needs a Redis connection in this version of Drover`);
  }
}

// Which store each configured connection names, so a failure reads "PostgreSQL connection …".
const STORE_LABELS = new Map<string, 'Redis' | 'PostgreSQL'>();
export function noteConnectionStore(connection: string, store: 'redis' | 'postgres'): void {
  STORE_LABELS.set(connection, store === 'postgres' ? 'PostgreSQL' : 'Redis');
}

// node-postgres and PostgreSQL's own failures (SQLSTATE classes 08 connection, 53 resources, 57P shutdown).
const PG_UNREACHABLE = /Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Client has encountered a connection error/i;

function pgFailure(err: unknown, connection?: string): DroverError | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  const where = `PostgreSQL${connection ? ` connection "${connection}"` : ''}`;
  if (err.name === 'SchemaMigrationRequiredError') {
    return new UnavailableError(`${where} has no BullMQ schema yet (${err.message.split('\n')[0].slice(0, 160)}): create it with BullMQ (a Queue with connection.migrate true), or set "migrate": true on this connection in drover.config.json (DROVER_PG_MIGRATE=1 with DATABASE_URL) to let Drover run BullMQ's migrations`);
  }
  if (err.name === 'SchemaVersionMismatchError' || err.name === 'UnsupportedPostgresVersionError') {
    return new UnavailableError(`${where}: ${err.message.split('\n')[0].slice(0, 300)}`);
  }
  if (code === '28P01' || code === '28000') return new UnavailableError(`${where} refused Drover's credentials (${err.message.split('\n')[0].slice(0, 160)}): check the user and password in the connection's URL`);
  if (code === '3D000') return new UnavailableError(`${where}: ${err.message.split('\n')[0].slice(0, 160)} — check the database name in the connection's URL`);
  if (code === '42501') return new UnavailableError(`${where}: Drover's role lacks a permission (${err.message.split('\n')[0].slice(0, 160)}) — see the README's PostgreSQL permissions`);
  if (/timeout exceeded when trying to connect/i.test(err.message) && connection && STORE_LABELS.get(connection) === 'PostgreSQL') {
    return new UnavailableError(`${where} is busy: every console connection to it is in use; try again in a moment`);
  }
  if (code === '57014') return new UnavailableError(`${where}: a statement ran past Drover's time limit and was cancelled; that statement changed nothing (batches a bulk action finished before it stay done: see its progress). Try again in a moment, or narrow the request.`);
  if (code === '53100') return new UnavailableError(`${where} is out of disk space (${err.message.split('\n')[0].slice(0, 120)}): that statement changed nothing; free space on the database server, then try again`);
  if (code === '25006') return new UnavailableError(`${where} accepts no writes (${err.message.split('\n')[0].slice(0, 120)}): is the URL a read-only standby? Point it at the primary`);
  if (code === '53300' || code === '53400') return new UnavailableError(`${where} has no free connections (${err.message.slice(0, 120)}): try again in a moment`);
  if (typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P'))) {
    return new UnavailableError(`${where} is unreachable: ${err.message.split('\n')[0].slice(0, 200)}`);
  }
  if (PG_UNREACHABLE.test(err.message)) return new UnavailableError(`${where} is unreachable: ${err.message.split('\n')[0].slice(0, 200)}`);
  return null;
}

const UNREACHABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Connection is closed|Stream isn't writeable|enableOfflineQueue|max retries per request|Reached the max retries|LOADING|MASTERDOWN|CLUSTERDOWN|connect ETIMEDOUT/i;

/**
 * Any thrown value as a DroverError: Redis, PostgreSQL and BullMQ failures become precise unavailable / OOM errors,
 * anything unknown becomes an internal error whose message is not leaked to clients.
 */
export function toDroverError(err: unknown, connection?: string): DroverError {
  if (err instanceof DroverError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const pg = pgFailure(err, connection);
  if (pg) return pg;
  if (/^OOM |OOM command not allowed/.test(message)) return new RedisOutOfMemoryError(connection);
  if (UNREACHABLE.test(message)) {
    const label = (connection && STORE_LABELS.get(connection)) ?? 'Redis';
    return new UnavailableError(`${label}${connection ? ` connection "${connection}"` : ''} is unreachable: ${shortRedisMessage(message)}`);
  }
  const internal = new DroverError('internal', 500, 'Internal error');
  internal.cause = err;
  return internal;
}

function shortRedisMessage(message: string): string {
  return message.split('\n')[0].slice(0, 200);
}

export type ErrorBody = { error: { code: ErrorCode; message: string; fieldErrors?: FieldErrors } };

/** The one mapping from errors to what clients see. */
export function errorResponseBody(err: DroverError): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err instanceof InvalidError && err.fieldErrors ? { fieldErrors: err.fieldErrors } : {}),
    },
  };
}
