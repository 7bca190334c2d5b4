import { describe, expect, it } from 'vitest';
import { InvalidError, NotFoundError, errorResponseBody, toDroverError } from '@/lib/errors';
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
