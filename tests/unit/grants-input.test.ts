// Grants as the API, the forms and the CLI take them (objects or "role@connection/queue"), the config
// file's `sso` and `permissions` keys, and the permission matrix's rules.
import { describe, expect, it } from 'vitest';
import { grantsInput } from '@/lib/users/schemas';
import { parseConfig } from '@/lib/config/load-config';
import { matrixRows, normalizeWithhold, withholdIssues } from '@/lib/permissions/matrix';
import { fieldErrorsOf } from '@/lib/zod-issues';

describe('grants input', () => {
  it('takes objects and the short form alike', () => {
    expect(grantsInput.parse(['operator@main/billing-*', 'viewer@email', { queue: 'audit', role: 'admin' }, 'none@*/secret-?'])).toEqual([
      { connection: 'main', queue: 'billing-*', role: 'operator' },
      { connection: '*', queue: 'email', role: 'viewer' },
      { connection: '*', queue: 'audit', role: 'admin' },
      { connection: '*', queue: 'secret-?', role: 'none' },
    ]);
  });

  it('names the grant and the part that is wrong', () => {
    const bad = grantsInput.safeParse(['viewer@*/email', 'operator@main/', 'boss@*/x', 'email', { connection: '*', queue: 'x', role: 'viewer', extra: 1 }]);
    expect(Object.keys(fieldErrorsOf(bad.error!, { prefix: ['grants'] }))).toEqual(['grants[1].queue', 'grants[2].role', 'grants[3].queue', 'grants[3].role', 'grants[4]']);
    expect(fieldErrorsOf(bad.error!, { prefix: ['grants'] })['grants[1].queue']).toEqual(['a pattern is required (use * for every one)']);
    expect(grantsInput.safeParse(Array.from({ length: 51 }, () => 'viewer@*/x')).error?.issues[0].message).toBe('at most 50 grants');
  });
});

describe('config file', () => {
  const connections = [{ name: 'main', url: 'redis://127.0.0.1:6379' }];

  it('reads sso group mappings with their defaults, and names a bad one', () => {
    const config = parseConfig({ connections, sso: { groups: { ops: { role: 'operator', grants: ['admin@*/ops-*'] } } } }, 'test.json');
    expect(config.sso).toEqual({ groupsClaim: 'groups', groups: { ops: { role: 'operator', grants: [{ connection: '*', queue: 'ops-*', role: 'admin' }] } }, defaultRole: 'none' });
    expect(() => parseConfig({ connections, sso: { groups: { ops: { role: 'root' } } } }, 'test.json')).toThrow(/sso\.groups\.ops\.role: /);
    expect(() => parseConfig({ connections, sso: { groupClaim: 'groups' } }, 'test.json')).toThrow(/sso: /);
  });
});

describe('permission matrix rules', () => {
  it('lists every operation once, with the roles that hold it', () => {
    const rows = matrixRows();
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    expect(rows.find((r) => r.name === 'job.get')).toMatchObject({ table: 'jobs', roles: ['viewer', 'operator', 'admin'], keptForAdmin: false });
    expect(rows.filter((r) => r.keptForAdmin).map((r) => r.table)).toEqual(expect.arrayContaining(['users', 'permissions']));
  });

  it('allows what a role holds and refuses the rest, naming each entry', () => {
    expect(withholdIssues({ viewer: ['job.get'], operator: ['job.retry', 'queue.pause'], admin: ['queue.obliterate'] })).toEqual([]);
    expect(withholdIssues({ operator: ['job.retry', 'nope'], admin: ['token.create'], viewer: ['queue.drain'] }).map((i) => i.path)).toEqual(['viewer[0]', 'operator[1]', 'admin[0]']);
    expect(normalizeWithhold({ operator: ['queue.pause', 'job.retry', 'job.retry'] })).toEqual({ viewer: [], operator: ['job.retry', 'queue.pause'], admin: [] });
  });
});
