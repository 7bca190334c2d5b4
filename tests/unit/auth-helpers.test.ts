import { describe, expect, it } from 'vitest';
import { hasRole } from '@/lib/auth/roles';
import { safeCallbackPath } from '@/lib/auth/safe-callback';
import { clientIp } from '@/lib/auth/signin-rate-limit';
import { assertRole } from '@/lib/auth/assert-role';
import { ForbiddenError, UnauthorizedError } from '@/lib/errors';

describe('roles', () => {
  it('orders viewer < operator < admin', () => {
    expect(hasRole('admin', 'operator')).toBe(true);
    expect(hasRole('operator', 'operator')).toBe(true);
    expect(hasRole('viewer', 'operator')).toBe(false);
    expect(hasRole('operator', 'admin')).toBe(false);
  });

  it('assertRole throws 401 without a principal and 403 with too low a role', () => {
    expect(() => assertRole(null, 'viewer')).toThrowError(UnauthorizedError);
    expect(() => assertRole({ kind: 'session', id: 'v', name: 'v', role: 'viewer' }, 'operator')).toThrowError(ForbiddenError);
    expect(assertRole({ kind: 'token', id: 't', name: 'token:t', role: 'admin' }, 'operator').role).toBe('admin');
  });
});

describe('sign-in redirect target', () => {
  it('keeps same-site paths and drops everything else', () => {
    expect(safeCallbackPath('/connections/default/queues/mail?state=failed')).toBe('/connections/default/queues/mail?state=failed');
    expect(safeCallbackPath('//evil.example/x')).toBe('/');
    expect(safeCallbackPath('https://evil.example')).toBe('/');
    expect(safeCallbackPath('javascript:alert(1)')).toBe('/');
    expect(safeCallbackPath('/\\evil.example')).toBe('/');
    expect(safeCallbackPath(undefined)).toBe('/');
  });
});

describe('client address', () => {
  it('uses the last X-Forwarded-For hop', () => {
    expect(clientIp(new Headers({ 'x-forwarded-for': '1.1.1.1, 10.0.0.2' }))).toBe('10.0.0.2');
    expect(clientIp({ 'x-forwarded-for': '::1' })).toBe('::1');
    expect(clientIp({})).toBe('unknown');
  });
});
