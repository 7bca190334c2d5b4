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
  | 'internal';

export type FieldErrors = Record<string, string[]>;

export class DroverError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, status: number, message: string) {
    super(message);
    this.code = code;
    this.status = status;
    this.name = new.target.name;
  }
}

export class InvalidError extends DroverError {
  readonly fieldErrors?: FieldErrors;
  constructor(message: string, fieldErrors?: FieldErrors) {
    super('invalid', 400, message);
    this.fieldErrors = fieldErrors;
  }
}
export class UnauthorizedError extends DroverError {
  constructor(message = 'Sign in required') {
    super('unauthorized', 401, message);
  }
}
export class ForbiddenError extends DroverError {
  constructor(message = 'Your role does not allow this') {
    super('forbidden', 403, message);
  }
}
export class ReadOnlyError extends DroverError {
  constructor(connection: string) {
    super('read_only', 403, `Connection "${connection}" is read-only: changes are disabled`);
  }
}
export class NotFoundError extends DroverError {
  constructor(message: string) {
    super('not_found', 404, message);
  }
}
export class ConflictError extends DroverError {
  constructor(message: string) {
    super('conflict', 409, message);
  }
}
export class PayloadTooLargeError extends DroverError {
  constructor(message: string) {
    super('payload_too_large', 413, message);
  }
}
export class RateLimitedError extends DroverError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', 429, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
export class UnavailableError extends DroverError {
  constructor(message: string) {
    super('unavailable', 503, message);
  }
}
export class RedisOutOfMemoryError extends DroverError {
  constructor(connection?: string) {
    super('redis_oom', 507, `Redis${connection ? ` (connection "${connection}")` : ''} is out of memory (maxmemory reached with noeviction): nothing was changed. Free memory or raise maxmemory.`);
  }
}

const UNREACHABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Connection is closed|Stream isn't writeable|enableOfflineQueue|max retries per request|Reached the max retries|LOADING|MASTERDOWN|CLUSTERDOWN|connect ETIMEDOUT/i;

/**
 * Any thrown value as a DroverError: Redis/BullMQ failures become precise unavailable / OOM errors,
 * anything unknown becomes an internal error whose message is not leaked to clients.
 */
export function toDroverError(err: unknown, connection?: string): DroverError {
  if (err instanceof DroverError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/^OOM |OOM command not allowed/.test(message)) return new RedisOutOfMemoryError(connection);
  if (UNREACHABLE.test(message)) {
    return new UnavailableError(`Redis${connection ? ` connection "${connection}"` : ''} is unreachable: ${shortRedisMessage(message)}`);
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
