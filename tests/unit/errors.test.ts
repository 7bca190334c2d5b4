import { describe, expect, it } from 'vitest';
import { InvalidError, NotFoundError, OutOfScopeError, errorResponseBody, toDroverError } from '@/lib/errors';
import { sanitizeParams } from '@/lib/audit/record-audit';

describe('error mapping', () => {
  it('maps Redis connection failures to 503 with the connection named', () => {
    const err = toDroverError(new Error('connect ECONNREFUSED 127.0.0.1:6379'), 'default');
    expect(err.status).toBe(503);
    expect(err.message).toBe('Redis connection "default" is unreachable: connect ECONNREFUSED 127.0.0.1:6379');
    expect(toDroverError(new Error("Stream isn't writeable and enableOfflineQueue options is false")).code).toBe('unavailable');
  });

  it('maps OOM to a clear out-of-memory error', () => {
    const err = toDroverError(new Error("OOM command not allowed when used memory > 'maxmemory'."));
    expect(err.code).toBe('redis_oom');
    expect(err.message).toMatch(/out of memory/);
  });

  it('never leaks unknown error messages', () => {
    const err = toDroverError(new Error('secret internal detail'));
    expect(err.status).toBe(500);
    expect(errorResponseBody(err)).toEqual({ error: { code: 'internal', message: 'Internal error' } });
  });

  it('keeps domain errors and their field errors', () => {
    expect(toDroverError(new NotFoundError('Job 7 not found')).status).toBe(404);
    expect(errorResponseBody(new InvalidError('bad', { data: ['not JSON'] }))).toEqual({
      error: { code: 'invalid', message: 'bad', fieldErrors: { data: ['not JSON'] } },
    });
  });
});

describe('audit parameters', () => {
  it('redacts secrets and caps huge values', () => {
    const out = sanitizeParams({ password: 'hunter2', apiToken: 'drv_x', email: 'a@b', data: 'x'.repeat(5000) });
    expect(out).toMatchObject({ password: '[redacted]', apiToken: '[redacted]', email: 'a@b' });
    expect(String(out?.data)).toMatch(/… \(5002 chars\)$/);
  });
});

