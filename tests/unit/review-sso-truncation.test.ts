// Review: the SSO group mapping keeps at most 50 grants; what it drops must never widen access.
import { describe, expect, it } from 'vitest';
import { accessFromGroups } from '@/lib/auth/oidc-groups';
import { ssoConfigSchema } from '@/lib/auth/sso-schema';
import { roleAt } from '@/lib/auth/scope';

describe('SSO group mapping past 50 grants', () => {
  it('a group that takes queues away (role none) is not dropped, so truncation never gives more', () => {
    // "a-readers": viewer on 50 teams' queues and on everything else of main; "zz-no-hr": hides hr-* from its members.
    const readers = Array.from({ length: 49 }, (_, i) => `viewer@main/team-${i}`).concat('viewer@main/*');
    const sso = ssoConfigSchema.parse({ groups: { 'a-readers': { grants: readers }, 'zz-no-hr': { grants: ['none@*/hr-*'] } } });
    const mapped = accessFromGroups(sso, ['a-readers', 'zz-no-hr']);
    const access = { global: mapped.role === 'none' ? null : mapped.role, grants: mapped.grants };
    // With every grant kept, main/hr-payroll is hidden; the mapping must not hand it out.
    expect(roleAt({ global: null, grants: [...sso.groups['a-readers'].grants!, ...sso.groups['zz-no-hr'].grants!] }, 'main', 'hr-payroll')).toBeNull();
    expect(roleAt(access, 'main', 'hr-payroll')).toBeNull();
  });
});
