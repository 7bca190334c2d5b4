// Team scopes: which role a grant set gives on a queue (README › Team scopes › Precedence).
import { describe, expect, it } from 'vitest';
import { canAt, grantSchema, highestRole, highestRoleOn, mayReachConnection, parseGrantText, roleAt, wholeConnectionRole, type Access, type Grant } from '@/lib/auth/scope';

const g = (text: string): Grant => parseGrantText(text);
const access = (global: Access['global'], ...grants: string[]): Access => ({ global, grants: grants.map(g) });

describe('roleAt', () => {
  it('without grants, the global role everywhere (none: nothing)', () => {
    expect(roleAt(access('operator'), 'main', 'anything')).toBe('operator');
    expect(roleAt(access(null), 'main', 'anything')).toBeNull();
  });

  it('the issue example: operator on billing-*, viewer on email, nothing else', () => {
    const a = access(null, 'operator@*/billing-*', 'viewer@*/email');
    expect(roleAt(a, 'main', 'billing-invoices')).toBe('operator');
    expect(roleAt(a, 'other', 'billing-refunds')).toBe('operator');
    expect(roleAt(a, 'main', 'email')).toBe('viewer');
    expect(roleAt(a, 'main', 'email-digest')).toBeNull();
    expect(roleAt(a, 'main', 'hr-exports')).toBeNull();
    expect(roleAt(a, 'main', 'billing')).toBeNull();
  });

  it('the most specific grant decides, even when it gives less', () => {
    const a = access('viewer', 'operator@main/billing-*', 'viewer@main/billing-payroll', 'none@*/hr-*');
    expect(roleAt(a, 'main', 'billing-invoices')).toBe('operator');
    expect(roleAt(a, 'main', 'billing-payroll')).toBe('viewer');
    expect(roleAt(a, 'main', 'hr-exports')).toBeNull();
    expect(roleAt(a, 'main', 'email')).toBe('viewer');
    // a longer literal prefix is more specific than a shorter one
    const b = access(null, 'admin@*/b*', 'viewer@*/billing-*');
    expect(roleAt(b, 'x', 'billing-a')).toBe('viewer');
    expect(roleAt(b, 'x', 'batch')).toBe('admin');
  });

  it('queue pattern specificity comes before the connection pattern; ties take the lesser role', () => {
    const a = access(null, 'admin@main/*', 'viewer@*/billing-*');
    expect(roleAt(a, 'main', 'billing-x')).toBe('viewer');
    expect(roleAt(a, 'main', 'email')).toBe('admin');
    const tie = access(null, 'admin@main/billing-*', 'operator@prod/billing-*', 'viewer@m*/billing-*');
    expect(roleAt(tie, 'main', 'billing-x')).toBe('admin');
    expect(roleAt(access(null, 'admin@*/q', 'viewer@*/q'), 'c', 'q')).toBe('viewer');
  });

  it('globs: * any characters, ? one, everything else literal (regex characters too)', () => {
    const a = access(null, 'viewer@*/a.b', 'viewer@*/job?', 'viewer@*/x(1)*');
    expect(roleAt(a, 'c', 'a.b')).toBe('viewer');
    expect(roleAt(a, 'c', 'aXb')).toBeNull();
    expect(roleAt(a, 'c', 'job1')).toBe('viewer');
    expect(roleAt(a, 'c', 'job12')).toBeNull();
    expect(roleAt(a, 'c', 'x(1)-y')).toBe('viewer');
    expect(canAt(a, 'c', 'job1', 'operator')).toBe(false);
  });
});

describe('connection-wide roles', () => {
  const a = access(null, 'operator@main/*', 'viewer@main/billing-payroll', 'admin@other/email');
  it('highest role anywhere and on one connection', () => {
    expect(highestRole(a)).toBe('admin');
    expect(highestRoleOn(a, 'main')).toBe('operator');
    expect(highestRoleOn(a, 'other')).toBe('admin');
    expect(highestRoleOn(a, 'third')).toBeNull();
    expect(mayReachConnection(a, 'third')).toBe(false);
    expect(mayReachConnection(access(null, 'none@*/*', 'viewer@*/email'), 'x')).toBe(true);
    expect(mayReachConnection(access('viewer', 'none@hr/*'), 'hr')).toBe(false);
  });
  it('the role on every queue of a connection is the lowest any of its queues gets', () => {
    expect(wholeConnectionRole(a, 'main')).toBe('viewer');
    expect(wholeConnectionRole(a, 'other')).toBeNull();
    expect(wholeConnectionRole(access('operator'), 'main')).toBe('operator');
    expect(wholeConnectionRole(access('operator', 'none@main/hr-*'), 'main')).toBeNull();
    expect(wholeConnectionRole(access('operator', 'admin@main/billing-*'), 'main')).toBe('operator');
  });
});

describe('grant text and schema', () => {
  it('role@connection/queue, or role@queue for every connection', () => {
    expect(parseGrantText('operator@main/billing-*')).toEqual({ connection: 'main', queue: 'billing-*', role: 'operator' });
    expect(parseGrantText('viewer@email')).toEqual({ connection: '*', queue: 'email', role: 'viewer' });
    expect(parseGrantText(' none @ */hr-* ')).toEqual({ connection: '*', queue: 'hr-*', role: 'none' });
  });
  it('refuses what is not a grant with a precise message', () => {
    expect(() => parseGrantText('operator')).toThrow(/write role@connection\/queue/);
    expect(() => parseGrantText('boss@*/x')).toThrow(/role/);
    expect(() => parseGrantText('viewer@main/')).toThrow(/queue a pattern is required/);
    expect(grantSchema.safeParse({ connection: 'a', queue: 'b\u0000', role: 'viewer' }).success).toBe(false);
    expect(grantSchema.safeParse({ queue: 'b', role: 'viewer', extra: 1 }).success).toBe(false);
  });
});