describe('PostgreSQL failures', () => {
  const pgError = (message: string, code?: string, name = 'error') => Object.assign(new Error(message), { code, name });

  it('name the store and the connection: unreachable, statement time-out, no free connections', async () => {
    const { noteConnectionStore, toDroverError } = await import('@/lib/errors');
    noteConnectionStore('pg', 'postgres');
    expect(toDroverError(pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'pg').message).toBe('PostgreSQL connection "pg" is unreachable: connect ECONNREFUSED 127.0.0.1:5432');
    const timeout = toDroverError(pgError('canceling statement due to statement timeout', '57014'), 'pg');
    expect([timeout.status, timeout.message]).toEqual([503, expect.stringMatching(/ran past Drover's time limit and was cancelled; that statement changed nothing \(batches a bulk action finished before it stay done: see its progress\)\. Try again/)]);
    expect(toDroverError(pgError('terminating connection due to administrator command', '57P01'), 'pg').message).toMatch(/^PostgreSQL connection "pg" is unreachable/);
    expect(toDroverError(pgError('sorry, too many clients already', '53300'), 'pg').message).toMatch(/has no free connections/);
  });

  it('a full disk and a read-only standby are 503s that say what to do (Drover\'s own data is written there)', async () => {
    const { noteConnectionStore, toDroverError } = await import('@/lib/errors');
    noteConnectionStore('pg', 'postgres');
    const full = toDroverError(pgError('could not extend file "base/16384/2619": No space left on device', '53100'), 'pg');
    expect([full.status, full.message]).toEqual([503, expect.stringMatching(/^PostgreSQL connection "pg" is out of disk space \(could not extend file[^)]*\): that statement changed nothing; free space/)]);
    const standby = toDroverError(pgError('cannot execute INSERT in a read-only transaction', '25006'), 'pg');
    expect([standby.status, standby.message]).toEqual([503, expect.stringMatching(/^PostgreSQL connection "pg" accepts no writes .*read-only standby\? Point it at the primary$/)]);
  });

  it('say how to create a missing BullMQ schema, and name both versions of a mismatch', async () => {
    const { toDroverError } = await import('@/lib/errors');
    const missing = toDroverError(pgError('BullMQ: schema "bullmq" is not initialized', undefined, 'SchemaMigrationRequiredError'), 'pg');
    expect(missing.message).toMatch(/has no BullMQ schema yet[\s\S]*"migrate": true/);
    const mismatch = toDroverError(pgError('schema requires BullMQ >= 7 but this is 6', undefined, 'SchemaVersionMismatchError'), 'pg');
    expect(mismatch.message).toBe('PostgreSQL connection "pg": schema requires BullMQ >= 7 but this is 6');
  });

  it('a feature not yet on PostgreSQL is a precise 501', async () => {
    const { NotOnThisStoreError } = await import('@/lib/errors');
    const err = new NotOnThisStoreError('pg', 'Filtering a job list by name');
    expect([err.status, err.code, err.message]).toEqual([501, 'not_on_this_store', 'Filtering a job list by name is not available on PostgreSQL connections yet (connection "pg"): it needs a Redis connection in this version of Drover']);
  });
});

describe('errors from another copy of lib/errors (another Next server bundle)', () => {
  it('are still Drover errors with their status, and still the subclass they were', async () => {
    const mine = await import('@/lib/errors');
    // A second module instance, as a second bundle holds: its classes are other objects.
    const vitestModules = await import('vitest');
    vitestModules.vi.resetModules();
    const theirs = await import('@/lib/errors');
    expect(theirs.DroverError).not.toBe(mine.DroverError);
    const foreign = new theirs.NotOnThisStoreError('pg', 'Dead letters');
    expect(foreign instanceof mine.DroverError).toBe(true);
    expect(foreign instanceof mine.NotOnThisStoreError).toBe(true);
    expect(foreign instanceof mine.InvalidError).toBe(false);
    const mapped = mine.toDroverError(foreign, 'pg');
    expect([mapped.status, mapped.code]).toEqual([501, 'not_on_this_store']);
    expect(mine.errorResponseBody(mine.toDroverError(new theirs.InvalidError('bad', { x: ['no'] })))).toEqual({ error: { code: 'invalid', message: 'bad', fieldErrors: { x: ['no'] } } });
    expect(new Error('x') instanceof mine.DroverError).toBe(false);
  });
});

describe('PostgreSQL refusals', () => {
  const pgError = (message: string, code?: string) => Object.assign(new Error(message), { code });
  it('name wrong credentials, a missing database, a missing permission and a busy pool precisely', async () => {
    const { noteConnectionStore, toDroverError } = await import('@/lib/errors');
    noteConnectionStore('pg', 'postgres');
    expect(toDroverError(pgError('password authentication failed for user "drover"', '28P01'), 'pg').message).toMatch(/^PostgreSQL connection "pg" refused Drover's credentials .*check the user and password/);
    expect(toDroverError(pgError('database "nope" does not exist', '3D000'), 'pg').message).toMatch(/database "nope" does not exist — check the database name/);
    expect(toDroverError(pgError('permission denied for table job', '42501'), 'pg').message).toMatch(/lacks a permission \(permission denied for table job\)/);
    const busy = toDroverError(pgError('timeout exceeded when trying to connect'), 'pg');
    expect([busy.status, busy.message]).toEqual([503, 'PostgreSQL connection "pg" is busy: every console connection to it is in use; try again in a moment']);
  });

  it('tells an out-of-scope refusal from a plain not-found (both answer 404; only the first is a denial)', () => {
    const gone = new NotFoundError('Job 1 not found');
    const hidden = new OutOfScopeError('Queue "x" not found on connection "main"');
    expect([gone instanceof OutOfScopeError, gone instanceof NotFoundError]).toEqual([false, true]);
    expect([hidden instanceof OutOfScopeError, hidden instanceof NotFoundError, hidden.status]).toEqual([true, true, 404]);
  });
});
